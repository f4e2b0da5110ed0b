import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/** LeakyRelu: `x > 0 ? x : alpha * x`, float32. */
export const leakyReluConfig: KernelConfig<'LeakyRelu', CpuBackend> = {
  kernelName: 'LeakyRelu',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { alpha }, backend }) => {
    backend.assertDType('LeakyRelu', x, ['float32']);
    const values = backend.values(x);
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = v > 0 ? v : alpha * v;
    }
    return backend.output(out, x.shape, 'float32');
  },
};
