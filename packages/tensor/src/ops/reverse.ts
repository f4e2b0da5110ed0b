import { registerGradient } from '../autodiff/registry.js';
import type { Tensor } from '../tensor.js';
import { normalizeAxes } from '../util/shape.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';

/**
 * Reverses the order of elements along `axis` (all axes when omitted).
 * @example
 * ```ts
 * reverse(tensor([[1, 2], [3, 4]]), 1); // [[2, 1], [4, 3]]
 * ```
 */
export function reverse(x: TensorOrLike, axis?: number | readonly number[]): Tensor {
  return op('reverse', () => {
    const t = toTensor(x, 'x', 'reverse');
    return runKernel('Reverse', [t], { axes: normalizeAxes(axis, t.rank, 'reverse') });
  });
}

registerGradient('Reverse', (dy, _x, _y, attrs) => [reverse(dy, attrs.axes as number[])]);
