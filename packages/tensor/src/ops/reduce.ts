import { registerGradient } from '../autodiff/registry.js';
import type { ReduceKernelName } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { DType, Shape } from '../types.js';
import { keptShape, normalizeAxes, normalizeAxis, reducedShape, sizeFromShape } from '../util/shape.js';
import { add, div, mul, sub } from './binary.js';
import { equal, logicalAnd, where } from './compare.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { op, runKernel } from './op.js';
import { broadcastTo, reshape } from './reshape.js';
import { cast, exp, log } from './unary.js';

/** Which axes a reduction runs over: one, several, or (undefined) all. */
export type Axis = number | readonly number[];

function reduce(
  kernel: ReduceKernelName,
  opName: string,
  x: TensorOrLike,
  axis: Axis | undefined,
  keepDims: boolean,
  allowed: readonly DType[],
  castBool?: DType,
): Tensor {
  return op(opName, () => {
    let t = toTensor(x, 'x', opName);
    if (castBool && t.dtype === 'bool') t = cast(t, castBool);
    assertDType(t, allowed, 'x', opName);
    const axes = normalizeAxes(axis, t.rank, opName);
    const out = runKernel(kernel, [t], { axes });
    return keepDims ? reshape(out, keptShape(t.shape, axes)) : out;
  });
}

/**
 * Sum over `axis` (all axes when omitted). Booleans are counted as int32.
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 1);        // [3, 7]
 * sum(tensor([[1, 2], [3, 4]]), 0, true);  // [[4, 6]]
 * ```
 */
export function sum(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return reduce('Sum', 'sum', x, axis, keepDims, ['float32', 'int32'], 'int32');
}

/**
 * Product over `axis`.
 * @example
 * ```ts
 * prod(tensor([1, 2, 3, 4])); // 24
 * ```
 */
export function prod(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return reduce('Prod', 'prod', x, axis, keepDims, ['float32', 'int32'], 'int32');
}

/**
 * Maximum over `axis`.
 * @example
 * ```ts
 * max(tensor([[1, 5], [3, 2]]), -1); // [5, 3]
 * ```
 */
export function max(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return reduce('Max', 'max', x, axis, keepDims, ['float32', 'int32']);
}

/**
 * Minimum over `axis`.
 * @example
 * ```ts
 * min(tensor([[1, 5], [3, 2]]), -1); // [1, 2]
 * ```
 */
export function min(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return reduce('Min', 'min', x, axis, keepDims, ['float32', 'int32']);
}

/**
 * True where every element along `axis` is true.
 * @example
 * ```ts
 * all(tensor([[true, false], [true, true]]), 1); // [false, true]
 * ```
 */
export function all(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return reduce('All', 'all', x, axis, keepDims, ['bool']);
}

/**
 * True where some element along `axis` is true.
 * @example
 * ```ts
 * any(tensor([[true, false], [false, false]]), 1); // [true, false]
 * ```
 */
export function any(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return reduce('Any', 'any', x, axis, keepDims, ['bool']);
}

/**
 * Arithmetic mean over `axis` (float32).
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]));     // 2.5
 * mean(tensor([[1, 2], [3, 4]]), 0);  // [2, 3]
 * ```
 */
export function mean(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return op('mean', () => {
    const t = toTensor(x, 'x', 'mean');
    assertDType(t, ['float32'], 'x', 'mean');
    const axes = normalizeAxes(axis, t.rank, 'mean');
    const count = sizeFromShape(axes.map((a) => t.shape[a]));
    return div(sum(t, axes, keepDims), count);
  });
}

/**
 * `log(sum(exp(x)))` over `axis`, computed stably (the maximum is subtracted first).
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000])); // 1000.693
 * ```
 */
export function logSumExp(x: TensorOrLike, axis?: Axis, keepDims = false): Tensor {
  return op('logSumExp', () => {
    const t = toTensor(x, 'x', 'logSumExp');
    assertDType(t, ['float32'], 'x', 'logSumExp');
    const axes = normalizeAxes(axis, t.rank, 'logSumExp');
    const m = max(t, axes, true);
    // A row of -Infinity would give NaN from (-inf) - (-inf); shift by 0 there instead.
    const shift = where(equal(m, -Infinity), zerosLike(m), m);
    const lse = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
    return keepDims ? lse : reshape(lse, reducedShape(t.shape, axes));
  });
}

function argReduce(kernel: 'ArgMax' | 'ArgMin', opName: string, x: TensorOrLike, axis: number): Tensor {
  return op(opName, () => {
    const t = toTensor(x, 'x', opName);
    assertDType(t, ['float32', 'int32'], 'x', opName);
    const ax = normalizeAxis(axis, t.rank, opName);
    return runKernel(kernel, [t], { axis: ax });
  });
}

/**
 * Index (int32) of the largest value along `axis` (default 0, as TensorFlow).
 * @example
 * ```ts
 * argMax(tensor([[1, 9], [7, 2]]), -1); // [1, 0]
 * ```
 */
export function argMax(x: TensorOrLike, axis = 0): Tensor {
  return argReduce('ArgMax', 'argMax', x, axis);
}

/**
 * Index (int32) of the smallest value along `axis` (default 0).
 * @example
 * ```ts
 * argMin(tensor([[1, 9], [7, 2]]), -1); // [0, 1]
 * ```
 */
export function argMin(x: TensorOrLike, axis = 0): Tensor {
  return argReduce('ArgMin', 'argMin', x, axis);
}

/** Reshapes a reduction's gradient to the kept shape and broadcasts it over the input. */
function expandGrad(dy: Tensor, shape: Shape, axes: readonly number[]): Tensor {
  return broadcastTo(reshape(dy, keptShape(shape, axes)), shape);
}

const axesOf = (attrs: Readonly<Record<string, unknown>>) => attrs.axes as number[];

registerGradient('Sum', (dy, [x], _y, attrs) => [expandGrad(dy, x.shape, axesOf(attrs))]);

// Exact even with zeros: with no zero, y / x; with one zero, the product of the
// others at that position and 0 elsewhere; with two or more, 0.
registerGradient('Prod', (dy, [x], _y, attrs) => {
  const axes = axesOf(attrs);
  const isZero = equal(x, 0);
  const safeX = where(isZero, 1, x);
  const nonZeroProd = expandGrad(prod(safeX, axes), x.shape, axes);
  const zeroCount = expandGrad(sum(cast(isZero, 'float32'), axes), x.shape, axes);
  const g = where(
    equal(zeroCount, 0),
    div(nonZeroProd, safeX),
    where(logicalAnd(equal(zeroCount, 1), isZero), nonZeroProd, zerosLike(x)),
  );
  return [mul(g, expandGrad(dy, x.shape, axes))];
});

// Ties share the gradient equally, as TensorFlow.
function extremeGrad(dy: Tensor, x: Tensor, y: Tensor, axes: number[]): Tensor {
  const mask = cast(equal(x, expandGrad(y, x.shape, axes)), 'float32');
  const ties = expandGrad(sum(mask, axes), x.shape, axes);
  return mul(div(mask, ties), expandGrad(dy, x.shape, axes));
}
registerGradient('Max', (dy, [x], y, attrs) => [extremeGrad(dy, x, y, axesOf(attrs))]);
registerGradient('Min', (dy, [x], y, attrs) => [extremeGrad(dy, x, y, axesOf(attrs))]);
