import type { WindowGeometry } from './window.js';
import { getArena } from './arena.js';
import { runRowsSplit } from './gemm_threads.js';
import { vectorInPlace, vectorInstance } from './vector_wasm.js';

/** Bytes of images staged per call, with their outputs (or gradients): about 1 MiB, whatever the batch. */
const STAGE_BYTES = 1 << 20;

/**
 * MaxPool or its gradient on WebAssembly SIMD (`maxpool` in src/wasm/vector.wat), for
 * channels in whole vectors (`inC % 4 === 0`) and windows of at most 255 positions: where
 * the arrays live in the shared WebAssembly memory, over all images where they are (see
 * {@link maxPoolInPlace}); else a group of images at a time copied through the module's memory.
 *
 * - `grad` false: pools `x` into the maxima `y` and their window positions `at` (see
 *   MaxPool's note).
 * - `grad` true: writes every element of `x` (dx) from the gradient `y` (dy) and the
 *   positions `at`: zeros, and each dy at its window's maximum (summed where windows overlap).
 */
export function maxPoolWasm(g: WindowGeometry, x: Float32Array, y: Float32Array, at: Uint8Array, grad: boolean): void {
  const inPer = g.inH * g.inW * g.inC;
  const outPer = g.outH * g.outW * g.inC;
  // The gradient: windows apart (2) store every position of theirs, so only positions outside
  // every window need zeros first (none where the windows tile the image); overlapping
  // windows (1) add up on zeros.
  const tiled = g.sh === g.kh && g.sw === g.kw && g.outH * g.sh - g.top >= g.inH && g.outW * g.sw - g.left >= g.inW;
  const mode = grad ? (g.sh >= g.kh && g.sw >= g.kw ? 2 : 1) : 0;
  if (maxPoolInPlace(g, x, y, at, inPer, outPer, tiled, mode)) return;
  // Per image: x (or dx) and y (or dy) as floats, the positions as bytes; the list of a window's positions after them.
  const per = 4 * inPer + 5 * outPer;
  const group = Math.max(1, Math.min(g.batch, Math.floor(STAGE_BYTES / Math.max(1, per))));
  const { exports, heap } = vectorInstance(group * per + 4 * g.kh * g.kw);
  const bytes = new Uint8Array(heap.buffer);
  const [yAt, atAt] = [group * inPer, 4 * group * (inPer + outPer)];
  for (let n0 = 0; n0 < g.batch; n0 += group) {
    const images = Math.min(group, g.batch - n0);
    const [xs, ys] = [n0 * inPer, n0 * outPer];
    if (grad) {
      heap.set(y.subarray(ys, ys + images * outPer), yAt);
      bytes.set(at.subarray(ys, ys + images * outPer), atAt);
      if (!tiled) heap.fill(0, 0, images * inPer);
    } else {
      heap.set(x.subarray(xs, xs + images * inPer), 0);
    }
    exports.maxpool(0, yAt * 4, atAt, atAt + group * outPer, images, g.inH, g.inW, g.inC, g.outH, g.outW, g.kh, g.kw, g.sh, g.sw, g.top, g.left, mode);
    if (grad) {
      x.set(heap.subarray(0, images * inPer), xs);
    } else {
      y.set(heap.subarray(yAt, yAt + images * outPer), ys);
      at.set(bytes.subarray(atAt, atAt + images * outPer), ys);
    }
  }
}

/** Elements of a pooling's input from which `'auto'` threads split it by images. */
const POOL_THREAD_MIN = 1 << 17;

/**
 * {@link maxPoolWasm} where `x`, `y` and `at` live in the shared WebAssembly memory: one call
 * over all images where they are, no copies, split by images between the GEMM's threads
 * when large enough. Each chunk of images lists its window's positions in a scratch slot of
 * its own (the list is rewritten per call: a shared one would be written by both threads).
 * Returns false (having done nothing) where an array is elsewhere or there is no scratch.
 */
function maxPoolInPlace(
  g: WindowGeometry, x: Float32Array, y: Float32Array, at: Uint8Array, inPer: number, outPer: number, tiled: boolean, mode: number,
): boolean {
  const here = vectorInPlace([x, y, at]);
  const tabBytes = 4 * g.kh * g.kw;
  const tab = here ? getArena()!.scratch('maxpool', g.batch * tabBytes) : -1;
  if (!here || tab < 0) return false;
  if (mode !== 0 && !tiled) x.fill(0);
  const args = [here.at[0], here.at[1], here.at[2], tab, g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.kh, g.kw, g.sh, g.sw, g.top, g.left, mode];
  const strides = args.map(() => 0);
  [strides[0], strides[1], strides[2], strides[3]] = [4 * inPer, 4 * outPer, outPer, tabBytes];
  if (!runRowsSplit('maxpool', args, strides, 4, g.batch, Math.ceil(g.batch / 4), g.batch * inPer, POOL_THREAD_MIN)) {
    here.ex.maxpool(...(args as Parameters<typeof here.ex.maxpool>));
  }
  return true;
}
