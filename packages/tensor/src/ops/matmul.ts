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
    checkMatMulShapes(ta, tb, transposeA, transposeB, 'matMul');
    return runKernel('MatMul', [ta, tb], { transposeA, transposeB });
  });
}

/**
 * Checks the shapes of a matrix product (ranks, inner dimensions, broadcastable batch
 * dimensions), throwing a ShapeError naming `opName`; returns the output's column count.
 */
export function checkMatMulShapes(ta: Tensor, tb: Tensor, transposeA: boolean, transposeB: boolean, opName: string): number {
  if (ta.rank < 2 || tb.rank < 2) {
    throw new ShapeError(
      `${opName}: expected both operands to have rank >= 2 but got ${formatShape(ta.shape)} and ${formatShape(tb.shape)}`,
    );
  }
  const k1 = ta.shape[ta.rank - (transposeA ? 2 : 1)];
  const k2 = tb.shape[tb.rank - (transposeB ? 1 : 2)];
  if (k1 !== k2) {
    throw new ShapeError(
      `${opName}: inner dimensions must match but got ${formatShape(ta.shape)}${transposeA ? 'ᵀ' : ''} x ` +
        `${formatShape(tb.shape)}${transposeB ? 'ᵀ' : ''} (${k1} vs ${k2})`,
    );
  }
  if (ta.rank > 2 || tb.rank > 2) broadcastShapes(`${opName} (batch dimensions)`, ta.shape.slice(0, -2), tb.shape.slice(0, -2));
  return tb.shape[tb.rank - (transposeB ? 2 : 1)];
}

/**
 * The gradients of `a @ b` (with its transposes) for `a` and `b` from the output's
 * gradient `dy`; `null` where `needed` says the gradient is thrown away.
 */
export function matMulGrads(
  dy: Tensor,
  a: Tensor,
  b: Tensor,
  tA: boolean,
  tB: boolean,
  needed?: readonly boolean[],
): [Tensor | null, Tensor | null] {
  // The kernel itself, not the `matMul` op: the operands were checked when the forward
  // product ran, and these shapes follow from them (the kernel checks them again).
  const product = (x: Tensor, y: Tensor, transposeA: boolean, transposeB: boolean) => runKernel('MatMul', [x, y], { transposeA, transposeB });
  const da = needed?.[0] === false ? null : tA ? product(b, dy, tB, true) : product(dy, b, false, !tB);
  const db = needed?.[1] === false ? null : tB ? product(dy, a, true, tA) : product(a, dy, !tA, false);
  // Batch dims that were broadcast are summed back.
  return [da && reduceToShape(da, a.shape), db && reduceToShape(db, b.shape)];
}

// Only the operands whose gradient is needed are computed: a first Dense layer's input
// gradient (a full GEMM) is skipped.
registerGradient('MatMul', (dy, [a, b], _y, attrs, needed) =>
  matMulGrads(dy, a, b, attrs.transposeA as boolean, attrs.transposeB as boolean, needed),
);
