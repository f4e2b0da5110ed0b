import '@tessera/cpu-backend';
import { describe } from 'vitest';
import { describeLayer } from './harness.js';
import { RECURRENT_SPECS } from './layer_specs.js';

describe('recurrent layers through describeLayer (CPU)', () => {
  for (const spec of RECURRENT_SPECS) describeLayer(spec);
});
