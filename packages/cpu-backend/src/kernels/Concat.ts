import { DTypeError, ShapeError, TesseraError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { stridedCopy } from '../util/copy.js';

/** Concat: joins any number of inputs along `attrs.axis` (same dtype, equal other dims; empty inputs add nothing). */
export const concatConfig: KernelConfig<'Concat', CpuBackend> = {
  kernelName: 'Concat',
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    if (inputs.length === 0) throw new TesseraError('Concat (cpu): expected at least one input');
    const first = inputs[0];
    const rank = first.shape.length;
    if (rank === 0) throw new ShapeError('Concat (cpu): expected inputs of rank >= 1 but got scalars');
    const axis = util.normalizeAxis(attrs.axis, rank, 'Concat');
    let total = 0;
    for (const x of inputs) {
      if (x.dtype !== first.dtype) throw new DTypeError(`Concat (cpu): expected inputs of one dtype but got ${first.dtype} and ${x.dtype}`);
      if (x.shape.length !== rank || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new ShapeError(
          `Concat (cpu): along axis ${axis}, expected shapes equal to ${util.formatShape(first.shape)} except at that axis but got ${util.formatShape(x.shape)}`,
        );
      }
      total += x.shape[axis];
    }
    const outShape = first.shape.map((d, i) => (i === axis ? total : d));
    const outStrides = util.computeStrides(outShape);
    const out = backend.alloc(first.dtype, util.sizeFromShape(outShape));
    let at = 0;
    for (const x of inputs) {
      stridedCopy(x.shape, backend.values(x), 0, util.computeStrides(x.shape), out, at * outStrides[axis], outStrides);
      at += x.shape[axis];
    }
    return backend.output(out, outShape, first.dtype);
  },
};
