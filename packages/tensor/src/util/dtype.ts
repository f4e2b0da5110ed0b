import { DTypeError } from '../errors.js';
import type { DType, DTypeArrayMap, TypedArray } from '../types.js';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** Allocates a zeroed typed array for `dtype`. */
export function makeTypedArray<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as DTypeArrayMap[D];
    case 'int32':
      return new Int32Array(size) as DTypeArrayMap[D];
    case 'bool':
      return new Uint8Array(size) as DTypeArrayMap[D];
    default:
      throw new DTypeError(`expected dtype float32, int32 or bool but got ${String(dtype)}`);
  }
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** True when `values` is the typed array that stores `dtype`. */
export function isTypedArrayOf(values: TypedArray, dtype: DType): boolean {
  if (dtype === 'float32') return values instanceof Float32Array;
  if (dtype === 'int32') return values instanceof Int32Array;
  return values instanceof Uint8Array;
}

/** Converts any array-like of numbers into the storage array of `dtype` (truncating ints, 0/1 for bool). */
export function toTypedArray(values: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  const out = makeTypedArray(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32';
}
