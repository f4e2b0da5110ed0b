import { at, fromIndex, sizeOf, stridesOf, type RefTensor } from './ref_tensor.js';

/**
 * Naive float64 references of the NHWC window kernels: convolutions, their gradients,
 * and pooling. Each works from the Keras-level options (`'same'` is resolved here,
 * from TensorFlow's rule, independently of the ops), and each gradient is written as
 * the plain adjoint sum of its forward op, loop by loop.
 */

/** A window along the two spatial axes, as the ops take it. */
export interface WindowRef {
  readonly strides?: readonly [number, number];
  readonly dilations?: readonly [number, number];
  readonly padding?: 'valid' | 'same' | 'causal';
}

/** One spatial axis of a window: output size and padding before. */
interface Axis1 {
  readonly out: number;
  readonly before: number;
  readonly stride: number;
  readonly dilation: number;
}

/**
 * TensorFlow's sizes along one axis: `'valid'` fits the window inside; `'same'` gives
 * `ceil(in / stride)` outputs, padded by `max((out - 1) * stride + span - in, 0)` with the
 * smaller half before; `'causal'` (1-D) pads `span - 1` before only.
 */
export function windowAxis(inSize: number, taps: number, stride: number, dilation: number, padding: WindowRef['padding']): Axis1 {
  const span = (taps - 1) * dilation + 1;
  if (padding === 'same') {
    const out = Math.ceil(inSize / stride);
    const total = Math.max((out - 1) * stride + span - inSize, 0);
    return { out, before: Math.floor(total / 2), stride, dilation };
  }
  if (padding === 'causal') return { out: Math.floor((inSize - 1) / stride) + 1, before: span - 1, stride, dilation };
  const out = Math.floor((inSize - span) / stride) + 1;
  if (out < 1) throw new Error(`reference: a window of ${span} does not fit ${inSize}`);
  return { out, before: 0, stride, dilation };
}

function axes(inH: number, inW: number, kh: number, kw: number, w: WindowRef): [Axis1, Axis1] {
  const [sh, sw] = w.strides ?? [1, 1];
  const [dh, dw] = w.dilations ?? [1, 1];
  return [windowAxis(inH, kh, sh, dh, w.padding), windowAxis(inW, kw, sw, dw, w.padding)];
}

/** Input coordinate of tap `k` of output `o`, or -1 outside `[0, size)`. */
function source(o: number, k: number, a: Axis1, size: number): number {
  const i = o * a.stride - a.before + k * a.dilation;
  return i >= 0 && i < size ? i : -1;
}

/** Calls `visit(n, oy, ox, iy, ix, ky, kx)` for every output pixel and every filter tap inside the image. */
function forEachTap(
  batch: number,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  [ay, ax]: [Axis1, Axis1],
  visit: (n: number, oy: number, ox: number, iy: number, ix: number, ky: number, kx: number) => void,
): void {
  for (let n = 0; n < batch; n++)
    for (let oy = 0; oy < ay.out; oy++)
      for (let ox = 0; ox < ax.out; ox++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = source(oy, ky, ay, inH);
            const ix = source(ox, kx, ax, inW);
            if (iy >= 0 && ix >= 0) visit(n, oy, ox, iy, ix, ky, kx);
          }
}

/** A float32 tensor of zeros with a writable value list. */
function zerosOf(shape: readonly number[]): { shape: number[]; dtype: 'float32'; values: number[] } {
  return { shape: [...shape], dtype: 'float32', values: new Array<number>(sizeOf(shape)).fill(0) };
}

/** Flat index of `index` in `shape`. */
function flat(shape: readonly number[], index: readonly number[]): number {
  const s = stridesOf(shape);
  return index.reduce((f, v, d) => f + v * s[d], 0);
}

/** `conv2d`: `y[n, oy, ox, co] = sum x[n, iy, ix, ci] * f[ky, kx, ci, co]` over the taps inside the image. */
export function conv2dRef(x: RefTensor, f: RefTensor, w: WindowRef = {}): RefTensor {
  const [batch, inH, inW, inC] = x.shape;
  const [kh, kw, , outC] = f.shape;
  const ax = axes(inH, inW, kh, kw, w);
  const y = zerosOf([batch, ax[0].out, ax[1].out, outC]);
  forEachTap(batch, inH, inW, kh, kw, ax, (n, oy, ox, iy, ix, ky, kx) => {
    for (let co = 0; co < outC; co++)
      for (let ci = 0; ci < inC; ci++) y.values[flat(y.shape, [n, oy, ox, co])] += at(x, [n, iy, ix, ci]) * at(f, [ky, kx, ci, co]);
  });
  return y;
}

