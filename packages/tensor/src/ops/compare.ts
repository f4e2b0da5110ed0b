import { registerGradient } from '../autodiff/registry.js';
import { DTypeError } from '../errors.js';
import type { ComparisonKernelName } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { binaryArgs } from './binary.js';
import { reduceToShape } from './broadcast_grad.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { op, runKernel } from './op.js';

const ANY = ['float32', 'int32', 'bool'] as const;

function compare(kernel: ComparisonKernelName, opName: string, a: TensorOrLike, b: TensorOrLike, logical = false): Tensor {
  return op(opName, () => runKernel(kernel, binaryArgs(a, b, opName, logical ? ['bool'] : ANY), {}));
}

/**
 * `a == b` elementwise (bool), broadcast.
 * @example
 * ```ts
 * equal(tensor([1, 2]), 2); // [false, true]
 * ```
 */
export function equal(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('Equal', 'equal', a, b);
}

/**
 * `a != b` elementwise (bool), broadcast.
 * @example
 * ```ts
 * notEqual(tensor([1, 2]), 2); // [true, false]
 * ```
 */
export function notEqual(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('NotEqual', 'notEqual', a, b);
}

/**
 * `a < b` elementwise (bool), broadcast.
 * @example
 * ```ts
 * less(tensor([1, 2]), 2); // [true, false]
 * ```
 */
export function less(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('Less', 'less', a, b);
}

/**
 * `a <= b` elementwise (bool), broadcast.
 * @example
 * ```ts
 * lessEqual(tensor([1, 3]), 2); // [true, false]
 * ```
 */
export function lessEqual(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('LessEqual', 'lessEqual', a, b);
}

/**
 * `a > b` elementwise (bool), broadcast.
 * @example
 * ```ts
 * greater(tensor([1, 3]), 2); // [false, true]
 * ```
 */
export function greater(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('Greater', 'greater', a, b);
}

/**
 * `a >= b` elementwise (bool), broadcast.
 * @example
 * ```ts
 * greaterEqual(tensor([1, 2]), 2); // [false, true]
 * ```
 */
export function greaterEqual(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('GreaterEqual', 'greaterEqual', a, b);
}

/**
 * Logical and of two bool tensors, broadcast.
 * @example
 * ```ts
 * logicalAnd(tensor([true, true]), tensor([true, false])); // [true, false]
 * ```
 */
export function logicalAnd(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('LogicalAnd', 'logicalAnd', a, b, true);
}

/**
 * Logical or of two bool tensors, broadcast.
 * @example
 * ```ts
 * logicalOr(tensor([true, false]), tensor([false, false])); // [true, false]
 * ```
 */
export function logicalOr(a: TensorOrLike, b: TensorOrLike): Tensor {
  return compare('LogicalOr', 'logicalOr', a, b, true);
}

/**
 * Logical exclusive or of two bool tensors, broadcast.
 * @example
 * ```ts
 * logicalXor(tensor([true, true]), tensor([true, false])); // [false, true]
 * ```
 */
export function logicalXor(a: TensorOrLike, b: TensorOrLike): Tensor {
  return op('logicalXor', () => logicalAnd(logicalOr(a, b), logicalNot(logicalAnd(a, b))));
}

/**
 * Logical not of a bool tensor.
 * @example
 * ```ts
 * logicalNot(tensor([true, false])); // [false, true]
 * ```
 */
export function logicalNot(x: TensorOrLike): Tensor {
  return op('logicalNot', () => {
    const t = toTensor(x, 'x', 'logicalNot', 'bool');
    assertDType(t, ['bool'], 'x', 'logicalNot');
    return runKernel('LogicalNot', [t], {});
  });
}

/**
 * Picks `a` where `condition` is true and `b` elsewhere; all three broadcast.
 * @example
 * ```ts
 * where(tensor([true, false]), tensor([1, 2]), tensor([10, 20])); // [1, 20]
 * ```
 */
export function where(condition: TensorOrLike, a: TensorOrLike, b: TensorOrLike): Tensor {
  return op('where', () => {
    const c = toTensor(condition, 'condition', 'where', 'bool');
    assertDType(c, ['bool'], 'condition', 'where');
    const [ta, tb] = binaryArgs(a, b, 'where', ANY);
    broadcastShapes('where', c.shape, ta.shape, tb.shape);
    if (ta.dtype !== tb.dtype) throw new DTypeError(`where: a and b must share a dtype but got ${ta.dtype} and ${tb.dtype}`);
    return runKernel('Select', [c, ta, tb], {});
  });
}

registerGradient('Select', (dy, [c, a, b]) => {
  const zero = zerosLike(dy);
  return [null, reduceToShape(where(c, dy, zero), a.shape), reduceToShape(where(c, zero, dy), b.shape)];
});
