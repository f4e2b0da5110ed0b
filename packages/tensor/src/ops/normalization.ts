import { ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape, normalizeAxes } from '../util/shape.js';
import { add, mul, squaredDifference, sub } from './binary.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { op } from './op.js';
import { mean as reduceMean, type Axis } from './reduce.js';
import { reshape } from './reshape.js';
import { rsqrt } from './unary.js';

/**
 * Batch normalization with given statistics (TensorFlow's `tf.nn.batch_normalization`):
 * `(x - mean) / sqrt(variance + epsilon) * scale + offset`. The statistics broadcast
 * against `x`: per-channel ones of shape `[channels]` normalize over the last axis.
 * Built from ops, so gradients reach `x` and every statistic through autodiff.
 *
 * @param x - float32, any rank >= 1.
 * @param mean - broadcastable to `x` (typically `[channels]`).
 * @param variance - broadcastable to `x`.
 * @param offset - beta, added after scaling; omitted: 0.
 * @param scale - gamma; omitted: 1.
 * @param epsilon - added to the variance (Keras BatchNormalization's default, 1e-3).
 * @returns a tensor of `x`'s shape.
 * @example
 * ```ts
 * const { mean, variance } = moments(x, [0, 1, 2]); // per channel of NHWC x
 * batchNorm(x, mean, variance, beta, gamma);
 * ```
 */
export function batchNorm(
  x: TensorOrLike,
  mean: TensorOrLike,
  variance: TensorOrLike,
  offset?: TensorOrLike,
  scale?: TensorOrLike,
  epsilon = 1e-3,
): Tensor {
  return op('batchNorm', () => {
    const t = toTensor(x, 'x', 'batchNorm');
    assertDType(t, ['float32'], 'x', 'batchNorm');
    if (t.rank < 1) throw new ShapeError(`batchNorm: argument 'x' expected rank >= 1 but got a scalar`);
    if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
      throw new ValueError(`batchNorm: expected epsilon to be a finite number >= 0 but got ${epsilon}`);
    }
    const stat = (v: TensorOrLike, name: string): Tensor => {
      const s = toTensor(v, name, 'batchNorm');
      assertDType(s, ['float32'], name, 'batchNorm');
      // It must broadcast to x without growing it: aligned at the right, each dim equal or 1.
      const fits = s.rank <= t.rank && s.shape.every((d, i) => d === 1 || d === t.shape[t.rank - s.rank + i]);
      if (!fits) {
        throw new ShapeError(
          `batchNorm: argument '${name}' of shape ${formatShape(s.shape)} does not broadcast to x ${formatShape(t.shape)}; ` +
            `expected e.g. [${t.shape[t.rank - 1]}] (one per channel of the last axis)`,
        );
      }
      return s;
    };
    const m = stat(mean, 'mean');
    const v = stat(variance, 'variance');
    const beta = offset === undefined ? undefined : stat(offset, 'offset');
    const gamma = scale === undefined ? undefined : stat(scale, 'scale');
    let inv = rsqrt(add(v, epsilon));
    if (gamma) inv = mul(inv, gamma);
    const y = mul(sub(t, m), inv);
    return beta ? add(y, beta) : y;
  });
}

/**
 * The mean and the population variance (divided by the count, not count - 1) of `x`
 * over `axes`, as `tf.nn.moments`.
 *
 * @param x - float32.
 * @param axes - the axes to reduce; for per-channel statistics of NHWC images, `[0, 1, 2]`.
 * @param keepDims - keep the reduced axes with size 1.
 * @returns `{ mean, variance }`.
 * @example
 * ```ts
 * const { mean, variance } = moments(tensor([[1, 2], [3, 6]]), 0); // mean [2, 4], variance [1, 4]
 * ```
 */
export function moments(x: TensorOrLike, axes: Axis, keepDims = false): { mean: Tensor; variance: Tensor } {
  return op('moments', () => {
    const t = toTensor(x, 'x', 'moments');
    assertDType(t, ['float32'], 'x', 'moments');
    const ax = normalizeAxes(axes, t.rank, 'moments');
    const m = reduceMean(t, ax, true);
    // The gradient through `m` here is zero (the deviations sum to 0), so no stop-gradient is needed.
    const variance = reduceMean(squaredDifference(t, m), ax, keepDims);
    return { mean: keepDims ? m : reshape(m, t.shape.filter((_, i) => !ax.includes(i))), variance };
  });
}