/** The gradient of {@link conv2dRef} for x, of `inputShape`: every product's `dy * f` added back to its x position. */
export function conv2dBackpropInputRef(dy: RefTensor, f: RefTensor, inputShape: readonly number[], w: WindowRef = {}): RefTensor {
  const [batch, inH, inW, inC] = inputShape;
  const [kh, kw, , outC] = f.shape;
  const dx = zerosOf(inputShape);
  forEachTap(batch, inH, inW, kh, kw, axes(inH, inW, kh, kw, w), (n, oy, ox, iy, ix, ky, kx) => {
    for (let co = 0; co < outC; co++)
      for (let ci = 0; ci < inC; ci++) dx.values[flat(inputShape, [n, iy, ix, ci])] += at(dy, [n, oy, ox, co]) * at(f, [ky, kx, ci, co]);
  });
  return dx;
}

/** The gradient of {@link conv2dRef} for the filter, of `filterShape`. */
export function conv2dBackpropFilterRef(x: RefTensor, dy: RefTensor, filterShape: readonly number[], w: WindowRef = {}): RefTensor {
  const [batch, inH, inW, inC] = x.shape;
  const [kh, kw, , outC] = filterShape;
  const df = zerosOf(filterShape);
  forEachTap(batch, inH, inW, kh, kw, axes(inH, inW, kh, kw, w), (n, oy, ox, iy, ix, ky, kx) => {
    for (let co = 0; co < outC; co++)
      for (let ci = 0; ci < inC; ci++) df.values[flat(filterShape, [ky, kx, ci, co])] += at(x, [n, iy, ix, ci]) * at(dy, [n, oy, ox, co]);
  });
  return df;
}

/** `conv1d` as the 1-D sum itself: `y[n, o, co] = sum x[n, i, ci] * f[k, ci, co]`. */
export function conv1dRef(x: RefTensor, f: RefTensor, stride = 1, dilation = 1, padding: WindowRef['padding'] = 'valid'): RefTensor {
  const [batch, inW, inC] = x.shape;
  const [k, , outC] = f.shape;
  const a = windowAxis(inW, k, stride, dilation, padding);
  return fromIndex([batch, a.out, outC], 'float32', ([n, o, co]) => {
    let s = 0;
    for (let t = 0; t < k; t++) {
      const i = source(o, t, a, inW);
      if (i >= 0) for (let ci = 0; ci < inC; ci++) s += at(x, [n, i, ci]) * at(f, [t, ci, co]);
    }
    return s;
  });
}

/** `depthwiseConv2d`: `y[n, oy, ox, c * M + m] = sum x[n, iy, ix, c] * f[ky, kx, c, m]`. */
export function depthwiseConv2dRef(x: RefTensor, f: RefTensor, w: WindowRef = {}): RefTensor {
  const [batch, inH, inW, inC] = x.shape;
  const [kh, kw, , mult] = f.shape;
  const ax = axes(inH, inW, kh, kw, w);
  const y = zerosOf([batch, ax[0].out, ax[1].out, inC * mult]);
  forEachTap(batch, inH, inW, kh, kw, ax, (n, oy, ox, iy, ix, ky, kx) => {
    for (let c = 0; c < inC; c++)
      for (let m = 0; m < mult; m++) y.values[flat(y.shape, [n, oy, ox, c * mult + m])] += at(x, [n, iy, ix, c]) * at(f, [ky, kx, c, m]);
  });
  return y;
}

/** The gradient of {@link depthwiseConv2dRef} for x. */
export function depthwiseConv2dBackpropInputRef(dy: RefTensor, f: RefTensor, inputShape: readonly number[], w: WindowRef = {}): RefTensor {
  const [batch, inH, inW, inC] = inputShape;
  const [kh, kw, , mult] = f.shape;
  const dx = zerosOf(inputShape);
  forEachTap(batch, inH, inW, kh, kw, axes(inH, inW, kh, kw, w), (n, oy, ox, iy, ix, ky, kx) => {
    for (let c = 0; c < inC; c++)
      for (let m = 0; m < mult; m++) dx.values[flat(inputShape, [n, iy, ix, c])] += at(dy, [n, oy, ox, c * mult + m]) * at(f, [ky, kx, c, m]);
  });
  return dx;
}

