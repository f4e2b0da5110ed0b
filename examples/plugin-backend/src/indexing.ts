import { util, type Shape } from '@tessera/tensor';

/**
 * For each flat position of `outShape`, the flat position in an input of `inShape`
 * that broadcasts to it (NumPy rules: aligned right, size-1 dims repeat).
 */
export function broadcastOffsets(inShape: Shape, outShape: Shape): Int32Array {
  const strides = util.computeStrides(inShape);
  const lead = outShape.length - inShape.length;
  return offsetsOf(outShape, (index) => {
    let o = 0;
    for (let d = 0; d < inShape.length; d++) if (inShape[d] !== 1) o += index[lead + d] * strides[d];
    return o;
  });
}

/** Calls `source(multiIndex)` for every position of `shape`, in row-major order. */
export function offsetsOf(shape: Shape, source: (index: readonly number[]) => number): Int32Array {
  const n = util.sizeFromShape(shape);
  const out = new Int32Array(n);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    out[flat] = source(index);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
