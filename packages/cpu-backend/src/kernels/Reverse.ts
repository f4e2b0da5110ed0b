import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { stridedCopy } from '../util/copy.js';

/** Reverse: flips `x` along each of `attrs.axes`. */
export const reverseConfig: KernelConfig<'Reverse', CpuBackend> = {
  kernelName: 'Reverse',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    const axes = util.normalizeAxes(attrs.axes, x.shape.length, 'Reverse');
    const out = backend.alloc(x.dtype, util.sizeFromShape(x.shape));
    // Read each reversed axis from its last element with a negative stride.
    const strides = util.computeStrides(x.shape);
    let offset = 0;
    const srcStrides = strides.map((s, d) => {
      if (!axes.includes(d) || x.shape[d] === 0) return s;
      offset += (x.shape[d] - 1) * s;
      return -s;
    });
    stridedCopy(x.shape, backend.values(x), offset, srcStrides, out, 0, strides);
    return backend.output(out, x.shape, x.dtype);
  },
};
