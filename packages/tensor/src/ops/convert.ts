import { getEngine } from '../engine/engine.js';
import { DisposedTensorError, DTypeError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { DType, NestedArray, TensorLike, TypedArray } from '../types.js';
import { toTypedArray } from '../util/dtype.js';
import { formatShape } from '../util/shape.js';

/** A tensor, or anything `tensor()` accepts. */
export type TensorOrLike = Tensor | TensorLike;

/**
 * Turns an op argument into a live tensor, naming the op and argument in errors.
 * Plain numbers and arrays become tensors of `dtype` (default: float32, or bool for booleans).
 */
export function toTensor(x: TensorOrLike, arg: string, op: string, dtype?: DType): Tensor {
  if (x instanceof Tensor) {
    if (x.isDisposed) {
      throw new DisposedTensorError(`${op}: argument '${arg}' (tensor ${formatShape(x.shape)} ${x.dtype}) was disposed`);
    }
    return x;
  }
  if (x === null || x === undefined) {
    throw new DTypeError(`${op}: argument '${arg}' expected a tensor or array but got ${String(x)}`);
  }
  const { values, shape } = flatten(x, `${op}: argument '${arg}'`);
  const dt = dtype ?? inferDType(x);
  return getEngine().makeTensor(toTypedArray(values, dt), shape, dt);
}

/** The dtype `tensor()` picks for plain values. */
export function inferDType(x: TensorLike): DType {
  if (x instanceof Int32Array) return 'int32';
  if (x instanceof Uint8Array) return 'bool';
  let v: unknown = x;
  while (Array.isArray(v)) {
    if (v.length === 0) return 'float32';
    v = v[0];
  }
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

/** Flattens nested arrays into values and a shape, checking that the nesting is rectangular. */
export function flatten(x: TensorLike, where: string): { values: ArrayLike<number | boolean>; shape: number[] } {
  if (ArrayBuffer.isView(x)) return { values: x as TypedArray, shape: [(x as TypedArray).length] };
  if (typeof x === 'number' || typeof x === 'boolean') return { values: [x], shape: [] };
  const shape: number[] = [];
  let probe: NestedArray = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: Array<number | boolean> = [];
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new ShapeError(`${where}: ragged nesting at ${path}: expected a number but got an array`);
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new DTypeError(`${where}: expected numbers or booleans but got ${typeof v} at ${path}`);
      }
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      const found = Array.isArray(v) ? `length ${v.length}` : 'a scalar';
      throw new ShapeError(`${where}: ragged nesting at ${path}: expected length ${shape[dim]} but got ${found}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, `${path}[${i}]`);
  };
  walk(x, 0, 'value');
  return { values, shape };
}

/** Throws unless `t` has one of the allowed dtypes. */
export function assertDType(t: Tensor, allowed: readonly DType[], arg: string, op: string): void {
  if (!allowed.includes(t.dtype)) {
    throw new DTypeError(`${op}: argument '${arg}' expected dtype ${allowed.join(' or ')} but got ${t.dtype}`);
  }
}

/** Throws unless `t` has the given rank (or one in a range). */
export function assertRank(t: Tensor, rank: number | [number, number], arg: string, op: string): void {
  const [lo, hi] = typeof rank === 'number' ? [rank, rank] : rank;
  if (t.rank < lo || t.rank > hi) {
    const want = lo === hi ? `rank ${lo}` : hi === Infinity ? `rank >= ${lo}` : `rank ${lo} to ${hi}`;
    throw new ShapeError(`${op}: argument '${arg}' expected ${want} but got shape ${formatShape(t.shape)} (rank ${t.rank})`);
  }
}

/** Throws unless `dtype` names one of the dtypes Tessera supports. */
export function assertDTypeName(dtype: unknown, op: string): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new DTypeError(`${op}: expected dtype 'float32', 'int32' or 'bool' but got '${String(dtype)}'`);
  }
}
