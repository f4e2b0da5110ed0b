import { AxisError, type DType, type Shape, type TypedArray } from '@tessera/tensor';
import { transposeValues } from './copy.js';

/**
 * Checks a kernel's `axes` attribute (sorted, distinct, in `[0, rank)`) and returns it.
 * A scalar reduces over nothing, so for rank 0 the axes `[]` and `[0]` both mean none.
 */
export function checkAxes(kernelName: string, axes: readonly number[], rank: number): readonly number[] {
  if (rank === 0 && axes.length <= 1 && (axes.length === 0 || axes[0] === 0)) return [];
  for (let k = 0; k < axes.length; k++) {
    const a = axes[k];
    if (!Number.isInteger(a) || a < 0 || a >= rank || (k > 0 && a <= axes[k - 1])) {
      throw new AxisError(
        `${kernelName} (cpu): expected sorted, distinct axes in [0, ${rank - 1}] for a rank-${rank} tensor but got [${axes.join(', ')}]`,
      );
    }
  }
  return axes;
}

/**
 * The values of `x` laid out as `[outer, inner]`, where `inner` runs over `axes` (sorted)
 * and `outer` over the other axes, both in their original order: moves `axes` to the
 * end with a transpose, unless that would not move any data. The result may be
 * `values` itself: read it only.
 */
export function moveAxesLast(
  values: TypedArray,
  shape: Shape,
  dtype: DType,
  axes: readonly number[],
): { values: TypedArray; outer: number; inner: number } {
  const kept: number[] = [];
  for (let d = 0; d < shape.length; d++) if (!axes.includes(d)) kept.push(d);
  const perm = [...kept, ...axes];
  const inner = axes.reduce((p, a) => p * shape[a], 1);
  const outer = kept.reduce((p, a) => p * shape[a], 1);
  // Axes of size 1 can go anywhere; the data moves only if the others change order.
  const moving = perm.filter((d) => shape[d] !== 1);
  const inOrder = moving.every((d, k) => k === 0 || d > moving[k - 1]);
  return { values: inOrder ? values : transposeValues(values, shape, perm, dtype), outer, inner };
}

