// Every layer of @tessera/layers on WebGPU against the CPU: the layer specs of the layers
// package's describeLayer harness (small shapes), run on each backend with the same inputs and
// weights; outputs and the gradients of sum(output * r) (inputs, then trainable weights) must agree.
import '@tessera/cpu-backend';
import './setup.js';
import { clearSession } from '@tessera/layers';
import { getBackend, memory, setBackend } from '@tessera/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnBackend } from '../../layers/test/harness.js';
import { LAYER_SPECS } from '../../layers/test/layer_specs.js';
import { expectClose } from './helpers.js';

describe('layers: WebGPU matches the CPU', () => {
  afterAll(() => setBackend('cpu'));

  for (const spec of LAYER_SPECS) {
    it(spec.name ?? spec.make().className, async () => {
      clearSession();
      await setBackend('cpu');
      const { run: cpu, weights } = await runOnBackend(spec);
      await setBackend('webgpu');
      expect(getBackend()).toBe('webgpu');
      const before = memory().numTensors;
      const { run: gpu } = await runOnBackend(spec, weights);
      expect(memory().numTensors).toBe(before);
      expect(gpu.shape).toEqual(cpu.shape);
      expectClose(gpu.output, cpu.output, 1e-4, 1e-5);
      expect(gpu.grads.length).toBe(cpu.grads.length);
      gpu.grads.forEach((g, i) => expectClose(g, cpu.grads[i], 1e-4, 1e-5));
    });
  }
});
