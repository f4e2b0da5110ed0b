import type { TypedArray } from '@tessera/tensor';
import type { Epilogue } from './epilogue.js';
import { Gemm, type MatrixView } from './gemm.js';
import { getGemmImplementation, WasmGemm } from './gemm_wasm.js';
import type { WindowGeometry } from './window.js';

/**
 * im2col for NHWC convolutions, a band of output pixels at a time.
 *
 * Output pixel `r` (row-major over batch, outH, outW) has one patch row of
 * `K = kh * kw * inC` values, ordered `(ky, kx, c)`: the order of the filter
 * `[kh, kw, inC, outC]` read as a `K x outC` matrix, so a band of patch rows times that
 * matrix is the band of output rows, already in NHWC order. Padding positions are 0.
 * Processing the output in bands keeps the patch buffer to a few MB whatever the batch.
 */

/** Elements of one band's patch buffer (float32: 1 MiB), and of the GEMM result beside it. */
const BAND_ELEMENTS = 1 << 18;

/**
 * How many output pixels one band holds: as many as fit {@link BAND_ELEMENTS} patch
 * values (and as many GEMM results, when `outC` is the wider side), a multiple of 4
 * (the GEMM's tile height), at least 4, at most all of them.
 */
export function bandRows(rows: number, patchSize: number, outC: number): number {
  const perRow = Math.max(patchSize, outC, 1);
  const band = Math.max(4, Math.floor(BAND_ELEMENTS / perRow / 4) * 4);
  return Math.min(rows, band);
}

/**
 * At most this many patch values (float32: 32 MiB) are kept from Conv2D for the filter
 * gradient: a network's first convolution (few input channels, a large batch) fits.
 */
export const MAX_NOTED_PATCHES = 1 << 23;

/** The key of Conv2D's note of its patches: the input's shape and everything that places the patches. */
export function patchesNoteKey(inShape: readonly number[], g: WindowGeometry): string {
  return `Conv2D patches [${inShape.join(',')}] ${g.kh}x${g.kw} s${g.sh},${g.sw} d${g.dh},${g.dw} p${g.top},${g.left} o${g.outH},${g.outW}`;
}

/** Whether the patch matrix is the input itself (1 x 1 filter, stride 1, no padding): no copy needed. */
export function isPointwise(g: WindowGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.top === 0 && g.left === 0 && g.outH === g.inH && g.outW === g.inW;
}

/**
 * Below this many values a run is copied by a loop; from here on by the engine's native
 * copy (`set` of a `subarray`), whose fixed cost (a view object) pays for itself: a patch
 * row of 5 x 32 channels copied natively measured about 2x faster than the loop.
 */
const NATIVE_COPY = 48;

/** Copies `n` values of `x` from `from` into `cols` at `to`. */
function copyRun(x: TypedArray, from: number, cols: Float32Array, to: number, n: number): void {
  if (n >= NATIVE_COPY && x instanceof Float32Array) cols.set(x.subarray(from, from + n), to);
  else for (let i = 0; i < n; i++) cols[to + i] = x[from + i];
}

/** Fills `cols` with the patch rows of output pixels `[r0, r1)`: `cols[(r - r0) * K + (ky * kw + kx) * inC + c]`. */
export function im2col(x: TypedArray, g: WindowGeometry, r0: number, r1: number, cols: Float32Array): void {
  const { inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, top, left } = g;
  const plane = outH * outW;
  let n = Math.floor(r0 / plane);
  let oy = Math.floor((r0 % plane) / outW);
  let ox = r0 % outW;
  const rowLen = kw * inC;
  let d = 0;
  for (let r = r0; r < r1; r++) {
    const iy0 = oy * sh - top;
    const ix0 = ox * sw - left;
    const image = n * inH * inW * inC;
    // Taps along a row are contiguous in x when undilated and inside the image.
    const contiguous = dw === 1 && ix0 >= 0 && ix0 + kw <= inW;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky * dh;
      if (iy < 0 || iy >= inH) {
        cols.fill(0, d, d + rowLen);
        d += rowLen;
        continue;
      }
      const line = image + iy * inW * inC;
      if (contiguous) {
        copyRun(x, line + ix0 * inC, cols, d, rowLen);
        d += rowLen;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (ix < 0 || ix >= inW) cols.fill(0, d, d + inC);
        else copyRun(x, line + ix * inC, cols, d, inC);
        d += inC;
      }
    }
    if (++ox === outW) {
      ox = 0;
      if (++oy === outH) {
        oy = 0;
        n++;
      }
    }
  }
}

/** The transpose of {@link im2col}: adds each patch value of output pixels `[r0, r1)` back into `dx` (padding positions dropped). */
export function col2imAdd(cols: Float32Array, g: WindowGeometry, r0: number, r1: number, dx: Float32Array): void {
  const { inH, inW, inC, outH, outW, kh, kw, sh, sw, dh, dw, top, left } = g;
  const plane = outH * outW;
  let n = Math.floor(r0 / plane);
  let oy = Math.floor((r0 % plane) / outW);
  let ox = r0 % outW;
  const rowLen = kw * inC;
  let d = 0;
  for (let r = r0; r < r1; r++) {
    const iy0 = oy * sh - top;
    const ix0 = ox * sw - left;
    const image = n * inH * inW * inC;
    const contiguous = dw === 1 && ix0 >= 0 && ix0 + kw <= inW;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky * dh;
      if (iy < 0 || iy >= inH) {
        d += rowLen;
        continue;
      }
      const line = image + iy * inW * inC;
      if (contiguous) {
        for (let s = line + ix0 * inC, e = d + rowLen; d < e; d++, s++) dx[s] += cols[d];
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (ix < 0 || ix >= inW) {
          d += inC;
        } else {
          for (let s = line + ix * inC, e = d + inC; d < e; d++, s++) dx[s] += cols[d];
        }
      }
    }
    if (++ox === outW) {
      ox = 0;
      if (++oy === outH) {
        oy = 0;
        n++;
      }
    }
  }
}

/**
 * The GEMM of the convolution kernels, dispatched as the MatMul kernel dispatches:
 * float32 on the WebAssembly SIMD GEMM when that is the chosen implementation (falling
 * back when its memory cannot grow), else the TypeScript {@link Gemm}, made once per shape
 * and reused while the shape stays the same (every full band shares one). Call
 * {@link ConvGemm.release} when the kernel is done.
 */
export class ConvGemm {
  private gemm: Gemm | undefined;
  private shape = '';
  private readonly wasm = getGemmImplementation() === 'wasm';

  /** `C = A B` with A `m x k`, B `k x n`, written row-major into `out` from `outOffset`, through the `epilogue` if given. */
  run(m: number, n: number, k: number, a: MatrixView, b: MatrixView, out: Float32Array, outOffset: number, epilogue?: Epilogue): void {
    // A fresh WasmGemm per product: it skips copying an operand whose array and offset it
    // has seen, and the band buffers are rewritten in place between products.
    if (this.wasm && new WasmGemm(m, n, k).run(a, b, out, outOffset, epilogue)) return;
    const shape = `${m}x${n}x${k}`;
    if (!this.gemm || shape !== this.shape) {
      this.gemm = new Gemm(m, n, k);
      this.shape = shape;
    }
    this.gemm.run(a, b, out, outOffset, epilogue);
  }

  /** Lets the wasm memory go if this kernel grew it past what is worth keeping. */
  release(): void {
    if (this.wasm) WasmGemm.release();
  }
}
