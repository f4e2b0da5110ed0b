import { registerGradient } from '../autodiff/registry.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../util/shape.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { slice } from './slice.js';

/**
 * Pads each axis with `paddings[i] = [before, after]` copies of `constantValue`.
 * @example
 * ```ts
 * pad(tensor([[1]]), [[1, 1], [0, 2]]); // [[0, 0, 0], [1, 0, 0], [0, 0, 0]]
 * ```
 */
export function pad(x: TensorOrLike, paddings: ReadonlyArray<readonly [number, number]>, constantValue = 0): Tensor {
  return op('pad', () => {
    const t = toTensor(x, 'x', 'pad');
    const ok =
      paddings.length === t.rank &&
      paddings.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
    if (!ok) {
      throw new ShapeError(
        `pad: expected ${t.rank} pairs of non-negative integers for shape ${formatShape(t.shape)} but got ${JSON.stringify(paddings)}`,
      );
    }
    return runKernel('Pad', [t], { paddings: paddings.map((p) => [p[0], p[1]] as [number, number]), constantValue });
  });
}

registerGradient('Pad', (dy, [x], _y, attrs) => {
  const paddings = attrs.paddings as Array<[number, number]>;
  return [slice(dy, paddings.map((p) => p[0]), x.shape)];
});
