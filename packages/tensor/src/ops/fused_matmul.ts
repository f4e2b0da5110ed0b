import { registerGradient } from '../autodiff/registry.js';
import type { Tensor } from '../tensor.js';
import { pairArgs } from './binary.js';
import type { TensorOrLike } from './convert.js';
import { activationGrad, biasArg, biasGrad, fusedActivationAttrs, type FusedActivationOptions } from './fused_activation.js';
import { checkMatMulShapes, matMulGrads } from './matmul.js';
import { op, runKernel } from './op.js';

/** Options of {@link fusedMatMul}. */
export interface FusedMatMulOptions extends FusedActivationOptions {
  /** Use `a`'s last two dims swapped. Default false. */
  readonly transposeA?: boolean;
  /** Use `b`'s last two dims swapped. Default false. */
  readonly transposeB?: boolean;
  /** Added to every row of the product: float32 `[N]`, N the output's last dimension. Default none. */
  readonly bias?: TensorOrLike | null;
}

/**
 * `activation(matMul(a, b) + bias)` in one kernel: the bias and the activation are
 * applied as each output of the product is written, so no intermediate tensor is made
 * (a Dense layer's whole forward pass). float32 only; batch dimensions broadcast as in
 * {@link matMul}. Its gradient reads the activation's derivative off the saved output.
 *
 * @param a - `[..., M, K]` (or `[..., K, M]` with `transposeA`), float32.
 * @param b - `[..., K, N]` (or `[..., N, K]` with `transposeB`), float32.
 * @param options - `transposeA`, `transposeB`, `bias` (`[N]`), `activation` (default
 *   `'linear'`: `'relu'`, `'relu6'`, `'sigmoid'`, `'tanh'`, `'elu'`, `'leakyRelu'`) and `alpha`
 *   (leakyRelu's slope, default 0.2).
 * @returns `[...batch, M, N]`.
 * @throws ShapeError when the inner dimensions differ or the bias is not `[N]`;
 *   DTypeError for non-float32 operands; ValueError for an unknown activation.
 * @example
 * ```ts
 * const x = tensor([[1, -2]]);
 * const w = tensor([[1, 0], [0, 1]]);
 * fusedMatMul(x, w, { bias: tensor([0.5, 0.5]), activation: 'relu' }); // [[1.5, 0]]
 * ```
 */
export function fusedMatMul(a: TensorOrLike, b: TensorOrLike, options: FusedMatMulOptions = {}): Tensor {
  const opName = 'fusedMatMul';
  const { transposeA = false, transposeB = false } = options;
  const epilogue = fusedActivationAttrs(options, opName);
  return op(opName, () => {
    const [ta, tb] = pairArgs(a, b, opName, ['float32']);
    const n = checkMatMulShapes(ta, tb, transposeA, transposeB, opName);
    const bias = biasArg(options.bias, n, 'output column', opName);
    return runKernel('FusedMatMul', bias ? [ta, tb, bias] : [ta, tb], { transposeA, transposeB, ...epilogue });
  });
}

registerGradient('FusedMatMul', (dy, [a, b, bias], y, attrs, needed) => {
  const dz = activationGrad(dy, y, attrs);
  const [da, db] = matMulGrads(dz, a, b, attrs.transposeA as boolean, attrs.transposeB as boolean, needed);
  if (!bias) return [da, db];
  return [da, db, needed?.[2] === false ? null : biasGrad(dz, bias)];
});
