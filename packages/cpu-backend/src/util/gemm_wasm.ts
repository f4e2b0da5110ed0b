import { BackendError } from '@tessera/tensor';
import { GEMM_WASM_BYTES } from '../wasm/gemm_wasm.js';
import { Epilogue, type RowWriter } from './epilogue.js';
import type { MatrixView } from './gemm.js';
import { arenaGemm, getArena } from './arena.js';
import { depthParts, planDepthSplit, planSplit, runSplit, sharedInstance, type GemmArgs, type GemmEntry } from './gemm_threads.js';
import { PlainInstance, lazySimdModule } from './wasm_module.js';

/**
 * Which GEMM runs float32 MatMul: `'wasm'` (WebAssembly SIMD, the default where the
 * runtime has it) or `'js'` (the plain TypeScript GEMM in double precision, always there,
 * and the only one for int32).
 */
export type GemmImplementation = 'js' | 'wasm';

/**
 * How the WebAssembly GEMM sums: `'float64'` widens to double, so products
 * are exact and sums as accurate as the TypeScript GEMM's; `'float32'` (the default) sums in float32,
 * about twice as fast, with the rounding of a float32 dot product (at most
 * `(k + 1) * 2^-24 * sum|a*b|`, typically far less): fine for training, but looser than
 * the conformance suite's rtol 1e-5 where a sum cancels.
 */
export type GemmAccumulation = 'float64' | 'float32';

/**
 * Bytes of one thread's pack buffers, per precision: a block of A (MC x KC) and one of B
 * (KC x NC) in the panel element size, as `gemm` in src/wasm/gemm.wat blocks (f32: MC 256,
 * NC 512; f64: MC 128, NC 256; KC 256 for both).
 */
const PACK_A = { f32: 256 * 256 * 4, f64: 128 * 256 * 8 };
const PACK_B = { f32: 256 * 512 * 4, f64: 256 * 256 * 8 };
/** Memory kept between calls; after a product that needed more, the memory is dropped. */
const KEEP_BYTES = 64 * 1024 * 1024;

let implementation: GemmImplementation | undefined;
let accumulation: GemmAccumulation = 'float32';
/** The GEMM module (about 3 KB), `null` where WebAssembly SIMD is missing; compiled on first use. */
const gemmModule = lazySimdModule(GEMM_WASM_BYTES, true);
/** The one-thread instance and its memory, reused by every call (none while no call has needed it). */
const plain = new PlainInstance<GemmEntry>(gemmModule);

/** Whether the WebAssembly SIMD GEMM can run here. */
export function wasmGemmAvailable(): boolean {
  return gemmModule() !== null;
}

/** The GEMM that float32 MatMul uses now. */
export function getGemmImplementation(): GemmImplementation {
  implementation ??= wasmGemmAvailable() ? 'wasm' : 'js';
  return implementation;
}

/**
 * Chooses the GEMM behind float32 MatMul on the CPU backend (int32 always uses `'js'`).
 * The default is `'wasm'` where WebAssembly SIMD is available, else `'js'`; tests use this
 * to run the same cases through both.
 *
 * @param impl - `'wasm'` (WebAssembly SIMD, float32 sums) or `'js'` (TypeScript, double sums)
 * @returns the implementation used before
 * @throws BackendError when `'wasm'` is asked for and WebAssembly SIMD is not available
 * @example
 * ```ts
 * import { setGemmImplementation } from '@tessera/cpu-backend';
 * const before = setGemmImplementation('js');
 * // ... matMul runs on the TypeScript GEMM ...
 * setGemmImplementation(before);
 * ```
 */
export function setGemmImplementation(impl: GemmImplementation): GemmImplementation {
  if (impl !== 'js' && impl !== 'wasm') {
    throw new BackendError(`setGemmImplementation: expected 'js' or 'wasm' but got ${String(impl)}`);
  }
  if (impl === 'wasm' && !wasmGemmAvailable()) {
    throw new BackendError("setGemmImplementation: 'wasm' needs WebAssembly SIMD, which this runtime does not have");
  }
  const before = getGemmImplementation();
  implementation = impl;
  return before;
}

