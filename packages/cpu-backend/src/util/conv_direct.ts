import { BackendError } from '@tessera/tensor';
import { CONV_WASM_BYTES } from '../wasm/conv_wasm.js';
import { getGemmImplementation } from './gemm_wasm.js';
import { CONV_FILTER_GRAD, CONV_FORWARD, convSplitInstance, runConvSplit, type ConvEntry } from './gemm_threads.js';
import type { WindowGeometry } from './window.js';
import { PlainInstance, lazySimdModule } from './wasm_module.js';
import { arenaAddresses } from './arena.js';

/**
 * Direct convolution (src/wasm/conv.wat) for inputs of few channels: Conv2D's forward pass
 * (with its bias and relu/relu6) and its filter gradient, straight from the image, with no
 * patch matrix. For a network's first layer (MNIST's one channel, RGB's three) im2col
 * copies runs of one to four floats and hands the GEMM a depth of `kh * kw * inC` (25 for
 * 5 x 5), too shallow for its blocking: the two together ran at about 12 GFLOP/s there.
 *
 * The host side: two parameter blocks (its layout is in conv.wat; one per thread), the
 * tables of the taps' offsets and the pixels' window corners, the filter (or one partial
 * filter gradient per chunk of pixels), then two bands of whole images, zero-padded to what
 * the windows cover, and their outputs (or dy), output channels padded to a multiple of 8.
 * The filter gradient is chunked the same way on one thread or two and its chunks summed
 * in order, so both give the same bits. A large convolution runs on the GEMM's two threads
 * (see `setGemmThreads`), each taking chunks of the band's pixels, on the pool's shared
 * memory, the bands in turn in the two buffers: this thread copies one band in or out
 * while the worker starts on the next. A small one runs on this thread, on a plain memory.
 */

/** Inputs of at most this many channels take the direct kernels (above it im2col runs are long enough). */
export const DIRECT_MAX_CHANNELS = 4;
/** Floats of outputs (or dy) per band of images: 2 MiB (4 MiB for the two), whatever the batch. */
const BAND_FLOATS = 1 << 19;
/** Bytes of one parameter block with the filter gradient's run of 128 window corners; the worker's block follows the main thread's. */
const PARAMS_BYTES = 1024;
const WORKER_PARAMS = PARAMS_BYTES;
/** Chunks of each band the two threads take in turn. */
const CHUNKS_PER_BAND = 8;
/** Pixels per run of the filter gradient (conv.wat's table of corners at P + 128 holds 128). */
const RUN = 128;

const convModule = lazySimdModule(CONV_WASM_BYTES, true);
/** The one-thread instance, its memory kept between calls. */
const plain = new PlainInstance<ConvEntry>(convModule);
let enabled = true;

/**
 * Turns the direct kernels off (`false`: every convolution takes im2col + GEMM) or back on,
 * so that tests run both paths; returns the setting before.
 */
