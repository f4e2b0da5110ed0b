import { registerGradient } from '../autodiff/registry.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { greater, greaterEqual, lessEqual, logicalAnd, where } from './compare.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { scalar } from './creation.js';
import { op, runKernel } from './op.js';
import { abs, erf, square, unary } from './unary.js';

/** Keras's SELU constants. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/**
 * `max(x, 0)`.
 * @example
 * ```ts
 * relu(tensor([-1, 2])); // [0, 2]
 * ```
 */
export function relu(x: TensorOrLike): Tensor {
  return unary('Relu', 'relu', x);
}

/**
 * `min(max(x, 0), 6)`.
 * @example
 * ```ts
 * relu6(tensor([-1, 3, 9])); // [0, 3, 6]
 * ```
 */
export function relu6(x: TensorOrLike): Tensor {
  return unary('Relu6', 'relu6', x);
}

/**
 * Exponential linear unit: `x > 0 ? x : e^x - 1`.
 * @example
 * ```ts
 * elu(tensor([-1, 2])); // [-0.632, 2]
 * ```
 */
export function elu(x: TensorOrLike): Tensor {
  return unary('Elu', 'elu', x);
}

/**
 * Scaled ELU with Keras's constants.
 * @example
 * ```ts
 * selu(tensor([-1, 1])); // [-1.111, 1.0507]
 * ```
 */
export function selu(x: TensorOrLike): Tensor {
  return unary('Selu', 'selu', x);
}

/**
 * `x > 0 ? x : alpha * x` (alpha defaults to 0.2, as `tf.nn.leaky_relu`).
 * @example
 * ```ts
 * leakyRelu(tensor([-1, 2]), 0.1); // [-0.1, 2]
 * ```
 */
export function leakyRelu(x: TensorOrLike, alpha = 0.2): Tensor {
  return op('leakyRelu', () => {
    const t = toTensor(x, 'x', 'leakyRelu');
    assertDType(t, ['float32'], 'x', 'leakyRelu');
    return runKernel('LeakyRelu', [t], { alpha });
  });
}

/**
 * `1 / (1 + e^-x)`.
 * @example
 * ```ts
 * sigmoid(tensor([0])); // [0.5]
 * ```
 */
export function sigmoid(x: TensorOrLike): Tensor {
  return unary('Sigmoid', 'sigmoid', x);
}

/**
 * Hyperbolic tangent.
 * @example
 * ```ts
 * tanh(tensor([0])); // [0]
 * ```
 */
export function tanh(x: TensorOrLike): Tensor {
  return unary('Tanh', 'tanh', x);
}

/**
 * `log(1 + e^x)`, stable for large |x|.
 * @example
 * ```ts
 * softplus(tensor([0])); // [0.693]
 * ```
 */
export function softplus(x: TensorOrLike): Tensor {
  return unary('Softplus', 'softplus', x);
}

/**
 * `x / (1 + |x|)`.
 * @example
 * ```ts
 * softsign(tensor([1])); // [0.5]
 * ```
 */
export function softsign(x: TensorOrLike): Tensor {
  return unary('Softsign', 'softsign', x);
}

/**
 * Gaussian error linear unit. Exact (`x * Φ(x)`, Keras's default) unless
 * `approximate` asks for the tanh form.
 * @example
 * ```ts
 * gelu(tensor([1])); // [0.8413]
 * ```
 */
export function gelu(x: TensorOrLike, approximate = false): Tensor {
  return op('gelu', () => {
    const t = toTensor(x, 'x', 'gelu');
    assertDType(t, ['float32'], 'x', 'gelu');
    if (approximate) {
      const inner = mul(add(t, mul(mul(square(t), t), 0.044715)), Math.sqrt(2 / Math.PI));
      return mul(mul(t, 0.5), add(unary('Tanh', 'gelu', inner), 1));
    }
    return mul(mul(t, 0.5), add(erf(mul(t, Math.SQRT1_2)), 1));
  });
}

/**
 * `x * sigmoid(x)` (also called SiLU).
 * @example
 * ```ts
 * swish(tensor([1])); // [0.731]
 * ```
 */
export function swish(x: TensorOrLike): Tensor {
  return op('swish', () => {
    const t = toTensor(x, 'x', 'swish');
    return mul(t, sigmoid(t));
  });
}

/**
 * Clamps every value into `[min, max]`.
 * @example
 * ```ts
 * clipByValue(tensor([-2, 0.5, 3]), 0, 1); // [0, 0.5, 1]
 * ```
 */
export function clipByValue(x: TensorOrLike, min: number, max: number): Tensor {
  if (!(min <= max)) throw new ValueError(`clipByValue: expected min <= max but got min=${min}, max=${max}`);
  return op('clipByValue', () => {
    const t = toTensor(x, 'x', 'clipByValue');
    assertDType(t, ['float32'], 'x', 'clipByValue');
    return runKernel('ClipByValue', [t], { min, max });
  });
}

// A scalar zero broadcast by Select, not a tensor of zeros: the gradient of a conv layer's relu
// would otherwise allocate and fill one more activation-sized tensor every step.
const passWhere = (cond: Tensor, dy: Tensor) => where(cond, dy, scalar(0));

registerGradient('Relu', (dy, [x]) => [passWhere(greater(x, 0), dy)]);
registerGradient('Relu6', (dy, [x]) => [passWhere(logicalAnd(greater(x, 0), lessEqual(x, 6)), dy)]);
registerGradient('Elu', (dy, [x], y) => [where(greater(x, 0), dy, mul(dy, add(y, 1)))]);
registerGradient('Selu', (dy, [x], y) => [
  where(greater(x, 0), mul(dy, SELU_SCALE), mul(dy, add(y, SELU_SCALE * SELU_ALPHA))),
]);
registerGradient('LeakyRelu', (dy, [x], _y, attrs) => [where(greater(x, 0), dy, mul(dy, attrs.alpha as number))]);
registerGradient('Sigmoid', (dy, _x, y) => [mul(dy, mul(y, sub(1, y)))]);
registerGradient('Tanh', (dy, _x, y) => [mul(dy, sub(1, square(y)))]);
registerGradient('Softplus', (dy, [x]) => [mul(dy, sigmoid(x))]);
registerGradient('Softsign', (dy, [x]) => [div(dy, square(add(abs(x), 1)))]);
registerGradient('ClipByValue', (dy, [x], _y, attrs) => [
  passWhere(logicalAnd(greaterEqual(x, attrs.min as number), lessEqual(x, attrs.max as number)), dy),
]);