/** How the WebAssembly GEMM sums now (see {@link setGemmAccumulation}). */
export function getGemmAccumulation(): GemmAccumulation {
  return accumulation;
}

/**
 * Chooses how the WebAssembly GEMM sums (the TypeScript GEMM always sums in double).
 * `'float32'`, the default (as GPUs and tfjs-wasm's XNNPACK sum), runs at about
 * 50 GFLOP/s on one core with float32 rounding in the sums (error up to about
 * k·2⁻²⁴·Σ|aᵢbᵢ|); `'float64'` gives the TypeScript GEMM's results (up to the order of
 * the sums) at about half that speed.
 *
 * @param acc - `'float64'` or `'float32'`
 * @returns the accumulation used before
 * @example
 * ```ts
 * import { setGemmAccumulation } from '@tessera/cpu-backend';
 * setGemmAccumulation('float32'); // faster training; matMul sums in float32
 * ```
 */
export function setGemmAccumulation(acc: GemmAccumulation): GemmAccumulation {
  if (acc !== 'float64' && acc !== 'float32') {
    throw new BackendError(`setGemmAccumulation: expected 'float64' or 'float32' but got ${String(acc)}`);
  }
  const before = accumulation;
  accumulation = acc;
  return before;
}

/** Bytes of the one-thread (plain) wasm memory held between calls (0 before the first such product): for tests. */
export function wasmGemmMemoryBytes(): number {
  return plain.bytes();
}

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/** Adds the `parts - 1` C's of `size` floats stacked after the first (at `at`) onto it, in order. */
function addParts(heap: Float32Array, at: number, size: number, parts: number): void {
  for (let q = 1; q < parts; q++) {
    const from = at + q * size;
    for (let i = 0; i < size; i++) heap[at + i] += heap[from + i];
  }
}

/** How many elements of `data` a view of `rows x cols` spans from its offset. */
function extent(v: MatrixView, rows: number, cols: number): number {
  return (rows - 1) * v.rowStride + (cols - 1) * v.colStride + 1;
}

/**
 * `C = A B` for float32 data on the WebAssembly SIMD kernels (src/wasm/gemm.wat), summing
 * as {@link setGemmAccumulation} says. Made once per kernel call, with {@link Gemm}'s
 * interface: the operands are copied into the wasm memory (a batch that broadcasts an
 * operand copies it once), multiplied there by the module's blocked `gemm`, and C copied
 * out. Transposes are only strides to the packing; C is kept padded to whole tiles.
 *
 * A large product is split between the calling thread and the GEMM's worker (see
 * `setGemmThreads`): both run `gemm` on one shared memory, on chunks of C's columns (or
 * rows) taken in turn, each with its own pack buffers. Other products run on one thread,
 * on a plain memory. (The two layouts differ by the worker's pack buffers, which is why
 * the copy-skipping below also compares the memory.) Each memory is kept between calls
 * (the plain one up to 64 MiB), so steady training allocates nothing here.
 */
export class WasmGemm {
  /** The operands copied last (the scratch address they went to): a batch that broadcasts one copies it once. */
  private lastA: { data: unknown; offset: number; at: number; memory: WebAssembly.Memory } | undefined;
  private lastB: { data: unknown; offset: number; at: number; memory: WebAssembly.Memory } | undefined;

  /**
   * @param m - rows of A and C
   * @param n - columns of B and C
   * @param k - columns of A, rows of B
   */
  constructor(
    readonly m: number,
    readonly n: number,
    readonly k: number,
  ) {}