/** The gradient of {@link depthwiseConv2dRef} for the filter. */
export function depthwiseConv2dBackpropFilterRef(x: RefTensor, dy: RefTensor, filterShape: readonly number[], w: WindowRef = {}): RefTensor {
  const [batch, inH, inW, inC] = x.shape;
  const [kh, kw, , mult] = filterShape;
  const df = zerosOf(filterShape);
  forEachTap(batch, inH, inW, kh, kw, axes(inH, inW, kh, kw, w), (n, oy, ox, iy, ix, ky, kx) => {
    for (let c = 0; c < inC; c++)
      for (let m = 0; m < mult; m++) df.values[flat(filterShape, [ky, kx, c, m])] += at(x, [n, iy, ix, c]) * at(dy, [n, oy, ox, c * mult + m]);
  });
  return df;
}

/** A pooling window, as the ops take it (strides default to the pool size). */
export interface PoolRef {
  readonly poolSize: readonly [number, number];
  readonly strides?: readonly [number, number];
  readonly padding?: 'valid' | 'same';
}

/** For each output pixel `[n, oy, ox]`, the image positions `[iy, ix]` of its window, in row-major order. */
function poolWindows(inShape: readonly number[], p: PoolRef): { out: number[]; windows: Map<string, Array<[number, number]>> } {
  const [batch, inH, inW, C] = inShape;
  const [ph, pw] = p.poolSize;
  const [sh, sw] = p.strides ?? p.poolSize;
  const ay = windowAxis(inH, ph, sh, 1, p.padding);
  const ax = windowAxis(inW, pw, sw, 1, p.padding);
  const windows = new Map<string, Array<[number, number]>>();
  forEachTap(batch, inH, inW, ph, pw, [ay, ax], (n, oy, ox, iy, ix) => {
    const key = `${oy},${ox}`;
    if (n === 0) windows.set(key, [...(windows.get(key) ?? []), [iy, ix]]);
  });
  return { out: [batch, ay.out, ax.out, C], windows };
}

/** `maxPool2d`: the largest value of each window's image positions (padding never counts). */
export function maxPoolRef(x: RefTensor, p: PoolRef): RefTensor {
  const { out, windows } = poolWindows(x.shape, p);
  return fromIndex(out, 'float32', ([n, oy, ox, c]) => Math.max(...windows.get(`${oy},${ox}`)!.map(([iy, ix]) => at(x, [n, iy, ix, c]))));
}

/** The gradient of {@link maxPoolRef}: each `dy` to the first maximum of its window (row-major scan), as TensorFlow. */
export function maxPoolGradRef(dy: RefTensor, x: RefTensor, p: PoolRef): RefTensor {
  const { out, windows } = poolWindows(x.shape, p);
  const dx = zerosOf(x.shape);
  fromIndex(out, 'float32', ([n, oy, ox, c]) => {
    let best = -Infinity;
    let where: number[] = [];
    for (const [iy, ix] of windows.get(`${oy},${ox}`)!) {
      const v = at(x, [n, iy, ix, c]);
      if (where.length === 0 || v > best) [best, where] = [v, [n, iy, ix, c]];
    }
    dx.values[flat(x.shape, where)] += at(dy, [n, oy, ox, c]);
    return 0;
  });
  return dx;
}

/** `avgPool2d`: the mean over each window's image positions (a padded window divides by fewer). */
export function avgPoolRef(x: RefTensor, p: PoolRef): RefTensor {
  const { out, windows } = poolWindows(x.shape, p);
  return fromIndex(out, 'float32', ([n, oy, ox, c]) => {
    const w = windows.get(`${oy},${ox}`)!;
    return w.reduce((s, [iy, ix]) => s + at(x, [n, iy, ix, c]), 0) / w.length;
  });
}

/** The gradient of {@link avgPoolRef}, of `inputShape`. */
export function avgPoolGradRef(dy: RefTensor, inputShape: readonly number[], p: PoolRef): RefTensor {
  const { out, windows } = poolWindows(inputShape, p);
  const dx = zerosOf(inputShape);
  fromIndex(out, 'float32', ([n, oy, ox, c]) => {
    const w = windows.get(`${oy},${ox}`)!;
    for (const [iy, ix] of w) dx.values[flat(inputShape, [n, iy, ix, c])] += at(dy, [n, oy, ox, c]) / w.length;
    return 0;
  });
  return dx;
}
