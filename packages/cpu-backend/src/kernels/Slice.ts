import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { stridedCopy } from '../util/copy.js';

/** Slice: the block of `attrs.size` starting at `attrs.begin` (both already validated and resolved by the op). */
export const sliceConfig: KernelConfig<'Slice', CpuBackend> = {
  kernelName: 'Slice',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { begin, size }, backend }) => {
    const strides = util.computeStrides(x.shape);
    const out = backend.alloc(x.dtype, util.sizeFromShape(size));
    const offset = begin.reduce((o, b, d) => o + b * strides[d], 0);
    stridedCopy(size, backend.values(x), offset, strides, out, 0, util.computeStrides(size));
    return backend.output(out, size, x.dtype);
  },
};
