import { registerGradient } from '../autodiff/registry.js';
import { AxisError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';

/**
 * Permutes the axes: output axis `i` is input axis `perm[i]` (default: reversed).
 * @example
 * ```ts
 * transpose(zeros([2, 3, 4]), [0, 2, 1]); // shape [2, 4, 3]
 * ```
 */
export function transpose(x: TensorOrLike, perm?: readonly number[]): Tensor {
  return op('transpose', () => {
    const t = toTensor(x, 'x', 'transpose');
    const p = perm ? perm.map((a) => (a < 0 ? a + t.rank : a)) : t.shape.map((_, i) => t.rank - 1 - i);
    const sorted = [...p].sort((u, v) => u - v);
    if (p.length !== t.rank || sorted.some((a, i) => a !== i)) {
      throw new AxisError(`transpose: expected a permutation of 0..${t.rank - 1} but got [${(perm ?? []).join(', ')}]`);
    }
    return runKernel('Transpose', [t], { perm: p });
  });
}

registerGradient('Transpose', (dy, _x, _y, attrs) => {
  const perm = attrs.perm as number[];
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return [transpose(dy, inverse)];
});
