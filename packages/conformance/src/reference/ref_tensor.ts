import type { DType } from '@tessera/tensor';

/**
 * A tensor of the reference world: plain float64 numbers, row-major. `bool` values
 * are 0 or 1. The references never touch a backend, so they stay independent of the
 * code under test.
 */
export interface RefTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: readonly number[];
}

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major strides, in elements (written here again on purpose: the references import nothing they check). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** A reference tensor from flat values, checking that they fill the shape. */
export function refTensor(values: readonly number[], shape: readonly number[], dtype: DType = 'float32'): RefTensor {
  if (values.length !== sizeOf(shape)) {
    throw new Error(`reference: ${values.length} values do not fill shape [${shape.join(', ')}]`);
  }
  return { shape: [...shape], dtype, values: [...values] };
}

/** Calls `visit` with every multi-index of `shape` in row-major order and its flat position. */
export function forEachIndex(shape: readonly number[], visit: (index: readonly number[], flat: number) => void): void {
  const n = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    visit(index, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

/** The value of `x` at a multi-index. */
export function at(x: RefTensor, index: readonly number[]): number {
  const strides = stridesOf(x.shape);
  let flat = 0;
  for (let d = 0; d < index.length; d++) flat += index[d] * strides[d];
  return x.values[flat];
}

/**
 * Builds a tensor of `shape` whose value at each multi-index is `valueAt(index)`:
 * every shape-moving reference (transpose, slice, pad, gather, ...) is one call of this.
 */
export function fromIndex(shape: readonly number[], dtype: DType, valueAt: (index: readonly number[]) => number): RefTensor {
  const values = new Array<number>(sizeOf(shape));
  forEachIndex(shape, (index, flat) => (values[flat] = valueAt(index)));
  return { shape: [...shape], dtype, values };
}

/** Applies `f` to every value. */
export function mapValues(x: RefTensor, f: (v: number) => number, dtype: DType = x.dtype): RefTensor {
  return { shape: x.shape, dtype, values: x.values.map(f) };
}

/** Maps a possibly negative axis into `[0, rank)`. */
export function positiveAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
