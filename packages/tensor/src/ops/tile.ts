import { registerGradient } from '../autodiff/registry.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../util/shape.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';

/**
 * Repeats `x` `reps[i]` times along each axis.
 * @example
 * ```ts
 * tile(tensor([1, 2]), [3]); // [1, 2, 1, 2, 1, 2]
 * ```
 */
export function tile(x: TensorOrLike, reps: readonly number[]): Tensor {
  return op('tile', () => {
    const t = toTensor(x, 'x', 'tile');
    if (reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
      throw new ShapeError(
        `tile: expected ${t.rank} non-negative integer reps for shape ${formatShape(t.shape)} but got [${reps.join(', ')}]`,
      );
    }
    return runKernel('Tile', [t], { reps: [...reps] });
  });
}

// View the gradient as [r0, s0, r1, s1, ...] and sum over the repetition axes.
registerGradient('Tile', (dy, [x], _y, attrs) => {
  const reps = attrs.reps as number[];
  const split: number[] = [];
  reps.forEach((r, i) => split.push(r, x.shape[i]));
  const axes = reps.map((_, i) => 2 * i);
  return [reshape(sum(reshape(dy, split), axes), x.shape)];
});
