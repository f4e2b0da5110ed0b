import { registerGradient } from '../autodiff/registry.js';
import type { UnaryKernelName } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { DType } from '../types.js';
import { add, div, mul, pow } from './binary.js';
import { assertDType, assertDTypeName, toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { op, runKernel } from './op.js';

/** Runs a one-input kernel after checking the dtype. */
export function unary(kernel: UnaryKernelName, opName: string, x: TensorOrLike, allowed: readonly DType[] = ['float32']): Tensor {
  return op(opName, () => {
    const t = toTensor(x, 'x', opName);
    assertDType(t, allowed, 'x', opName);
    return runKernel(kernel, [t], {});
  });
}

const NUMERIC = ['float32', 'int32'] as const;

/**
 * `-x`.
 * @example
 * ```ts
 * neg(tensor([1, -2])); // [-1, 2]
 * ```
 */
export function neg(x: TensorOrLike): Tensor {
  return unary('Neg', 'neg', x, NUMERIC);
}

/**
 * `|x|`.
 * @example
 * ```ts
 * abs(tensor([-1, 2])); // [1, 2]
 * ```
 */
export function abs(x: TensorOrLike): Tensor {
  return unary('Abs', 'abs', x, NUMERIC);
}

/**
 * `e^x`.
 * @example
 * ```ts
 * exp(tensor([0, 1])); // [1, 2.718...]
 * ```
 */
export function exp(x: TensorOrLike): Tensor {
  return unary('Exp', 'exp', x);
}

/**
 * Natural logarithm.
 * @example
 * ```ts
 * log(tensor([1, Math.E])); // [0, 1]
 * ```
 */
export function log(x: TensorOrLike): Tensor {
  return unary('Log', 'log', x);
}

/**
 * `log(1 + x)`, accurate for small x.
 * @example
 * ```ts
 * log1p(tensor([1e-8])); // [1e-8]
 * ```
 */
export function log1p(x: TensorOrLike): Tensor {
  return unary('Log1p', 'log1p', x);
}

/**
 * Square root.
 * @example
 * ```ts
 * sqrt(tensor([4, 9])); // [2, 3]
 * ```
 */
export function sqrt(x: TensorOrLike): Tensor {
  return unary('Sqrt', 'sqrt', x);
}

/**
 * `1 / sqrt(x)`.
 * @example
 * ```ts
 * rsqrt(tensor([4])); // [0.5]
 * ```
 */
export function rsqrt(x: TensorOrLike): Tensor {
  return unary('Rsqrt', 'rsqrt', x);
}

/**
 * `x * x`.
 * @example
 * ```ts
 * square(tensor([3])); // [9]
 * ```
 */
export function square(x: TensorOrLike): Tensor {
  return unary('Square', 'square', x, NUMERIC);
}

/**
 * -1, 0 or 1 by sign.
 * @example
 * ```ts
 * sign(tensor([-3, 0, 2])); // [-1, 0, 1]
 * ```
 */
export function sign(x: TensorOrLike): Tensor {
  return unary('Sign', 'sign', x, NUMERIC);
}

/**
 * Rounds down.
 * @example
 * ```ts
 * floor(tensor([1.5, -1.5])); // [1, -2]
 * ```
 */
export function floor(x: TensorOrLike): Tensor {
  return unary('Floor', 'floor', x);
}

/**
 * Rounds up.
 * @example
 * ```ts
 * ceil(tensor([1.5, -1.5])); // [2, -1]
 * ```
 */
export function ceil(x: TensorOrLike): Tensor {
  return unary('Ceil', 'ceil', x);
}

/**
 * Rounds half to even, as TensorFlow and NumPy.
 * @example
 * ```ts
 * round(tensor([0.5, 1.5, 2.5])); // [0, 2, 2]
 * ```
 */
export function round(x: TensorOrLike): Tensor {
  return unary('Round', 'round', x);
}

/**
 * The error function.
 * @example
 * ```ts
 * erf(tensor([0, 1])); // [0, 0.8427...]
 * ```
 */
export function erf(x: TensorOrLike): Tensor {
  return unary('Erf', 'erf', x);
}

/**
 * Converts to another dtype (float to int truncates toward zero; to bool is `!= 0`).
 * @example
 * ```ts
 * cast(tensor([1.7, -1.7]), 'int32'); // [1, -1]
 * ```
 */
export function cast(x: TensorOrLike, dtype: DType): Tensor {
  assertDTypeName(dtype, 'cast');
  return op('cast', () => {
    const t = toTensor(x, 'x', 'cast');
    return runKernel('Cast', [t], { dtype });
  });
}

const zeroGrad = (dy: Tensor) => [zerosLike(dy)];

registerGradient('Neg', (dy) => [neg(dy)]);
registerGradient('Abs', (dy, [x]) => [mul(dy, sign(x))]);
registerGradient('Exp', (dy, _x, y) => [mul(dy, y)]);
registerGradient('Log', (dy, [x]) => [div(dy, x)]);
registerGradient('Log1p', (dy, [x]) => [div(dy, add(x, 1))]);
registerGradient('Sqrt', (dy, _x, y) => [div(dy, mul(y, 2))]);
registerGradient('Rsqrt', (dy, _x, y) => [mul(dy, mul(pow(y, 3), -0.5))]);
registerGradient('Square', (dy, [x]) => [mul(dy, mul(x, 2))]);
registerGradient('Sign', zeroGrad);
registerGradient('Floor', zeroGrad);
registerGradient('Ceil', zeroGrad);
registerGradient('Round', zeroGrad);
registerGradient('Erf', (dy, [x]) => [mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)))]);
// Gradients flow through casts between floats only; int and bool results are constants.
registerGradient('Cast', (dy, [x]) => [x.dtype === 'float32' ? cast(dy, 'float32') : null]);
