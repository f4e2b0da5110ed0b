import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { stridedCopy } from '../util/copy.js';

/** Tile: repeats `x` `attrs.reps[d]` times along each axis `d`. */
export const tileConfig: KernelConfig<'Tile', CpuBackend> = {
  kernelName: 'Tile',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { reps }, backend }) => {
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = backend.alloc(x.dtype, util.sizeFromShape(outShape));
    // The output seen as [reps0, d0, reps1, d1, ...], read from x with stride 0 along each reps axis.
    const strides = util.computeStrides(x.shape);
    const split = x.shape.flatMap((d, i) => [reps[i], d]);
    const srcStrides = strides.flatMap((s) => [0, s]);
    stridedCopy(split, backend.values(x), 0, srcStrides, out, 0, util.computeStrides(split));
    return backend.output(out, outShape, x.dtype);
  },
};
