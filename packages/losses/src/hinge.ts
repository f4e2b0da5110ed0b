import { all, equal, logicalOr, maximum, mean, mul, sub, tidy, where, type Tensor, type TensorOrLike } from '@tessera/tensor';
import { alignedPair } from './checks.js';

/**
 * Hinge loss averaged over the last axis: `mean(max(1 - yTrue * yPred, 0), -1)`.
 * Labels are expected in `{-1, 1}`; when every label is 0 or 1 they are mapped to
 * -1 and 1 first, as Keras does.
 *
 * @param yTrue - labels (-1/1 or 0/1), the shape of `yPred`.
 * @param yPred - predicted scores, float32.
 * @returns the per-sample losses: the shape of `yPred` without its last axis.
 * @example
 * ```ts
 * hinge(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])); // [1.1, 1.5]
 * ```
 */
export function hinge(yTrue: TensorOrLike, yPred: TensorOrLike): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair(yTrue, yPred, 'hinge');
    const isBinary = all(logicalOr(equal(t, 0), equal(t, 1)));
    const signed = where(isBinary, sub(mul(t, 2), 1), t);
    return mean(maximum(sub(1, mul(signed, p)), 0), -1);
  });
}