export function setDirectConv(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/**
 * Whether a convolution of this geometry runs on the direct kernels: few input channels,
 * the WebAssembly GEMM chosen (so `setGemmImplementation('js')` keeps every path in
 * TypeScript), the module compiled, and (for the forward pass) an epilogue the module applies.
 */
export function useDirectConv(g: WindowGeometry, activationCode = 0): boolean {
  return enabled && g.inC > 0 && g.inC <= DIRECT_MAX_CHANNELS && g.outC > 0 && activationCode >= 0 && getGemmImplementation() === 'wasm' && convModule() !== null;
}

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

type Kind = typeof CONV_FORWARD | typeof CONV_FILTER_GRAD;

/**
 * Where a convolution of this plan runs: on both threads (the pool's shared memory) when
 * it is large enough and they are ready, else on this thread. `run(kind, rows, meanwhile)`
 * runs the band's `rows` pixels and `meanwhile` (the copies of another band: on two
 * threads this thread runs it while the worker starts on the band).
 */
function runner(g: WindowGeometry, rel: Plan): { memory: WebAssembly.Memory; run: (kind: Kind, rows: number, meanwhile?: () => void) => void; p: Plan; shared: boolean } {
  const macs = g.batch * rel.pixels * rel.K * rel.ocp;
  const split = convSplitInstance(macs, rel.end);
  if (split) {
    const p = placed(rel, split.base);
    const run = (kind: Kind, rows: number, meanwhile?: () => void) => runConvSplit(kind, rows, chunkSize(rows), p.params[0], p.params[1], meanwhile);
    return { memory: split.memory, run, p, shared: true };
  }
  const inst = plain.with(rel.end);
  if (!inst) throw new BackendError(`direct convolution: the WebAssembly memory cannot grow to ${rel.end} bytes`);
  const { exports, memory } = inst;
  const p = placed(rel, 0);
  const run = (kind: Kind, rows: number, meanwhile?: () => void) => {
    meanwhile?.();
    if (kind === CONV_FORWARD) return exports.forward(p.params[0], 0, rows);
    const per = chunkSize(rows);
    for (let q = 0; q * per < rows; q++) exports.filter_grad(p.params[0], q * per, Math.min(rows, (q + 1) * per), q);
  };
  return { memory, run, p, shared: false };
}

/**
 * The first image of each band of `batch` images, then `batch`: bands of at most `most`
 * images, of equal size but for a first and a last of half that, because nothing overlaps
 * the first band's copy in (the filter gradient) or the last one's copy out (the forward pass).
 */
function bandStarts(batch: number, most: number): number[] {
  if (batch <= most) return batch > 0 ? [0, batch] : [0];
  const half = Math.ceil(most / 2);
  const middle = batch - 2 * half;
  if (middle <= 0) return [0, Math.ceil(batch / 2), batch];
  const n = Math.ceil(middle / most);
  const starts = [0];
  for (let i = 0; i <= n; i++) starts.push(half + Math.round((middle * i) / n));
  starts.push(batch);
  return starts;
}

/**
 * The band plan: the bands' first images (see {@link bandStarts}), padded channels and
 * image, and the byte offsets of the layout. Two bands of images and outputs (or dy),
 * `xAt[b & 1]` and `outAt[b & 1]` for band `b`, so that one band's copies overlap the next
 * band's kernel.
 */
function plan(g: WindowGeometry, outC: number, act = false) {
  const ocp = roundUp(outC, 8);
  const pixels = g.outH * g.outW;
  // The image zero-padded to just the rows and columns the windows cover.
  const padH = pixels ? (g.outH - 1) * g.sh + (g.kh - 1) * g.dh + 1 : 0;
  const padW = pixels ? (g.outW - 1) * g.sw + (g.kw - 1) * g.dw + 1 : 0;
  const imageFloats = padH * padW * g.inC;
  const images = Math.max(1, Math.min(g.batch, Math.floor(BAND_FLOATS / Math.max(1, pixels * ocp))));
  const starts = bandStarts(g.batch, images);
  const K = g.kh * g.kw * g.inC;
  const tapsAt = 2 * PARAMS_BYTES;
  const cornersAt = tapsAt + K * 4;
  const filterAt = roundUp(cornersAt + pixels * 4, 16);
  // The filter gradient's partial sums, one per chunk (the forward pass uses the first as its filter).
  const partBytes = K * ocp * 4;
  const biasAt = filterAt + CHUNKS_PER_BAND * partBytes;
  const xBytes = roundUp(images * imageFloats * 4, 16);
  const outBytes = images * pixels * ocp * 4;
  const xAt = [biasAt + ocp * 4, biasAt + ocp * 4 + xBytes];
  const outAt = [xAt[1] + xBytes, xAt[1] + xBytes + outBytes];
  const params = [0, WORKER_PARAMS];
  // With FusedConv2D's gradient: y's two bands (where dy and y are copied in), each thread's
  // scratch (a run's passed dy rows and their float32 sums) and each chunk's bias sums (doubles).
  const actAt = outAt[1] + outBytes;
  const yAt = act ? [actAt, actAt + outBytes] : [0, 0];
  const scratchBytes = roundUp((RUN + 1) * ocp * 4, 16);
  const scratchAt = act ? [actAt + 2 * outBytes, actAt + 2 * outBytes + scratchBytes] : [0, 0];
  const dbiasAt = act ? scratchAt[1] + scratchBytes : 0;
  const end = act ? dbiasAt + CHUNKS_PER_BAND * ocp * 8 : actAt;
  return { ocp, pixels, padH, padW, imageFloats, starts, K, params, tapsAt, cornersAt, filterAt, partBytes, biasAt, xAt, outAt, yAt, scratchAt, dbiasAt, end };
}

type Plan = ReturnType<typeof plan>;

/** The plan's addresses moved to a block at `base` (the shared memory's scratch; 0 on the plain memory). */
function placed(p: Plan, base: number): Plan {
  const [tapsAt, cornersAt, filterAt, biasAt] = [p.tapsAt, p.cornersAt, p.filterAt, p.biasAt].map((at) => at + base);
  const [params, xAt, outAt] = [p.params, p.xAt, p.outAt].map((ats) => ats.map((at) => at + base));
  const act = p.dbiasAt > 0;
  const [yAt, scratchAt] = [p.yAt, p.scratchAt].map((ats) => ats.map((at) => (act ? at + base : 0)));
  return { ...p, params, tapsAt, cornersAt, filterAt, biasAt, xAt, outAt, yAt, scratchAt, dbiasAt: act ? p.dbiasAt + base : 0, end: p.end + base };
}

/**
 * Writes both parameter blocks (see conv.wat), one per thread: the same; and the two
 * tables, the taps' offsets from a window's corner and each pixel's corner in its image.
 */
function writeParams(memory: WebAssembly.Memory, g: WindowGeometry, p: Plan, act: number, pass?: { limit: number; bias: boolean }): void {
  const heap = new Int32Array(memory.buffer);
  const block = [p.xAt[0], p.filterAt, p.biasAt, p.outAt[0], p.ocp * 4, p.K, p.tapsAt, p.cornersAt, p.pixels * 4, p.imageFloats * 4, act, p.filterAt, p.partBytes];
  // 52..68: FusedConv2D's gradient pass (y 0: none; useBand points y at its band).
  const passBlock = pass ? [p.yAt[0], pass.limit, pass.bias ? p.dbiasAt : 0, 0, g.outC * 4] : [0, 0, 0, 0, 0];
  for (const [t, params] of p.params.entries()) {
    heap.set(block, params / 4);
    heap.set(passBlock, params / 4 + 13);
    heap[params / 4 + 16] = p.scratchAt[t];
  }
  let at = p.tapsAt / 4;
  for (let ky = 0; ky < g.kh; ky++) {
    for (let kx = 0; kx < g.kw; kx++) {
      for (let c = 0; c < g.inC; c++) heap[at++] = ((ky * g.dh * p.padW + kx * g.dw) * g.inC + c) * 4;
    }
  }
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) heap[at++] = (oy * g.sh * p.padW + ox * g.sw) * g.inC * 4;
  }
}

