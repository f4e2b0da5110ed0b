import { AxisError, util, ValueError, type KernelConfig, type TypedArray } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { moveAxesLast } from '../util/axes.js';

/**
 * The index within `n >= 1` contiguous values from `off` of the first largest one when
 * `sign` is 1, the first smallest when it is -1 (negation is exact, so ties stay ties).
 * A NaN wins at once, as in NumPy: it is the maximum, and the minimum, of a run holding one.
 */
function argExtreme(x: TypedArray, off: number, n: number, sign: 1 | -1): number {
  let best = sign * x[off];
  if (best !== best) return 0;
  let at = 0;
  for (let k = 1; k < n; k++) {
    const v = sign * x[off + k];
    if (v > best) {
      best = v;
      at = k;
    } else if (v !== v) return k;
  }
  return at;
}

function argConfig<K extends 'ArgMax' | 'ArgMin'>(kernelName: K, sign: 1 | -1): KernelConfig<K, CpuBackend> {
  return {
    kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs: [x], attrs: { axis }, backend }) => {
      const rank = x.shape.length;
      if (rank === 0 && (axis === 0 || axis === -1)) return backend.output(new Int32Array(1), [], 'int32');
      if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
        throw new AxisError(`${kernelName} (cpu): expected an axis in [0, ${rank - 1}] for a rank-${rank} tensor but got ${axis}`);
      }
      const outShape = util.reducedShape(x.shape, [axis]);
      const { values, outer, inner } = moveAxesLast(backend.values(x), x.shape, x.dtype, [axis]);
      if (inner === 0 && outer > 0) {
        throw new ValueError(`${kernelName} (cpu): axis ${axis} of shape ${util.formatShape(x.shape)} is empty, so it has no extreme`);
      }
      const out = new Int32Array(outer);
      for (let o = 0; o < outer; o++) out[o] = argExtreme(values, o * inner, inner, sign);
      return backend.output(out, outShape, 'int32');
    },
  };
}

/** ArgMax along `attrs.axis`: int32 index of the first maximum (the first NaN, if any). */
export const argMaxConfig = argConfig('ArgMax', 1);
/** ArgMin along `attrs.axis`: int32 index of the first minimum (the first NaN, if any). */
export const argMinConfig = argConfig('ArgMin', -1);
