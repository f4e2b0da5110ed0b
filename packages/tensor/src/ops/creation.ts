import { getEngine } from '../engine/engine.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import type { Tensor, Variable } from '../tensor.js';
import type { DType, Shape, TensorLike, TypedArray } from '../types.js';
import { isTypedArrayOf, makeTypedArray, toTypedArray } from '../util/dtype.js';
import { assertValidShape, formatShape, sizeFromShape } from '../util/shape.js';
import { flatten, inferDType, toTensor } from './convert.js';

/**
 * Creates a tensor from nested arrays, a typed array or a number.
 *
 * @param values - nested arrays (their nesting is the shape), or flat values with `shape`.
 * @param shape - the shape of flat values; must match the number of values.
 * @param dtype - defaults to float32 (int32 for an Int32Array, bool for booleans).
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);          // shape [2, 2]
 * tensor([1, 2, 3, 4], [2, 2]);      // the same
 * tensor([true, false]);             // bool
 * ```
 */
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  const dt = dtype ?? inferDType(values);
  if (dt !== 'float32' && dt !== 'int32' && dt !== 'bool') {
    throw new DTypeError(`tensor: expected dtype float32, int32 or bool but got ${String(dt)}`);
  }
  const flat = flatten(values, 'tensor');
  let finalShape: Shape = flat.shape;
  if (shape !== undefined) {
    assertValidShape(shape, 'tensor');
    const size = sizeFromShape(shape);
    if (flat.values.length === 1 && size !== 1 && flat.shape.length === 0) {
      return fill(shape, Number(flat.values[0]), dt);
    }
    if (size !== flat.values.length) {
      throw new ShapeError(
        `tensor: shape ${formatShape(shape)} needs ${size} values but got ${flat.values.length} (from shape ${formatShape(flat.shape)})`,
      );
    }
    finalShape = shape;
  }
  const typed =
    ArrayBuffer.isView(values) && isTypedArrayOf(values as TypedArray, dt)
      ? (values as TypedArray).slice()
      : toTypedArray(flat.values, dt);
  return getEngine().makeTensor(typed, finalShape, dt);
}

/**
 * A rank-0 tensor.
 * @example
 * ```ts
 * scalar(3.5);
 * ```
 */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

/**
 * A tensor filled with one value.
 * @example
 * ```ts
 * fill([2, 3], 7); // 2x3 of sevens
 * ```
 */
export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  assertValidShape(shape, 'fill');
  const values = makeTypedArray(dtype, sizeFromShape(shape));
  values.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return getEngine().makeTensor(values, shape, dtype);
}

/**
 * A tensor of zeros.
 * @example
 * ```ts
 * zeros([2, 2]);
 * ```
 */
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

/**
 * A tensor of ones.
 * @example
 * ```ts
 * ones([3]);
 * ```
 */
export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/**
 * Zeros of `x`'s shape and dtype.
 * @example
 * ```ts
 * zerosLike(tensor([1, 2])); // [0, 0]
 * ```
 */
export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, x.dtype);
}

/**
 * Ones of `x`'s shape and dtype.
 * @example
 * ```ts
 * onesLike(tensor([1, 2])); // [1, 1]
 * ```
 */
export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, x.dtype);
}

/**
 * Evenly spaced values in `[start, stop)`.
 * @example
 * ```ts
 * range(0, 5);        // [0, 1, 2, 3, 4]
 * range(5, 0, -2);    // [5, 3, 1]
 * ```
 */
export function range(start: number, stop: number, step = 1, dtype: 'float32' | 'int32' = 'float32'): Tensor {
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`range: expected a finite non-zero step but got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = makeTypedArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return getEngine().makeTensor(values, [n], dtype);
}

/**
 * An identity matrix (ones on the diagonal).
 * @example
 * ```ts
 * eye(3);       // 3x3 identity
 * eye(2, 3);    // 2x3 with ones at [0,0] and [1,1]
 * ```
 */
export function eye(numRows: number, numColumns: number = numRows, dtype: DType = 'float32'): Tensor {
  assertValidShape([numRows, numColumns], 'eye');
  const values = makeTypedArray(dtype, numRows * numColumns);
  for (let i = 0; i < Math.min(numRows, numColumns); i++) values[i * numColumns + i] = 1;
  return getEngine().makeTensor(values, [numRows, numColumns], dtype);
}

/** Options of {@link variable}. */
export interface VariableOptions {
  /** Unique name; defaults to `variable_N`. */
  name?: string;
  /** Whether optimizers and `variableGrads` see it (default true). */
  trainable?: boolean;
  /** Casts the initial value (default: its dtype). */
  dtype?: DType;
}

/**
 * A mutable tensor for weights. It shares the initial value's buffer (no copy);
 * the initial tensor stays owned by the caller.
 * @example
 * ```ts
 * const w = variable(randomNormal([784, 10], { seed: 1 }), { name: 'w' });
 * ```
 */
export function variable(initial: Tensor | TensorLike, options: VariableOptions = {}): Variable {
  const t = toTensor(initial, 'initial', 'variable', options.dtype);
  if (options.dtype && t.dtype !== options.dtype) {
    throw new DTypeError(`variable: initial value has dtype ${t.dtype} but dtype ${options.dtype} was asked; cast it first`);
  }
  return getEngine().makeVariable(t, options.name, options.trainable ?? true);
}