/**
 * Points both parameter blocks at band `b`'s images and outputs (or dy), and y where the
 * filter gradient passes dy through FusedConv2D's activation: `dyAt` and `yAt` given where
 * they are read in place.
 */
function useBand(memory: WebAssembly.Memory, p: Plan, b: number, dyAt = p.outAt[b & 1], yAt = p.yAt[b & 1]): void {
  const heap = new Int32Array(memory.buffer);
  for (const params of p.params) {
    heap[params / 4] = p.xAt[b & 1];
    heap[params / 4 + 3] = dyAt;
    if (heap[params / 4 + 13] !== 0) heap[params / 4 + 13] = yAt;
  }
}

/** Copies `images` images of `x` from image `n0` into band `b`'s, zero-padded to the plan's rows and columns. */
function copyImages(x: Float32Array, g: WindowGeometry, p: Plan, b: number, n0: number, images: number, f32: Float32Array): void {
  const at = p.xAt[b & 1] / 4;
  const inImage = g.inH * g.inW * g.inC;
  if (g.top === 0 && g.left === 0 && p.padH === g.inH && p.padW === g.inW) {
    f32.set(x.subarray(n0 * inImage, (n0 + images) * inImage), at);
    return;
  }
  f32.fill(0, at, at + images * p.imageFloats);
  // The input rows and columns the padded image holds (the windows may end before the input does).
  const rows = Math.min(g.inH, p.padH - g.top);
  const cols = Math.min(g.inW, p.padW - g.left) * g.inC;
  for (let n = 0; n < images; n++) {
    for (let y = 0; y < rows; y++) {
      const src = (n0 + n) * inImage + y * g.inW * g.inC;
      f32.set(x.subarray(src, src + cols), at + n * p.imageFloats + ((y + g.top) * p.padW + g.left) * g.inC);
    }
  }
}

