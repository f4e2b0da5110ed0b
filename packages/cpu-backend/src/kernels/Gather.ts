import { AxisError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/**
 * Gather: slices of `x` along `attrs.axis` at int32 `indices`; the output shape is
 * `x.shape[:axis] + indices.shape + x.shape[axis + 1:]`. An index outside
 * `[0, x.shape[axis])` is an error.
 */
export const gatherConfig: KernelConfig<'Gather', CpuBackend> = {
  kernelName: 'Gather',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, indices], attrs, backend }) => {
    backend.assertDType('Gather', indices, ['int32'], 'indices');
    const axis = util.normalizeAxis(attrs.axis, x.shape.length, 'Gather');
    if (x.shape.length === 0) throw new AxisError('Gather (cpu): expected x of rank >= 1 but got a scalar');
    const axisSize = x.shape[axis];
    const idx = backend.values(indices);
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= axisSize) {
        throw new AxisError(
          `Gather (cpu): index ${idx[i]} (at flat position ${i} of indices) is out of range for axis ${axis} ` +
            `of x ${util.formatShape(x.shape)}; expected indices in [0, ${axisSize - 1}]`,
        );
      }
    }
    const outer = util.sizeFromShape(x.shape.slice(0, axis));
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const xv = backend.values(x);
    const out = backend.alloc(x.dtype, util.sizeFromShape(outShape));
    let o = 0;
    for (let b = 0; b < outer; b++) {
      const base = b * axisSize * inner;
      for (let i = 0; i < idx.length; i++) {
        const from = base + idx[i] * inner;
        if (inner === 1) out[o] = xv[from];
        else out.set(xv.subarray(from, from + inner), o);
        o += inner;
      }
    }
    return backend.output(out, outShape, x.dtype);
  },
};
