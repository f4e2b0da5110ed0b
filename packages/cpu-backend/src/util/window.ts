import { DTypeError, ShapeError, util, type Conv2DAttrs, type PoolAttrs, type Shape, type TensorInfo } from '@tessera/tensor';

/**
 * Everything a convolution or pooling loop needs about its window, as plain numbers:
 * input `[batch, inH, inW, inC]` (NHWC), output `[batch, outH, outW, outC]`, a filter of
 * `kh x kw` taps `dh`/`dw` apart, moved `sh`/`sw` at a time, over the input padded by
 * `top` rows and `left` columns (the bottom and right padding only shape `outH`/`outW`).
 */
export interface WindowGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly top: number;
  readonly left: number;
}

/**
 * The geometry of a window over an input of `inShape` (NHWC), checking what the ops
 * check, so that a direct `runKernel` call with bad attributes fails with a clear error
 * rather than reading past an array.
 */
export function windowGeometry(
  kernelName: string,
  inShape: Shape,
  kernelSize: readonly [number, number],
  outC: number,
  attrs: { strides: readonly [number, number]; pad: Conv2DAttrs['pad']; dilations?: readonly [number, number] },
): WindowGeometry {
  const [kh, kw] = kernelSize;
  const [sh, sw] = attrs.strides;
  const [dh, dw] = attrs.dilations ?? [1, 1];
  const [top, bottom, left, right] = attrs.pad;
  const positive = [kh, kw, sh, sw, dh, dw].every((v) => Number.isInteger(v) && v >= 1);
  const padOk = attrs.pad.length === 4 && attrs.pad.every((v) => Number.isInteger(v) && v >= 0);
  if (inShape.length !== 4 || !positive || !padOk) {
    throw new ShapeError(
      `${kernelName} (cpu): expected an NHWC input and positive window sizes, strides and dilations with non-negative padding ` +
        `but got input ${util.formatShape(inShape)}, window ${kh} x ${kw}, attrs ${JSON.stringify(attrs)}`,
    );
  }
  const [batch, inH, inW, inC] = inShape;
  const outH = util.convOutputSize(inH, kh, sh, dh, top, bottom);
  const outW = util.convOutputSize(inW, kw, sw, dw, left, right);
  if ((outH < 0 || outW < 0) && inH > 0 && inW > 0) {
    throw new ShapeError(
      `${kernelName} (cpu): a window of ${kh} x ${kw} does not fit the padded input ${util.formatShape(inShape)} (pad ${JSON.stringify(attrs.pad)})`,
    );
  }
  return { batch, inH, inW, inC, outH: Math.max(outH, 0), outW: Math.max(outW, 0), outC, kh, kw, sh, sw, dh, dw, top, left };
}

/** The geometry of a pooling window (`outC = inC`). */
export function poolGeometry(kernelName: string, inShape: Shape, attrs: PoolAttrs): WindowGeometry {
  return windowGeometry(kernelName, inShape, attrs.poolSize, inShape[3], attrs);
}

/**
 * One pooling window clipped to the image: image `n`, rows `[ys, ye)` and columns
 * `[xs, xe)`; `o` is the offset of the output pixel's first channel. The same object is
 * reused for every window (no allocation per pixel).
 */
export interface ClippedWindow {
  n: number;
  ys: number;
  ye: number;
  xs: number;
  xe: number;
  o: number;
}

/** Visits every output pixel's window, clipped to the image, in output order (the walk all pooling kernels share). */
export function forEachClippedWindow(g: WindowGeometry, visit: (w: ClippedWindow) => void): void {
  const { batch, inH, inW, outC, outH, outW, kh, kw, sh, sw, top, left } = g;
  const w: ClippedWindow = { n: 0, ys: 0, ye: 0, xs: 0, xe: 0, o: 0 };
  for (let n = 0; n < batch; n++) {
    w.n = n;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - top;
      w.ys = Math.max(y0, 0);
      w.ye = Math.min(y0 + kh, inH);
      for (let ox = 0; ox < outW; ox++, w.o += outC) {
        const x0 = ox * sw - left;
        w.xs = Math.max(x0, 0);
        w.xe = Math.min(x0 + kw, inW);
        visit(w);
      }
    }
  }
}

/** The output shape `[batch, outH, outW, outC]` of a geometry. */
export function outShapeOf(g: WindowGeometry): [number, number, number, number] {
  return [g.batch, g.outH, g.outW, g.outC];
}

/** Throws unless every input is float32 (the window kernels take float32 only). */
export function assertFloat32(kernelName: string, ...inputs: TensorInfo[]): void {
  for (const t of inputs) {
    if (t.dtype !== 'float32') throw new DTypeError(`${kernelName} (cpu): expected float32 inputs but got ${t.dtype}`);
  }
}

/** Throws unless `shape` is exactly `expected`. */
export function assertShape(kernelName: string, what: string, shape: Shape, expected: Shape): void {
  if (!util.shapesEqual(shape, expected)) {
    throw new ShapeError(`${kernelName} (cpu): expected ${what} of shape ${util.formatShape(expected)} but got ${util.formatShape(shape)}`);
  }
}
