import { clipByValue, div, log, mul, sum, tidy, type Tensor, type TensorOrLike } from '@tessera/tensor';
import { EPSILON, alignedPair } from './checks.js';

/**
 * Kullback-Leibler divergence summed over the last axis:
 * `sum(yTrue * log(yTrue / yPred), -1)`, with both clipped to `[1e-7, 1]` as Keras does
 * (so zeros contribute nothing instead of NaN).
 *
 * @param yTrue - the target distribution, the shape of `yPred`.
 * @param yPred - the predicted distribution, float32.
 * @returns the per-sample losses: the shape of `yPred` without its last axis.
 * @example
 * ```ts
 * klDivergence(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])); // [0.9163, 0]
 * ```
 */
export function klDivergence(yTrue: TensorOrLike, yPred: TensorOrLike): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair(yTrue, yPred, 'kl_divergence');
    const tc = clipByValue(t, EPSILON, 1);
    const pc = clipByValue(p, EPSILON, 1);
    return sum(mul(tc, log(div(tc, pc))), -1);
  });
}
