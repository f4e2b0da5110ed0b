import { at, fromIndex, sizeOf, stridesOf, type RefTensor } from './ref_tensor.js';

/**
 * References of TensorFlow's resize raw ops (`ResizeNearestNeighbor`, `ResizeBilinear`
 * and their gradients) on NHWC images. Source coordinates are computed in float32
 * (`Math.fround` at each step), as TensorFlow computes them, so that a coordinate on a
 * whole number floors the same way; the interpolation itself is float64.
 */

/** The resize flags, as the ops take them. */
export interface ResizeRef {
  readonly alignCorners?: boolean;
  readonly halfPixelCenters?: boolean;
}

function scaleOf(inSize: number, outSize: number, r: ResizeRef): number {
  return Math.fround(r.alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize);
}

/** The source index of output `i`: `floor` of `i * scale` (of `(i + 0.5) * scale` with half-pixel centers; `roundf` with aligned corners), kept inside. */
export function nearestIndex(i: number, inSize: number, outSize: number, r: ResizeRef): number {
  const scale = scaleOf(inSize, outSize, r);
  const src = Math.fround((r.halfPixelCenters ? i + 0.5 : i) * scale);
  const idx = Math.min(r.alignCorners ? Math.round(src) : Math.floor(src), inSize - 1);
  return Math.max(idx, 0);
}

/** The two source indices of output `i` and the weight of the upper one. */
export function bilinearIndices(i: number, inSize: number, outSize: number, r: ResizeRef): [number, number, number] {
  const scale = scaleOf(inSize, outSize, r);
  const src = r.halfPixelCenters ? Math.fround(Math.fround((i + 0.5) * scale) - 0.5) : Math.fround(i * scale);
  const lower = Math.floor(src);
  return [Math.max(lower, 0), Math.min(Math.ceil(src), inSize - 1), src - lower];
}

/** `resizeNearestNeighbor` of `[N, H, W, C]` (or `[H, W, C]`) images to `[outH, outW]`. */
export function resizeNearestRef(x: RefTensor, [outH, outW]: readonly [number, number], r: ResizeRef = {}): RefTensor {
  const rank3 = x.shape.length === 3;
  const [inH, inW, C] = x.shape.slice(-3);
  const shape = rank3 ? [outH, outW, C] : [x.shape[0], outH, outW, C];
  return fromIndex(shape, 'float32', (index) => {
    const [y, xo, c] = index.slice(-3);
    const src = [nearestIndex(y, inH, outH, r), nearestIndex(xo, inW, outW, r), c];
    return at(x, rank3 ? src : [index[0], ...src]);
  });
}

/** `resizeBilinear`: along x on the two source rows, then between them, as TensorFlow. */
export function resizeBilinearRef(x: RefTensor, [outH, outW]: readonly [number, number], r: ResizeRef = {}): RefTensor {
  const rank3 = x.shape.length === 3;
  const [inH, inW, C] = x.shape.slice(-3);
  const shape = rank3 ? [outH, outW, C] : [x.shape[0], outH, outW, C];
  return fromIndex(shape, 'float32', (index) => {
    const [y, xo, c] = index.slice(-3);
    const pick = (iy: number, ix: number) => at(x, rank3 ? [iy, ix, c] : [index[0], iy, ix, c]);
    const [top, bottom, yl] = bilinearIndices(y, inH, outH, r);
    const [left, right, xl] = bilinearIndices(xo, inW, outW, r);
    const t = pick(top, left) + (pick(top, right) - pick(top, left)) * xl;
    const b = pick(bottom, left) + (pick(bottom, right) - pick(bottom, left)) * xl;
    return t + (b - t) * yl;
  });
}

/** Adds `v` at `index` of a flat value list of `shape`. */
function addAt(values: number[], shape: readonly number[], index: readonly number[], v: number): void {
  const s = stridesOf(shape);
  values[index.reduce((f, i, d) => f + i * s[d], 0)] += v;
}

/** The gradient of {@link resizeNearestRef} (rank 4), of `inputShape`: each `dy` added to its source pixel. */
export function resizeNearestGradRef(dy: RefTensor, inputShape: readonly number[], r: ResizeRef = {}): RefTensor {
  const [, inH, inW] = inputShape;
  const [, outH, outW] = dy.shape;
  const values = new Array<number>(sizeOf(inputShape)).fill(0);
  fromIndex(dy.shape, 'float32', ([n, y, xo, c]) => {
    addAt(values, inputShape, [n, nearestIndex(y, inH, outH, r), nearestIndex(xo, inW, outW, r), c], at(dy, [n, y, xo, c]));
    return 0;
  });
  return { shape: [...inputShape], dtype: 'float32', values };
}

/** The gradient of {@link resizeBilinearRef} (rank 4): each `dy` spread over its four sources by their weights. */
export function resizeBilinearGradRef(dy: RefTensor, inputShape: readonly number[], r: ResizeRef = {}): RefTensor {
  const [, inH, inW] = inputShape;
  const [, outH, outW] = dy.shape;
  const values = new Array<number>(sizeOf(inputShape)).fill(0);
  fromIndex(dy.shape, 'float32', ([n, y, xo, c]) => {
    const g = at(dy, [n, y, xo, c]);
    const [top, bottom, yl] = bilinearIndices(y, inH, outH, r);
    const [left, right, xl] = bilinearIndices(xo, inW, outW, r);
    addAt(values, inputShape, [n, top, left, c], g * (1 - yl) * (1 - xl));
    addAt(values, inputShape, [n, top, right, c], g * (1 - yl) * xl);
    addAt(values, inputShape, [n, bottom, left, c], g * yl * (1 - xl));
    addAt(values, inputShape, [n, bottom, right, c], g * yl * xl);
    return 0;
  });
  return { shape: [...inputShape], dtype: 'float32', values };
}