/** Pixels per chunk of a band of `rows` pixels. */
const chunkSize = (rows: number) => Math.max(1, Math.ceil(rows / CHUNKS_PER_BAND));

/** Copies `rows` rows of `cols` floats from `src` into `dst` at rows `stride` apart (`stride === cols`: one copy). */
function copyRows(src: Float32Array, dst: Float32Array, at: number, rows: number, cols: number, stride: number): void {
  if (stride === cols) dst.set(src.subarray(0, rows * cols), at);
  else for (let r = 0; r < rows; r++) dst.set(src.subarray(r * cols, r * cols + cols), at + r * stride);
}

/**
 * `out = act(conv2d(x, filter) + bias)` on the direct kernel: `filter` `[kh, kw, inC, outC]`,
 * `bias` `[outC]` or undefined, `act` 0 (none), 1 (relu) or 2 (relu6), `out` NHWC.
 */
export function directConvForward(x: Float32Array, g: WindowGeometry, filter: Float32Array, bias: Float32Array | undefined, act: number, out: Float32Array): void {
  const outC = g.outC;
  const { memory, run, p } = runner(g, plan(g, outC));
  const f32 = new Float32Array(memory.buffer);
  copyRows(filter, f32, p.filterAt / 4, p.K, outC, p.ocp);
  f32.fill(0, p.biasAt / 4, p.biasAt / 4 + p.ocp);
  if (bias) f32.set(bias, p.biasAt / 4);
  writeParams(memory, g, p, act);
  // The copy out of each band runs while the next band's kernel starts.
  let copyOut: (() => void) | undefined;
  for (let b = 0; b + 1 < p.starts.length; b++) {
    const [n0, images] = [p.starts[b], p.starts[b + 1] - p.starts[b]];
    copyImages(x, g, p, b, n0, images, f32);
    useBand(memory, p, b);
    const rows = images * p.pixels;
    run(CONV_FORWARD, rows, copyOut);
    const [at, to] = [p.outAt[b & 1] / 4, n0 * p.pixels * outC];
    copyOut = () => {
      if (p.ocp === outC) out.set(f32.subarray(at, at + rows * outC), to);
      else for (let r = 0; r < rows; r++) out.set(f32.subarray(at + r * p.ocp, at + r * p.ocp + outC), to + r * outC);
    };
  }
  copyOut?.();
}

/** FusedConv2D's activation and bias folded into the filter gradient (see `act_run` in conv.wat). */
export interface FilterGradPass {
  /** FusedConv2D's output, of dy's shape: dy passes where `0 < bits(y) <= limit`. */
  readonly y: Float32Array;
  /** The largest bits of y that pass (relu: bits(+Infinity); relu6: bits(6) - 1), or 0: every dy passes. */
  readonly limit: number;
  /** Receives the passed dy's sum per output channel (zeroed first), where given. */
  readonly bias?: Float64Array;
}

