import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/**
 * Cast to `attrs.dtype`: float to int32 truncates toward zero (the Int32Array store does
 * it; NaN becomes 0, values past the int32 range wrap), anything to bool is `x != 0`
 * (NaN is true), bool to a number is 0 or 1, and the same dtype gives a copy.
 */
export const castConfig: KernelConfig<'Cast', CpuBackend> = {
  kernelName: 'Cast',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { dtype }, backend }) => {
    backend.assertKnownDType('Cast', dtype);
    const values = backend.values(x);
    if (dtype === x.dtype) return backend.output(values.slice(), x.shape, dtype);
    if (dtype === 'bool') {
      const out = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = +(values[i] !== 0);
      return backend.output(out, x.shape, dtype);
    }
    const out = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    return backend.output(out, x.shape, dtype);
  },
};
