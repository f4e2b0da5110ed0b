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

// Only the operands whose gradient is needed are computed: a first Dense layer's input
// gradient (a full GEMM) is skipped.
registerGradient('MatMul', (dy, [a, b], _y, attrs, needed) => {
  const tA = attrs.transposeA as boolean;
  const tB = attrs.transposeB as boolean;
  const da = needed?.[0] === false ? null : tA ? matMul(b, dy, tB, true) : matMul(dy, b, false, !tB);
  const db = needed?.[1] === false ? null : tB ? matMul(dy, a, true, tA) : matMul(a, dy, !tA, false);
  // Batch dims that were broadcast are summed back.
  return [da && reduceToShape(da, a.shape), db && reduceToShape(db, b.shape)];
});