  /**
   * Writes `A B` (A: m x k, B: k x n, float32) into `out` from `outOffset`, row-major m x n
   * with rows `outStride` floats apart (default n: packed); with an `epilogue` (rows packed
   * only), its bias and activation are applied as C is copied out.
   *
   * Operands that live in the shared WebAssembly memory (see `setTensorMemory`) are read
   * where they are, and C is written straight into `out` when it lives there too and is
   * whole tiles (m a multiple of 4, n of 8); the others are copied in and out.
   *
   * @returns false (having written nothing) when the wasm memory cannot hold the product;
   *   the caller then uses the JS GEMM
   */
  run(a: MatrixView, b: MatrixView, out: Float32Array, outOffset: number, epilogue?: RowWriter, outStride = this.n): boolean {
    const { m, n, k } = this;
    if (epilogue && outStride !== n) throw new BackendError('WasmGemm.run: an epilogue writes packed rows (outStride = n)');
    if (m === 0 || n === 0) return true;
    if (k === 0) {
      for (let i = 0; i < m; i++) out.fill(0, outOffset + i * outStride, outOffset + i * outStride + n);
      epilogue?.rows(out, outOffset, n, out, outOffset, m);
      return true;
    }
    const wide = accumulation === 'float64';
    const bytes = wide ? 8 : 4;
    // C padded to whole tiles (4 rows; 8 columns, which also covers f64's 4).
    const mp = roundUp(m, 4);
    const np = roundUp(n, 8);
    const aLen = extent(a, m, k);
    const bLen = extent(b, k, n);
    // A bias and relu/relu6 are applied in wasm, on C in place (a bias row of np floats
    // after B); other row writers run in TypeScript as C is copied out.
    const inWasm = epilogue instanceof Epilogue && epilogue.wasmCode >= 0 && epilogue.bias instanceof Float32Array;
    // A deep product is summed in parts of `depth` (whole KC blocks), each into its own C.
    const parts = wide ? 1 : depthParts(m, n, k);
    const depth = roundUp(Math.ceil(k / parts), 256);
    let split = parts > 1 ? planDepthSplit(m, n, k, parts, depth) : planSplit(m, n, k, wide);
    // Which operands are read, and whether C is written, in place in the shared memory.
    const arena = getArena();
    const aHere = arena?.owns(a.data as Float32Array) === true;
    const bHere = arena?.owns(b.data as Float32Array) === true;
    const cHere = arena?.owns(out) === true && mp === m && np === n && parts === 1 && !wide && (!epilogue || inWasm);
    // C's row stride in bytes: out's own where C is written in place, else whole tiles.
    const ldc = (cHere ? outStride : np) * bytes;
    // Scratch layout (bytes from its base, 16-aligned): this thread's pack buffers, the
    // worker's (split along rows: the two A buffers, then all of B packed once for both),
    // C (mp x np, one per part), A, B, the bias; the ones in place take no room.
    const packA = wide ? PACK_A.f64 : PACK_A.f32;
    const packB = wide ? PACK_B.f64 : PACK_B.f32;
    const sharedB = roundUp(split?.sharedBytes ?? 0, 16);
    const packs = !split ? packA + packB : sharedB ? 2 * packA + sharedB : 2 * (packA + packB);
    const cOff = packs;
    const aOff = cOff + (cHere ? 0 : parts * roundUp(mp * np * bytes, 16));
    const bOff = aOff + (aHere ? 0 : roundUp(aLen * 4, 16));
    const biasOff = bOff + (bHere ? 0 : roundUp(bLen * 4, 16));
    const end = biasOff + (inWasm ? np * 4 : 0);
    // Split products run on the shared memory; so do one-thread ones with an operand there.
    let inst: { exports: GemmEntry; memory: WebAssembly.Memory; base: number } | undefined;
    if (split) inst = sharedInstance('gemm', end) as typeof inst;
    if (!inst) split = undefined;
    if (!inst && arena && (aHere || bHere || cHere)) {
      const base = arena.scratch('gemm', end);
      const exports = arenaGemm<GemmEntry>();
      if (base >= 0 && exports) inst = { exports, memory: arena.memory, base };
    }
    if (!inst) {
      if (aHere || bHere || cHere) return this.runCopying(a, b, out, outOffset, epilogue, outStride);
      const held = plain.with(end);
      if (!held) return false;
      inst = { ...held, base: 0 };
    }
    const { gemm, demote, bias_act } = inst.exports;
    const { base } = inst;
    const heap = new Float32Array(inst.memory === arena?.memory ? arena.heap() : inst.memory.buffer);
    const aAt = aHere ? (a.data as Float32Array).byteOffset + a.offset * 4 : base + aOff;
    const bAt = bHere ? (b.data as Float32Array).byteOffset + b.offset * 4 : base + bOff;
    const cAt = cHere ? out.byteOffset + outOffset * 4 : base + cOff;
    const biasAt = base + biasOff;

    if (!aHere && (this.lastA?.data !== a.data || this.lastA.offset !== a.offset || this.lastA.at !== aAt || this.lastA.memory !== inst.memory)) {
      heap.set((a.data as Float32Array).subarray(a.offset, a.offset + aLen), aAt / 4);
      this.lastA = { data: a.data, offset: a.offset, at: aAt, memory: inst.memory };
    }
    if (!bHere && (this.lastB?.data !== b.data || this.lastB.offset !== b.offset || this.lastB.at !== bAt || this.lastB.memory !== inst.memory)) {
      heap.set((b.data as Float32Array).subarray(b.offset, b.offset + bLen), bAt / 4);
      this.lastB = { data: b.data, offset: b.offset, at: bAt, memory: inst.memory };
    }
    const [ars, acs, brs, bcs] = [a.rowStride * 4, a.colStride * 4, b.rowStride * 4, b.colStride * 4];
    const [pa, pb] = [base, base + (split && sharedB ? 2 * packA : packA)];
    const args: GemmArgs = [aAt, ars, acs, bAt, brs, bcs, cAt, ldc, m, n, k, pa, pb, wide ? 1 : 0];
    if (split) runSplit(args, split, sharedB ? [base + packA, pb] : [base + packA + packB, base + 2 * packA + packB]);
    else if (parts === 1) gemm(...args);
    else {
      for (let q = 0, at = 0; at < k; q++, at += depth) {
        gemm(aAt + at * acs, ars, acs, bAt + at * brs, brs, bcs, cAt + q * mp * ldc, ldc, m, n, Math.min(depth, k - at), pa, pb, 0);
      }
    }
    if (parts > 1) addParts(heap, cAt / 4, mp * np, parts);
    if (wide) demote(cAt, cAt, mp * np);
    if (inWasm) {
      const bias = (epilogue as Epilogue).bias as Float32Array;
      heap.fill(0, biasAt / 4 + n, biasAt / 4 + np);
      heap.set(bias, biasAt / 4);
      bias_act(cAt, cHere ? ldc : np * 4, m, np, biasAt, (epilogue as Epilogue).wasmCode);
    }
    if (cHere) return true;

    const c = heap.subarray(cAt / 4, cAt / 4 + mp * np);
    if (epilogue && !inWasm) epilogue.rows(c, 0, np, out, outOffset, m);
    else if (np === n && outStride === n) out.set(c.subarray(0, m * n), outOffset);
    else for (let i = 0; i < m; i++) out.set(c.subarray(i * np, i * np + n), outOffset + i * outStride);
    return true;
  }

  /** {@link WasmGemm.run} on the plain memory, every operand copied (where the shared memory has no room for the product's scratch). */
  private runCopying(a: MatrixView, b: MatrixView, out: Float32Array, outOffset: number, epilogue: RowWriter | undefined, outStride: number): boolean {
    const copy = (v: MatrixView, rows: number, cols: number): MatrixView => {
      const len = extent(v, rows, cols);
      return { ...v, data: (v.data as Float32Array).slice(v.offset, v.offset + len), offset: 0 };
    };
    const c = new Float32Array(this.m * this.n);
    if (!new WasmGemm(this.m, this.n, this.k).run(copy(a, this.m, this.k), copy(b, this.k, this.n), c, 0, epilogue)) return false;
    for (let i = 0; i < this.m; i++) out.set(c.subarray(i * this.n, (i + 1) * this.n), outOffset + i * outStride);
    return true;
  }

  /** Lets the plain memory go after a product that needed more than is worth keeping. */
  static release(): void {
    plain.release(KEEP_BYTES);
    getArena()?.trimScratch('gemm', KEEP_BYTES);
  }
}
