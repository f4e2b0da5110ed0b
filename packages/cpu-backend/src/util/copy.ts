import { util, type DType, type Shape, type TypedArray } from '@tessera/tensor';
import { collapseDims, forEachRow } from './rows.js';

/** Rows shorter than this are copied element by element; longer ones with `TypedArray.set`. */
const MEMCPY_MIN = 16;
/** Side of the square tiles a transposing copy works in, so the lines it reads stay in L1. */
const TILE = 8;

/**
 * Copies the elements of `shape` from `src` to `dst`, each read and written at its own
 * offset and strides (in elements; a stride may be 0 to repeat, or negative to reverse).
 * The one loop behind Transpose, Slice, Concat, Pad, Tile and Reverse.
 */
export function stridedCopy(
  shape: Shape,
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
): void {
  if (util.sizeFromShape(shape) === 0) return;
  const { dims, strides } = collapseDims(shape, [dstStrides, srcStrides]);
  const [ds, ss] = strides;
  const r = dims.length - 1;
  if (r >= 1 && ds[r] === 1 && ss[r] !== 1 && ss[r - 1] === 1 && dims[r - 1] >= TILE) {
    // A transpose of the last two axes: row-by-row reads would stride across all of src.
    forEachRow(dims.slice(0, r - 1), [ds.slice(0, r - 1), ss.slice(0, r - 1)], [dstOffset, srcOffset], (n, off, st) => {
      for (let t = 0; t < n; t++) {
        copyTiled(dims[r - 1], dims[r], src, off[1] + t * st[1], ss[r], dst, off[0] + t * st[0], ds[r - 1]);
      }
    });
    return;
  }
  forEachRow(shape, [dstStrides, srcStrides], [dstOffset, srcOffset], (n, offsets, rowStrides) => {
    let o = offsets[0];
    let s = offsets[1];
    const so = rowStrides[0];
    const ss = rowStrides[1];
    if (so === 1 && ss === 1 && n >= MEMCPY_MIN) {
      dst.set(src.subarray(s, s + n), o);
      return;
    }
    for (let i = 0; i < n; i++, o += so, s += ss) dst[o] = src[s];
  });
}

/**
 * `dst[d0 + i * dRow + j] = src[s0 + i + j * sCol]` for `i < rows`, `j < cols`, in
 * TILE x TILE tiles: each tile reads TILE lines of src and writes TILE of dst.
 */
function copyTiled(rows: number, cols: number, src: TypedArray, s0: number, sCol: number, dst: TypedArray, d0: number, dRow: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        for (let j = j0, s = s0 + i + j0 * sCol, d = d0 + i * dRow + j0; j < j1; j++, s += sCol, d++) dst[d] = src[s];
      }
    }
  }
}

/** A new row-major array: `values` (of `shape`) with its axes permuted (output axis `i` is input axis `perm[i]`). */
export function transposeValues(values: TypedArray, shape: Shape, perm: readonly number[], dtype: DType): TypedArray {
  const outShape = perm.map((p) => shape[p]);
  const strides = util.computeStrides(shape);
  const srcStrides = perm.map((p) => strides[p]);
  const out = util.makeTypedArray(dtype, values.length);
  stridedCopy(outShape, values, 0, srcStrides, out, 0, util.computeStrides(outShape));
  return out;
}
