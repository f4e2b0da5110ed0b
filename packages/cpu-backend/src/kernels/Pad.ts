import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { stridedCopy } from '../util/copy.js';

/** Pad: `attrs.paddings[d] = [before, after]` elements of `attrs.constantValue` around axis `d`. */
export const padConfig: KernelConfig<'Pad', CpuBackend> = {
  kernelName: 'Pad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { paddings, constantValue }, backend }) => {
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const outStrides = util.computeStrides(outShape);
    const out = util.makeTypedArray(x.dtype, util.sizeFromShape(outShape));
    const fill = x.dtype === 'bool' ? Number(constantValue !== 0) : constantValue;
    if (fill !== 0) out.fill(fill);
    const offset = paddings.reduce((o, [before], d) => o + before * outStrides[d], 0);
    stridedCopy(x.shape, backend.values(x), 0, util.computeStrides(x.shape), out, offset, outStrides);
    return backend.output(out, outShape, x.dtype);
  },
};