/**
 * The filter gradient `[kh, kw, inC, outC]` of Conv2D from `x` and `dy` (NHWC) on the
 * direct kernel. Each chunk's sums are float32 in the module (a run of 128 pixels at a time,
 * see conv.wat), over its share of every band in band order; the chunks' sums are added in
 * double, in chunk order, once at the end (reading them back from the threads' caches after
 * every band cost more than the additions).
 *
 * With `pass` (FusedConv2D's gradient for a first layer; `outC` a multiple of 4), each run
 * of dy first goes through the activation's gradient, read off y, in the module, and its
 * sums per channel make the bias's gradient (each chunk's in double, added in chunk order):
 * no tensor for the pre-activation's gradient, no separate sum. On both threads dy and y
 * are read where they live in the shared memory (only the images are copied in); elsewhere
 * each band of them is copied in with its images.
 */
export function directConvFilterGrad(x: Float32Array, g: WindowGeometry, dy: Float32Array, out: Float32Array, pass?: FilterGradPass): void {
  const outC = g.outC;
  if (pass && outC % 4 !== 0) throw new BackendError(`direct convolution: the activation pass needs output channels in fours, not ${outC}`);
  const { memory, run, p, shared } = runner(g, plan(g, outC, pass !== undefined));
  const f32 = new Float32Array(memory.buffer);
  const total = new Float64Array(p.K * outC);
  writeParams(memory, g, p, 0, pass && { limit: pass.limit, bias: pass.bias !== undefined });
  // dy and y read in place: on the shared memory, where both live there.
  const inPlace = pass && shared ? arenaAddresses([dy, pass.y]) : undefined;
  const bands = p.starts.length - 1;
  const rowsOf = (b: number) => (p.starts[b + 1] - p.starts[b]) * p.pixels;
  // Band b's images and dy (and y), copied in while band b - 1's kernel runs.
  const copyIn = (b: number) => {
    const [n0, rows] = [p.starts[b], rowsOf(b)];
    copyImages(x, g, p, b, n0, rows / p.pixels, f32);
    const [from, to] = [n0 * p.pixels * outC, (n0 * p.pixels + rows) * outC];
    if (!pass) copyRows(dy.subarray(from, to), f32, p.outAt[b & 1] / 4, rows, outC, p.ocp);
    else if (!inPlace) {
      f32.set(dy.subarray(from, to), p.outAt[b & 1] / 4);
      f32.set(pass.y.subarray(from, to), p.yAt[b & 1] / 4);
    }
  };
  copyIn(0);
  f32.fill(0, p.filterAt / 4, p.biasAt / 4);
  const f64 = pass?.bias ? new Float64Array(memory.buffer, p.dbiasAt, CHUNKS_PER_BAND * p.ocp) : undefined;
  f64?.fill(0);
  for (let b = 0; b < bands; b++) {
    const at = p.starts[b] * p.pixels * outC * 4;
    if (inPlace) useBand(memory, p, b, inPlace[0] + at, inPlace[1] + at);
    else useBand(memory, p, b);
    run(CONV_FILTER_GRAD, rowsOf(b), b + 1 < bands ? () => copyIn(b + 1) : undefined);
  }
  for (let q = 0; q < CHUNKS_PER_BAND; q++) {
    const at = (p.filterAt + q * p.partBytes) / 4;
    for (let k = 0; k < p.K; k++) for (let c = 0; c < outC; c++) total[k * outC + c] += f32[at + k * p.ocp + c];
  }
  for (let i = 0; i < out.length; i++) out[i] = total[i];
  if (pass?.bias && f64) {
    pass.bias.fill(0);
    for (let q = 0; q < CHUNKS_PER_BAND; q++) for (let c = 0; c < outC; c++) pass.bias[c] += f64[q * p.ocp + c];
  }
}
