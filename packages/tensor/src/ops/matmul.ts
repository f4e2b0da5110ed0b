import { registerGradient } from '../autodiff/registry.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, formatShape } from '../util/shape.js';
import { pairArgs } from './binary.js';
import { reduceToShape } from './broadcast_grad.js';
import type { TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';

/**
 * Matrix product of the last two dimensions; leading (batch) dimensions broadcast.
 * Rank-1 operands are not promoted: reshape them to `[1, n]` or `[n, 1]`.
 *
 * @param transposeA - use `a`'s last two dims swapped.
 * @param transposeB - use `b`'s last two dims swapped.
 * @example
 * ```ts
 * matMul(ones([2, 3]), ones([3, 4]));                 // [2, 4] of threes
 * matMul(ones([8, 2, 3]), ones([4, 3]), false, true); // [8, 2, 4]
 * ```
 */
export function matMul(a: TensorOrLike, b: TensorOrLike, transposeA = false, transposeB = false): Tensor {
  return op('matMul', () => {
    const [ta, tb] = pairArgs(a, b, 'matMul', ['float32', 'int32']);
    if (ta.rank < 2 || tb.rank < 2) {
      throw new ShapeError(
        `matMul: expected both operands to have rank >= 2 but got ${formatShape(ta.shape)} and ${formatShape(tb.shape)}`,
      );
    }
    const k1 = ta.shape[ta.rank - (transposeA ? 2 : 1)];
    const k2 = tb.shape[tb.rank - (transposeB ? 1 : 2)];
    if (k1 !== k2) {
      throw new ShapeError(
        `matMul: inner dimensions must match but got ${formatShape(ta.shape)}${transposeA ? 'ᵀ' : ''} x ` +
          `${formatShape(tb.shape)}${transposeB ? 'ᵀ' : ''} (${k1} vs ${k2})`,
      );
    }
    broadcastShapes('matMul (batch dimensions)', ta.shape.slice(0, -2), tb.shape.slice(0, -2));
    return runKernel('MatMul', [ta, tb], { transposeA, transposeB });
  });
}

registerGradient('MatMul', (dy, [a, b], _y, attrs) => {
  const tA = attrs.transposeA as boolean;
  const tB = attrs.transposeB as boolean;
  let da: Tensor;
  let db: Tensor;
  if (!tA && !tB) {
    da = matMul(dy, b, false, true);
    db = matMul(a, dy, true, false);
  } else if (!tA && tB) {
    da = matMul(dy, b);
    db = matMul(dy, a, true, false);
  } else if (tA && !tB) {
    da = matMul(b, dy, false, true);
    db = matMul(a, dy);
  } else {
    da = matMul(b, dy, true, true);
    db = matMul(dy, a, true, true);
  }
  // Batch dims that were broadcast are summed back.
  return [reduceToShape(da, a.shape), reduceToShape(db, b.shape)];
});
