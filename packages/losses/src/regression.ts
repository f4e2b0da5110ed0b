import {
  abs,
  lessEqual,
  mean,
  mul,
  square,
  squaredDifference,
  sub,
  tidy,
  where,
  type Tensor,
  type TensorOrLike,
} from '@tessera/tensor';
import { alignedPair, checkDelta } from './checks.js';

/**
 * Mean of the squared errors over the last axis: `mean((yTrue - yPred)^2, -1)`.
 *
 * @param yTrue - targets, the shape of `yPred` (`[batch]` meets `[batch, 1]`).
 * @param yPred - predictions, float32.
 * @returns the per-sample losses: the shape of `yPred` without its last axis.
 * @example
 * ```ts
 * meanSquaredError(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [1, 0]])); // [0.5, 0.5]
 * ```
 */
export function meanSquaredError(yTrue: TensorOrLike, yPred: TensorOrLike): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair(yTrue, yPred, 'mean_squared_error');
    return mean(squaredDifference(t, p), -1);
  });
}

/**
 * Mean of the absolute errors over the last axis: `mean(|yTrue - yPred|, -1)`.
 *
 * @param yTrue - targets, the shape of `yPred` (`[batch]` meets `[batch, 1]`).
 * @param yPred - predictions, float32.
 * @returns the per-sample losses: the shape of `yPred` without its last axis.
 * @example
 * ```ts
 * meanAbsoluteError(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [1, 0]])); // [0.5, 0.5]
 * ```
 */
export function meanAbsoluteError(yTrue: TensorOrLike, yPred: TensorOrLike): Tensor {
  return tidy(() => {
    const [t, p] = alignedPair(yTrue, yPred, 'mean_absolute_error');
    return mean(abs(sub(t, p)), -1);
  });
}

/**
 * Huber loss averaged over the last axis: with `e = yPred - yTrue`, `0.5 * e^2` where
 * `|e| <= delta` and `delta * |e| - 0.5 * delta^2` beyond (quadratic near 0, linear far out).
 *
 * @param yTrue - targets, the shape of `yPred`.
 * @param yPred - predictions, float32.
 * @param delta - where the loss turns from quadratic to linear. Default 1.
 * @returns the per-sample losses: the shape of `yPred` without its last axis.
 * @example
 * ```ts
 * huber(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])); // [0.18, 0.13]
 * ```
 */
export function huber(yTrue: TensorOrLike, yPred: TensorOrLike, delta = 1.0): Tensor {
  const loss = 'huber';
  checkDelta(delta, loss);
  return tidy(() => {
    const [t, p] = alignedPair(yTrue, yPred, loss);
    const error = sub(p, t);
    const absError = abs(error);
    const quadratic = mul(square(error), 0.5);
    const linear = sub(mul(absError, delta), 0.5 * delta * delta);
    return mean(where(lessEqual(absError, delta), quadratic, linear), -1);
  });
}
