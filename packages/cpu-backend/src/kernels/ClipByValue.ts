import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/** ClipByValue: `min(max(x, min), max)`, float32; NaN stays NaN. */
export const clipByValueConfig: KernelConfig<'ClipByValue', CpuBackend> = {
  kernelName: 'ClipByValue',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { min, max }, backend }) => {
    backend.assertDType('ClipByValue', x, ['float32']);
    const values = backend.values(x);
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Math.min(Math.max(values[i], min), max);
    return backend.output(out, x.shape, 'float32');
  },
};
