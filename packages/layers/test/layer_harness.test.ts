import '@tessera/cpu-backend';
import { describe, expect, it } from 'vitest';
import * as L from '../src/index.js';
import { describeLayer } from './harness.js';
import { LAYER_SPECS } from './layer_specs.js';

describe('every layer through describeLayer (CPU)', () => {
  it('every exported layer class has a spec', () => {
    const classes = Object.values(L)
      .filter((v) => typeof v === 'function' && v.prototype instanceof L.Layer && v !== L.Model && v !== L.Sequential && v !== L.InputLayer)
      .map((v) => (v as unknown as { className: string }).className);
    const covered = new Set(LAYER_SPECS.map((s) => s.make().className));
    expect(classes.filter((c) => !covered.has(c))).toEqual([]);
  });

  for (const spec of LAYER_SPECS) describeLayer(spec);
});
