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
    const out = backend.alloc(dtype, values.length);
    if (dtype === 'bool') {
      for (let i = 0; i < values.length; i++) out[i] = +(values[i] !== 0);
    } else {
      // A typed array's set converts each element as a store does (truncating to int32), natively.
      out.set(values);
    }
    return backend.output(out, x.shape, dtype);
  },
};
