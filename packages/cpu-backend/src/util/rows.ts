import { util, type Shape } from '@tessera/tensor';

/**
 * Called once per row of a walk: the row has `length` elements and array `j` holds
 * element `i` of it at `offsets[j] + i * strides[j]`. Both lists are reused between
 * calls: read them, do not keep them.
 */
export type RowFn = (length: number, offsets: readonly number[], strides: readonly number[]) => void;

/**
 * Walks the elements of `shape` in row-major order, once per row rather than once per
 * element, through several arrays at once: array `j` holds element `idx` at
 * `startOffsets[j] + sum(idx[d] * strideLists[j][d])`. Dimensions are first collapsed
 * (see {@link collapseDims}), so the rows are as long as the layouts allow; the
 * per-element loop belongs in `row`, where it runs with its operation inlined.
 * Nothing is called for an empty shape; a scalar is one row of length 1.
 */
export function forEachRow(
  shape: Shape,
  strideLists: readonly (readonly number[])[],
  startOffsets: readonly number[],
  row: RowFn,
): void {
  if (util.sizeFromShape(shape) === 0) return;
  const n = strideLists.length;
  const { dims, strides } = collapseDims(shape, strideLists);
  const offsets = [...startOffsets];
  if (dims.length === 0) {
    row(1, offsets, new Array<number>(n).fill(0));
    return;
  }
  const last = dims.length - 1;
  const length = dims[last];
  const inner = strides.map((s) => s[last]);
  const idx = new Array<number>(last).fill(0);
  const rows = util.sizeFromShape(dims) / length;
  for (let r = 0; r < rows; r++) {
    row(length, offsets, inner);
    // Odometer over the outer dimensions, moving every offset along.
    for (let d = last - 1; d >= 0; d--) {
      for (let j = 0; j < n; j++) offsets[j] += strides[j][d];
      if (++idx[d] < dims[d]) break;
      for (let j = 0; j < n; j++) offsets[j] -= strides[j][d] * dims[d];
      idx[d] = 0;
    }
  }
}

/**
 * Walks a contiguous output of `outShape` with every input broadcast into it (NumPy
 * rules: `outShape` must be the broadcast of `inShapes`). In the row callback, array 0
 * is the output (stride 1) and array `j + 1` is input `j` (stride 0 where it is
 * broadcast). Equal shapes give one row over everything, a scalar operand one row
 * with stride 0, `[n, m]` with `[m]` gives `n` rows of `m`.
 */
export function forEachBroadcastRow(outShape: Shape, inShapes: readonly Shape[], row: RowFn): void {
  const rank = outShape.length;
  const strideLists = [util.computeStrides(outShape)];
  for (const shape of inShapes) {
    const own = util.computeStrides(shape);
    const aligned = new Array<number>(rank).fill(0);
    for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) aligned[rank - shape.length + d] = own[d];
    strideLists.push(aligned);
  }
  forEachRow(outShape, strideLists, new Array<number>(inShapes.length + 1).fill(0), row);
}

/**
 * Drops dimensions of size 1 and merges each dimension into the one before it when,
 * in every stride list, the outer stride equals the inner stride times the inner size.
 * The walk then visits the same elements in the same order, in fewer, longer rows.
 */
export function collapseDims(
  shape: Shape,
  strideLists: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const dims: number[] = [];
  const strides: number[][] = strideLists.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strideLists.every((s, j) => strides[j][last] === s[d] * size)) {
      dims[last] *= size;
      for (let j = 0; j < strideLists.length; j++) strides[j][last] = strideLists[j][d];
    } else {
      dims.push(size);
      for (let j = 0; j < strideLists.length; j++) strides[j].push(strideLists[j][d]);
    }
  }
  return { dims, strides };
}
