/**
 * The arithmetic of convolution, pooling and resize windows, shared by the ops (which
 * resolve padding and check shapes) and by backends (which size their outputs), so
 * every backend computes the same thing.
 */

/** The extent a filter of `size` taps covers when its taps sit `dilation` apart. */
export function effectiveFilterSize(size: number, dilation: number): number {
  return (size - 1) * dilation + 1;
}

/**
 * Output length of a sliding window along one axis: how many positions, `stride`
 * apart, a window of `filterSize` taps (`dilation` apart) takes inside the input
 * padded by `padBefore` and `padAfter`. Zero or less means the window does not fit.
 * @example
 * ```ts
 * convOutputSize(28, 5, 1, 1, 0, 0); // 24
 * convOutputSize(7, 2, 2, 1, 0, 1);  // 4
 * ```
 */
export function convOutputSize(
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padBefore: number,
  padAfter: number,
): number {
  return Math.floor((inSize + padBefore + padAfter - effectiveFilterSize(filterSize, dilation)) / stride) + 1;
}

/**
 * TensorFlow's `'same'` padding along one axis: the output has `ceil(inSize / stride)`
 * positions; `total = max((out - 1) * stride + effective - inSize, 0)`, the smaller half
 * before and the rest after.
 * @returns `[before, after]`
 * @example
 * ```ts
 * samePadding(7, 2, 2, 1); // [0, 1]
 * samePadding(5, 3, 1, 1); // [1, 1]
 * ```
 */
export function samePadding(inSize: number, filterSize: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effectiveFilterSize(filterSize, dilation) - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * The ratio of input to output coordinates of a resize along one axis, as TensorFlow:
 * `(in - 1) / (out - 1)` with `alignCorners` (and more than one output), else `in / out`.
 * Resize coordinates are computed in float32 (`Math.fround`), as TensorFlow does, so
 * that a source coordinate landing on an integer floors the same way.
 */
export function resizeScale(inSize: number, outSize: number, alignCorners: boolean): number {
  return Math.fround(alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize);
}

/**
 * The input index a nearest-neighbour resize reads for output index `i` (TensorFlow's
 * `ResizeNearestNeighbor`): `floor(i * scale)`, or `round` with `alignCorners`, or
 * `floor((i + 0.5) * scale)` with `halfPixelCenters`, clamped into the input.
 * @param scale - from {@link resizeScale}
 */
export function nearestSourceIndex(i: number, scale: number, inSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const src = Math.fround((halfPixelCenters ? i + 0.5 : i) * scale);
  // C's roundf: halves away from zero (src is never negative here).
  const idx = alignCorners ? Math.floor(src + 0.5) : Math.floor(src);
  return Math.max(0, Math.min(idx, inSize - 1));
}

/**
 * The two input indices and the weight of the upper one that a bilinear resize reads
 * for output index `i` (TensorFlow's `ResizeBilinear`): the source coordinate is
 * `i * scale`, or `(i + 0.5) * scale - 0.5` with `halfPixelCenters`; the value is
 * `in[lower] * (1 - lerp) + in[upper] * lerp`.
 * @param scale - from {@link resizeScale}
 * @returns `[lower, upper, lerp]`
 */
export function bilinearSource(i: number, scale: number, inSize: number, halfPixelCenters: boolean): [number, number, number] {
  const src = halfPixelCenters ? Math.fround(Math.fround((i + 0.5) * scale) - 0.5) : Math.fround(i * scale);
  const floor = Math.floor(src);
  const lower = Math.min(Math.max(floor, 0), inSize - 1);
  const upper = Math.max(Math.min(Math.ceil(src), inSize - 1), 0);
  return [lower, upper, Math.fround(src - floor)];
}
