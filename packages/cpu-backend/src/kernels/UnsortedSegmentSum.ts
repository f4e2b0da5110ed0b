import { ShapeError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/**
 * UnsortedSegmentSum: `out[s] = sum of x[i] over i with segmentIds[i] = s`, for rows `x[i]`
 * along axis 0; the output is `[numSegments, ...x.shape[1:]]` and ids outside
 * `[0, numSegments)` are dropped.
 */
export const unsortedSegmentSumConfig: KernelConfig<'UnsortedSegmentSum', CpuBackend> = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, segmentIds], attrs: { numSegments }, backend }) => {
    backend.assertDType('UnsortedSegmentSum', x, ['float32', 'int32']);
    backend.assertDType('UnsortedSegmentSum', segmentIds, ['int32'], 'segmentIds');
    if (x.shape.length === 0 || segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
      throw new ShapeError(
        `UnsortedSegmentSum (cpu): expected x of rank >= 1 and 1-D segmentIds of length x.shape[0] but got ` +
          `x ${util.formatShape(x.shape)} and segmentIds ${util.formatShape(segmentIds.shape)}`,
      );
    }
    const rowSize = util.sizeFromShape(x.shape.slice(1));
    const outShape = [numSegments, ...x.shape.slice(1)];
    const out = util.makeTypedArray(x.dtype, numSegments * rowSize);
    const xv = backend.values(x);
    const ids = backend.values(segmentIds);
    for (let r = 0; r < ids.length; r++) {
      const s = ids[r];
      if (s < 0 || s >= numSegments) continue;
      for (let i = 0, o = s * rowSize, from = r * rowSize; i < rowSize; i++) out[o + i] += xv[from + i];
    }
    return backend.output(out, outShape, x.dtype);
  },
};
