import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/**
 * OneHot: int32 `indices` to `indices.shape + [depth]` of `attrs.dtype`, `onValue` at
 * each index and `offValue` elsewhere; an index outside `[0, depth)` gives a row of
 * `offValue` (as TensorFlow).
 */
export const oneHotConfig: KernelConfig<'OneHot', CpuBackend> = {
  kernelName: 'OneHot',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [indices], attrs: { depth, onValue, offValue, dtype }, backend }) => {
    backend.assertDType('OneHot', indices, ['int32'], 'indices');
    backend.assertKnownDType('OneHot', dtype);
    const idx = backend.values(indices);
    const outShape = [...indices.shape, depth];
    const out = util.makeTypedArray(dtype, idx.length * depth);
    const on = dtype === 'bool' ? Number(onValue !== 0) : onValue;
    const off = dtype === 'bool' ? Number(offValue !== 0) : offValue;
    if (off !== 0) out.fill(off);
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i];
      if (j >= 0 && j < depth) out[i * depth + j] = on;
    }
    return backend.output(out, outShape, dtype);
  },
};
