import { BackendError } from '@tessera/tensor';
import { arenaInstances, arenaModules, arenaVariant, arenaVector, getArena, whyNoArena } from './arena.js';

/**
 * Whether large float32 products use a second thread: `'auto'` (the default: products of
 * at least {@link THREAD_MIN_MACS} multiply-adds, once the worker is ready), `'off'` (one
 * thread), `'always'` (every product that can be split, as soon as the worker is ready:
 * for tests).
 */
export type GemmThreads = 'auto' | 'off' | 'always';

/** The direct-convolution module's entries (src/wasm/conv.wat). */
export interface ConvEntry {
  forward(params: number, first: number, end: number): void;
  filter_grad(params: number, first: number, end: number, chunk: number): void;
}

/** The GEMM module's entries (src/wasm/gemm.wat), all addresses and strides in bytes. */
export interface GemmEntry {
  /** Packs `count` lines of depth `kc` into panels of `w` (4 or 8) lines (float32). */
  pack(dst: number, src: number, lineStride: number, depthStride: number, count: number, kc: number, w: number): void;
  /** `pack` widening to float64, panels of 4. */
  pack64(dst: number, src: number, lineStride: number, depthStride: number, count: number, kc: number): void;
  /** C (+)= A B for one packed block, tiles of 4x8 (float32 sums). */
  macro(ap: number, bp: number, c: number, mr: number, nr: number, kc: number, ldc: number, add: number): void;
  /** `macro` in float64, tiles of 4x4. */
  macro64(ap: number, bp: number, c: number, mr: number, nr: number, kc: number, ldc: number, add: number): void;
  gemm(
    a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number, ldc: number,
    m: number, n: number, k: number, pa: number, pb: number, wide: number,
  ): void;
  demote(dst: number, src: number, count: number): void;
  /** The fused kernels' bias and relu/relu6, in place on C (see `bias_act` in gemm.wat). */
  bias_act(c: number, ldc: number, m: number, n: number, bias: number, act: number): void;
}

/** The arguments of one `gemm` call, in order (the pack buffers are the 12th and 13th). */
export type GemmArgs = [number, number, number, number, number, number, number, number, number, number, number, number, number, number];

/**
 * Below this many multiply-adds (m·n·k) a product stays on one thread in `'auto'`: waking
 * the worker (it sleeps between products that are far apart) and joining it cost tens of
 * microseconds. Measured with bench/src/threads.ts (2 cores, Zen 4): 128³ (2M) ran 2x
 * slower split, 32x784x512 (13M) 1.07x faster, 256³ (17M) 1.3x, 128x512x512 (34M) 1.5x,
 * 1024³ 1.8x.
 */
export const THREAD_MIN_MACS = 1 << 23;
/** The GEMM's scratch in the shared memory grows up to this; a product that needs more runs on one thread (on the plain memory). */
const SHARED_MAX_BYTES = 256 * 1024 * 1024;

// The control block, Int32 slots of a SharedArrayBuffer apart from the wasm memory.
/** Sequence number of the last job posted by the main thread (what the worker waits on). */
const REQ = 0;
/** The posted job: IDLE, POSTED (the worker may take it), TAKEN (it did), CLOSED (the main thread ran it all). */
const STATE = 1;
const IDLE = 0;
const POSTED = 1;
const TAKEN = 2;
const CLOSED = 3;
/** 0 while the worker starts, 1 once its instance is ready, -1 if it could not instantiate. */
const READY = 2;
/** Set by the worker when a job threw. */
const FAILED = 3;
/** The next chunk of the job to take (Atomics.add). */
const NEXT = 4;
/**
 * The job: chunk count, split along columns (0), rows (1) or depth (2), columns, rows or
 * depths per chunk, the worker's two pack buffers (for rows: its A buffer and the packed B
 * both threads share).
 */
const CHUNKS = 5;
const ALONG = 6;
const SIZE = 7;
const PACKS = 8;
/** The 14 `gemm` arguments of the whole product (the main thread's pack buffers). */
const ARGS = 10;
/**
 * The kind of job: GEMM_JOB, or a direct convolution (CONV_FORWARD, CONV_FILTER_GRAD, see
 * conv_direct.ts) over ARGS[0] output pixels in chunks of SIZE, each thread with its own
 * parameter block (the main thread's passed to {@link runConvSplit}, the worker's in PACKS).
 */
const KIND = ARGS + 14;
const GEMM_JOB = 0;
export const CONV_FORWARD = 1;
export const CONV_FILTER_GRAD = 2;
/**
 * A function of the vector module (VECTOR_FUNCS[ARGS[0]]) over ARGS[1] elements (or rows)
 * in chunks of SIZE: its ARGS[4] arguments in the job's float slots (FARGS), each moved by
 * its stride (the float slots from STRIDES: bytes per element for an array's address, 0
 * for the rest) times each chunk's first element, the one at ARGS[3] the count (each
 * chunk's own).
 */
const VECTOR_JOB = 3;
/** Which variant of the modules runs the job: 0 separate multiply-adds, 1 fused (see multiply_add.ts). */
const VARIANT = KIND + 1;
/** A rows job: how many of its first chunks pack B (a share of its columns each), and how many of those are done. */
const PACK_CHUNKS = VARIANT + 1;
const PACKED = VARIANT + 2;
const CTL_SLOTS = VARIANT + 3;

/** Float slots of a vector job: its arguments, then from STRIDES their strides (a SharedArrayBuffer of doubles beside the control block). */
const FARGS = 48;
const STRIDES = 24;
/** The slots of the job that {@link chunkLoop} reads, passed to it (the worker gets them as JSON). */
const JOB = { NEXT, CHUNKS, ALONG, SIZE, ARGS, KIND, VARIANT, STRIDES, PACK_CHUNKS, PACKED, VECTOR_FUNCS: ['rmsprop', 'adam', 'sgd', 'relu', 'relu_grad', 'binary', 'lstm_rows', 'lstm_grad_rows', 'gru_rows', 'gru_grad_rows', 'maxpool'] } as const;

/**
 * The chunk loop both threads run on one job: take the next chunk (Atomics.add on NEXT),
 * run `gemm` on its columns (or depths) of C with this thread's pack buffers, until none is
 * left; for a job along rows, the first chunks pack B once into `pb` (shared: each chunk a
 * share of its columns) and the others, once B is whole, pack their rows of A and run the
 * macro-kernel on them (see {@link planSplit}); for a convolution job, the direct kernel on
 * its range of output pixels with this thread's parameter block (`pa`); each on the
 * instance of the job's variant. It uses nothing but its arguments and globals, so the
 * worker runs the very same function from its source text (`chunkLoop.toString()` in
 * WORKER_SOURCE).
 */
function chunkLoop(
  exs: readonly GemmEntry[],
  cxs: readonly (ConvEntry | undefined)[],
  vx: Record<string, (...args: number[]) => void> | undefined,
  ctl: Int32Array,
  fargs: Float64Array,
  pa: number,
  pb: number,
  job: typeof JOB,
): void {
  const chunks = ctl[job.CHUNKS];
  const kind = ctl[job.KIND];
  const ex = exs[ctl[job.VARIANT]];
  const cx = cxs[ctl[job.VARIANT]];
  if (kind === 3) {
    const [fn, total, countAt, per, argc] = [vx![job.VECTOR_FUNCS[ctl[job.ARGS]]], ctl[job.ARGS + 1], ctl[job.ARGS + 3], ctl[job.SIZE], ctl[job.ARGS + 4]];
    const args = Array.from(fargs.subarray(0, argc));
    const strides = fargs.subarray(job.STRIDES, job.STRIDES + argc);
    const base = args.slice();
    for (let q = Atomics.add(ctl, job.NEXT, 1); q < chunks; q = Atomics.add(ctl, job.NEXT, 1)) {
      const first = q * per;
      for (let i = 0; i < args.length; i++) args[i] = base[i] + first * strides[i];
      args[countAt] = Math.min(per, total - first);
      fn(...args);
    }
    return;
  }
  if (kind !== 0) {
    const [pixels, per] = [ctl[job.ARGS], ctl[job.SIZE]];
    for (let q = Atomics.add(ctl, job.NEXT, 1); q < chunks; q = Atomics.add(ctl, job.NEXT, 1)) {
      const first = q * per;
      const end = Math.min(pixels, first + per);
      if (kind === 1) cx!.forward(pa, first, end);
      else cx!.filter_grad(pa, first, end, q);
    }
    return;
  }
  const along = ctl[job.ALONG];
  const size = ctl[job.SIZE];
  const [a, ars, acs, b, brs, bcs, c, ldc, m, n, k] = ctl.subarray(job.ARGS, job.ARGS + 11);
  const wide = ctl[job.ARGS + 13];
  const bytes = wide ? 8 : 4;
  if (along === 1) {
    // B packed as the one-thread gemm packs it, all of it at once: block p0 of depths (KC
    // 256 deep, kb here) from float p0 * np, its panel of columns from j0 at j0 * kb more.
    const [w, nc, packs] = [wide ? 4 : 8, wide ? 256 : 512, ctl[job.PACK_CHUNKS]];
    const np = Math.ceil(n / w) * w;
    const colsPer = Math.ceil(np / w / packs) * w;
    for (let q = Atomics.add(ctl, job.NEXT, 1); q < chunks; q = Atomics.add(ctl, job.NEXT, 1)) {
      if (q < packs) {
        try {
          const j0 = q * colsPer;
          const count = Math.min(colsPer, n - j0);
          for (let p0 = 0; count > 0 && p0 < k; p0 += 256) {
            const kb = Math.min(256, k - p0);
            const [dst, src] = [pb + bytes * (p0 * np + j0 * kb), b + p0 * brs + j0 * bcs];
            if (wide) ex.pack64(dst, src, bcs, brs, count, kb);
            else ex.pack(dst, src, bcs, brs, count, kb, 8);
          }
        } finally {
          // Counted even if it threw (the job then fails), so that no thread waits forever.
          Atomics.add(ctl, job.PACKED, 1);
        }
        continue;
      }
      // Every packing chunk was taken before this one: wait for the other thread's to end.
      while (Atomics.load(ctl, job.PACKED) < packs);
      const r0 = (q - packs) * size;
      const rows = Math.min(size, m - r0);
      for (let p0 = 0; p0 < k; p0 += 256) {
        const kb = Math.min(256, k - p0);
        const src = a + r0 * ars + p0 * acs;
        if (wide) ex.pack64(pa, src, ars, acs, rows, kb);
        else ex.pack(pa, src, ars, acs, rows, kb, 4);
        for (let j0 = 0; j0 < np; j0 += nc) {
          const args = [pa, pb + bytes * (p0 * np + j0 * kb), c + r0 * ldc + j0 * bytes, (rows + 3) & ~3, Math.min(nc, np - j0), kb, ldc, p0] as const;
          if (wide) ex.macro64(...args);
          else ex.macro(...args);
        }
      }
    }
    return;
  }
  for (let q = Atomics.add(ctl, job.NEXT, 1); q < chunks; q = Atomics.add(ctl, job.NEXT, 1)) {
    const at = q * size;
    if (along === 0) ex.gemm(a, ars, acs, b + at * bcs, brs, bcs, c + at * bytes, ldc, m, Math.min(size, n - at), k, pa, pb, wide);
    // Depth: part q of the sum into its own C, the q-th of a stack of C's (whole tiles tall), summed by the caller.
    else ex.gemm(a + at * acs, ars, acs, b + at * brs, brs, bcs, c + q * ldc * ((m + 3) & ~3), ldc, m, n, Math.min(size, k - at), pa, pb, wide);
  }
}

/**
 * The worker: instantiates the shared module on the shared memory, says it is ready, then
 * waits for jobs (Atomics.wait on the control block). It takes a job only if the main
 * thread has not already finished it (a compare-exchange on STATE), so a worker that the
 * system schedules late never holds the main thread up: the main thread takes chunks
 * too, and runs all of them if the worker does not come. It spins some microseconds
 * before sleeping, because a training step posts products back to back. Runs under
 * Node's worker_threads (\`eval\`, CommonJS: \`require\` exists) or as a Web Worker from
 * a Blob (the module, memory and control block come in one message).
 */
const WORKER_SOURCE = `
'use strict';
const work = ${chunkLoop.toString()};
const job = ${JSON.stringify(JOB)};
function serve(modules, convModules, vectorModule, memory, ctl, fargs) {
  let ex, cx, vx;
  try {
    const instance = (m) => m && new WebAssembly.Instance(m, { env: { memory } }).exports;
    ex = modules.map(instance);
    cx = convModules.map(instance);
    vx = instance(vectorModule);
  } catch (e) {
    Atomics.store(ctl, ${READY}, -1);
    Atomics.notify(ctl, ${READY});
    return;
  }
  Atomics.store(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  let seen = Atomics.load(ctl, ${REQ});
  for (;;) {
    for (let spin = 0; spin < 20000 && Atomics.load(ctl, ${REQ}) === seen; spin++);
    Atomics.wait(ctl, ${REQ}, seen);
    const seq = Atomics.load(ctl, ${REQ});
    if (seq === seen) continue;
    seen = seq;
    if (Atomics.compareExchange(ctl, ${STATE}, ${POSTED}, ${TAKEN}) !== ${POSTED}) continue;
    try {
      work(ex, cx, vx, ctl, fargs, ctl[${PACKS}], ctl[${PACKS + 1}], job);
    } catch (e) {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    Atomics.store(ctl, ${STATE}, ${IDLE});
    Atomics.notify(ctl, ${STATE});
  }
}
if (typeof require === 'function') {
  const { workerData } = require('node:worker_threads');
  const d = workerData;
  serve(d.modules, d.convModules, d.vectorModule, d.memory, d.ctl, d.fargs);
} else {
  self.onmessage = (e) => serve(e.data.modules, e.data.convModules, e.data.vectorModule, e.data.memory, e.data.ctl, e.data.fargs);
}
`;

/** What the main thread holds of a started worker. */
interface Pool {
  /** The main thread's instances of the shared module, on `memory`, by variant (VARIANT: the fused one where the engine has it). */
  readonly exports: readonly GemmEntry[];
  /** The main thread's instances of the shared direct-convolution module, by variant, where it compiled. */
  readonly conv: readonly (ConvEntry | undefined)[];
  /** The main thread's instance of the shared vector module, where it compiled. */
  readonly vector: Record<string, (...args: number[]) => void> | undefined;
  readonly memory: WebAssembly.Memory;
  readonly ctl: Int32Array;
  /** A vector job's arguments (see VECTOR_JOB). */
  readonly fargs: Float64Array;
  /** Terminates the worker. */
  readonly stop: () => void;
  seq: number;
}

let mode: GemmThreads = 'auto';
let pool: Pool | undefined;
/** Why threads cannot run here (computed once), or `''` where they can. */
let unavailable: string | undefined;
/** Why the worker failed, once it has. */
let failure: string | undefined;
/** Products split between the threads so far (for tests and the bench). */
let splitCount = 0;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (e: unknown) => void): void;
}
type NodeWorkerClass = new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** Node's `worker_threads.Worker`, synchronously (process.getBuiltinModule, Node 20.16+), or undefined. */
function nodeWorkerClass(): NodeWorkerClass | undefined {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc?.versions?.node || typeof proc.getBuiltinModule !== 'function') return undefined;
  return (proc.getBuiltinModule('node:worker_threads') as { Worker?: NodeWorkerClass } | undefined)?.Worker;
}

/**
 * Why this runtime cannot run the GEMM on two threads, or `''` if it can: it needs shared
 * WebAssembly memory (SharedArrayBuffer; in browsers, a cross-origin-isolated page), a
 * way to start a worker (Node's worker_threads, or Web Workers), and a thread that may
 * block in `Atomics.wait` (not a browser's main thread: there the GEMM stays on one thread,
 * and runs on two inside a Web Worker).
 */
function whyUnavailable(): string {
  if (unavailable !== undefined) return unavailable;
  const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown; WorkerGlobalScope?: unknown; Worker?: unknown };
  unavailable = '';
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object' || typeof WebAssembly !== 'object') {
    unavailable = 'this runtime has no SharedArrayBuffer (in browsers: the page is not cross-origin isolated)';
  } else if (!nodeWorkerClass()) {
    if (g.crossOriginIsolated !== true) unavailable = 'the page is not cross-origin isolated, so memory cannot be shared with a worker';
    else if (g.WorkerGlobalScope === undefined) unavailable = "a browser's main thread may not block in Atomics.wait; run Tessera in a Web Worker for two threads";
    else if (typeof g.Worker !== 'function') unavailable = 'this worker cannot start a nested Web Worker';
  }
  if (!unavailable) unavailable = whyNoArena();
  return unavailable;
}


/** Starts the worker (once) on the arena's shared memory and modules (arena.ts): makes the control block, spawns. */
function start(): Pool | undefined {
  if (pool || failure !== undefined || whyUnavailable()) return pool;
  try {
    // The worker instantiates the arena's modules on its memory, as this thread has (arena.ts).
    const arena = getArena();
    const shared = arenaModules();
    const mine = arenaInstances<GemmEntry, ConvEntry>();
    if (!arena || !shared || !mine) throw new Error('the shared memory is unavailable');
    const [modules, convModules, vectorModule, memory] = [shared.gemm, shared.conv, shared.vector, arena.memory];
    const ctl = new Int32Array(new SharedArrayBuffer(CTL_SLOTS * 4));
    const fargs = new Float64Array(new SharedArrayBuffer(FARGS * 8));
    const [exports, conv, vector] = [mine.gemm, mine.conv, arenaVector<Record<string, (...args: number[]) => void>>()];
    const workerData = { modules, convModules, vectorModule, memory, ctl, fargs };
    const NodeWorker = nodeWorkerClass();
    let stop: () => void;
    if (NodeWorker) {
      const w = new NodeWorker(WORKER_SOURCE, { eval: true, workerData });
      // The worker must not keep Node alive: it sleeps in Atomics.wait between products.
      w.unref();
      w.on('error', (e) => fail(`the GEMM worker failed: ${(e as Error)?.message ?? String(e)}`));
      stop = () => void w.terminate();
    } else {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      const w = new Worker(url);
      URL.revokeObjectURL(url);
      w.onerror = (e) => fail(`the GEMM worker failed: ${e.message}`);
      w.postMessage(workerData);
      stop = () => w.terminate();
    }
    pool = { exports, conv, vector, memory, ctl, fargs, stop, seq: 0 };
  } catch (e) {
    fail(`the GEMM worker could not start: ${(e as Error).message}`);
  }
  return pool;
}

function fail(why: string): void {
  failure = why;
  pool?.stop();
  pool = undefined;
}

/** Whether the worker has its instance and waits for jobs (never blocks; starts it if needed). */
function readyPool(): Pool | undefined {
  const p = start();
  if (!p) return undefined;
  const state = Atomics.load(p.ctl, READY);
  if (state === -1) fail('the GEMM worker could not instantiate the shared module');
  return state === 1 ? pool : undefined;
}

/** How to split one product between the two threads: into chunks of C's columns or rows, taken in turn. */
export interface Split {
  readonly along: 'cols' | 'rows' | 'depth';
  /** Columns (a multiple of 8), rows (a multiple of 4) or depths (see {@link depthParts}) per chunk. */
  readonly size: number;
  /** Chunks of C (for rows, after the `packs` chunks that pack B). */
  readonly chunks: number;
  /** Along rows: the chunks that first pack B, once, into the buffer both threads read. */
  readonly packs?: number;
  /** Along rows: the bytes of that buffer, all of B packed (k x n, columns rounded up to whole panels). */
  readonly sharedBytes?: number;
}

/** Column chunks per product: more balance the threads better (a late worker costs less), fewer pack A fewer times. */
const CHUNKS_PER_PRODUCT = 4;
/**
 * Along rows, C is cut in about this many chunks (of 4 to MC rows): B is packed once for
 * all of them, so small chunks cost little more, and the thread that finishes first waits
 * at most one small chunk for the other. In the MLP's epoch the main thread waited
 * 0.18-0.28 ms a product for the worker with four chunks (column chunks, each packing A),
 * 0.05-0.1 ms with 16 chunks of rows and 0.02-0.04 ms with 32.
 */
const ROW_CHUNKS = 32;
/** From this many rows C is split along rows (at least 8 chunks of a tile); shorter, along columns. */
const ROWS_MIN = 32;
/** The most bytes of B packed whole for a split along rows of a large product (see {@link planSplit}). */
const SHARED_B_MAX_BYTES = 8 * 1024 * 1024;
/**
 * From this many multiply-adds (512³) a product at least as wide as tall is split in one
 * chunk of columns per thread, GotoBLAS's way (each thread's blocks of B stay in its L2
 * while all of A streams past): a worker that starts late costs little next to it, and
 * split along rows every chunk would read all of a B too large for L2 (1024³: 80-88
 * against 88-97 GFLOP/s, alternating runs).
 */
const ONE_CHUNK_EACH_MACS = 1 << 27;

/**
 * The split for an `m x n x k` product (`wide`: summed in float64), or undefined to stay
 * on one thread: none when the threads are off, unavailable or the worker not ready yet (it
 * starts on the first large product, so the ones before it is ready run on one thread), or
 * in `'auto'` below {@link THREAD_MIN_MACS}. C of at least {@link ROWS_MIN} rows (or too
 * narrow for columns) is split along rows: B is packed once, shared, by the first chunks
 * (up to 4, a share of its columns each), and about {@link ROW_CHUNKS} chunks of rows each
 * pack their rows of A and multiply. A shorter C is split along columns, each chunk packing
 * its columns of B and all of A; so is a large C at least as wide as tall, or whose B
 * packed whole would pass {@link SHARED_B_MAX_BYTES} (see {@link ONE_CHUNK_EACH_MACS}). At
 * whole tiles.
 */
export function planSplit(m: number, n: number, k: number, wide = false): Split | undefined {
  if (mode === 'off' || (mode === 'auto' && m * n * k < THREAD_MIN_MACS)) return undefined;
  const large = m * n * k >= ONE_CHUNK_EACH_MACS;
  // All of B packed at once takes about B's own size again: beyond SHARED_B_MAX_BYTES a large
  // product keeps GotoBLAS's blocks (columns) unless C is too narrow for them.
  const w = wide ? 4 : 8;
  const sharedBytes = k * Math.ceil(n / w) * w * (wide ? 8 : 4);
  const rows = large ? m > 4 && (n <= 8 || (m > n && sharedBytes <= SHARED_B_MAX_BYTES)) : m >= ROWS_MIN || (n <= 8 && m > 4);
  const along = rows ? 'rows' : n > 8 ? 'cols' : undefined;
  if (!along || !readyPool()) return undefined;
  if (along === 'rows') {
    // Whole tiles, at most the pack buffer's MC rows of A.
    const size = Math.min(wide ? 128 : 256, Math.max(4, Math.ceil(m / ROW_CHUNKS / 4) * 4));
    const panels = Math.ceil(n / w);
    return { along, size, chunks: Math.ceil(m / size), packs: Math.min(4, Math.ceil(panels / 8)), sharedBytes };
  }
  const tiles = Math.ceil(n / 8);
  const chunks = large ? 2 : CHUNKS_PER_PRODUCT;
  const size = Math.ceil(tiles / Math.min(chunks, tiles)) * 8;
  return { along, size, chunks: Math.ceil(n / size) };
}

/**
 * Into how many parts of its depth a float32 product is cut, each summed into a C of its
 * own and the C's added at the end: 2 for a product far deeper than it is wide and tall
 * (k >= 1024 and >= 8 max(m, n): a dense layer on a flattened image, 128x4608 @ 4608x128),
 * else 1. Split by columns, such a product would pack all of A once per chunk, and A is
 * most of the work there; by depth each thread packs half of A and half of B once. The
 * parts depend on the shape alone, so one thread (running them in turn) and two give the
 * same sums.
 */
export function depthParts(m: number, n: number, k: number): number {
  return k >= 1024 && k >= 8 * Math.max(m, n) ? 2 : 1;
}

/** The split of a product cut into `parts` of `size` depths (see {@link depthParts}) between the two threads, as {@link planSplit} decides whether to split. */
export function planDepthSplit(m: number, n: number, k: number, parts: number, size: number): Split | undefined {
  if (mode === 'off' || (mode === 'auto' && m * n * k < THREAD_MIN_MACS) || !readyPool()) return undefined;
  return { along: 'depth', size, chunks: parts };
}

/**
 * The main thread's instance on the shared memory (of the variant in force) and the address
 * of a scratch block of at least `bytes` there (the `key` family's, see `Arena.scratch`);
 * undefined when the worker is gone or the block cannot be had.
 */
export function sharedInstance(key: string, bytes: number): { exports: GemmEntry; memory: WebAssembly.Memory; base: number } | undefined {
  const p = pool;
  const arena = getArena();
  if (!p || !arena || bytes > SHARED_MAX_BYTES) return undefined;
  const base = arena.scratch(key, bytes);
  return base < 0 ? undefined : { exports: p.exports[arenaVariant()], memory: p.memory, base };
}

/**
 * Runs the product `args` (the `gemm` arguments of all of C, with the main thread's pack
 * buffers) in the chunks of `split`, on this thread and the worker (whose pack buffers
 * are at `workerPacks`; along rows the second of each pair is the one buffer B is packed
 * into for both), and returns when all are done. The worker is offered the job
 * first; this thread then takes chunks itself, and at the end waits only for a chunk the
 * worker is still running (spinning briefly, then in Atomics.wait).
 */
export function runSplit(args: GemmArgs, split: Split, workerPacks: readonly [number, number]): void {
  const packs = split.packs ?? 0;
  runJob(GEMM_JOB, args, packs + split.chunks, split.size, { cols: 0, rows: 1, depth: 2 }[split.along], workerPacks, args[11], args[12], undefined, packs);
}

/**
 * Runs a direct convolution (`kind` CONV_FORWARD or CONV_FILTER_GRAD) over `pixels` output
 * pixels on both threads, in chunks of `per` pixels taken in turn: this thread with the
 * parameter block at `mainParams`, the worker with the one at `workerParams` (both written
 * by the caller in the shared memory, see conv_direct.ts). `meanwhile`, if given, runs on
 * this thread once the job is posted and before it takes chunks, so that the caller's copies
 * of another band overlap the worker's share (it must not touch this job's memory).
 * Returns when all are done.
 */
export function runConvSplit(
  kind: typeof CONV_FORWARD | typeof CONV_FILTER_GRAD,
  pixels: number,
  per: number,
  mainParams: number,
  workerParams: number,
  meanwhile?: () => void,
): void {
  const args = new Array(14).fill(0) as GemmArgs;
  args[0] = pixels;
  runJob(kind, args, Math.ceil(pixels / per), per, 0, [workerParams, 0], mainParams, 0, meanwhile);
}

/**
 * Below this many elements an elementwise function stays on one thread in `'auto'` (waking the
 * worker costs tens of microseconds): the updates with square roots and divisions (Adam,
 * RMSprop) from 32k; the passes that only stream memory (relu, its gradient, arithmetic, SGD)
 * from 128k, as they gain less from a second core. In the bench's MLP step the relu gradient
 * of 128x512 (65k elements, three calls) took 0.28-0.43 ms split and 0.17-0.21 ms on one thread.
 */
const VECTOR_THREAD_MIN: Readonly<Record<string, number>> = { rmsprop: 1 << 15, adam: 1 << 15 };
const STREAM_THREAD_MIN = 1 << 17;
/** Elements per chunk of a vector job: a multiple of 16, so that no chunk's rounding up to whole vectors writes into the next. */
const VECTOR_CHUNK = 1 << 14;

/**
 * Runs the vector module's elementwise function `name` (one of the worker's, see
 * VECTOR_JOB) on both threads, if the threads are on and `n` large enough (`'auto'`):
 * `args` its arguments for all `n` elements, `addresses` the indices of those that are byte
 * addresses of float32 arrays in the shared memory, `countAt` the index of the count.
 * Returns false (having run nothing) where it stays on one thread.
 */
export function runVectorSplit(name: string, args: readonly number[], addresses: readonly number[], countAt: number, n: number): boolean {
  const strides = args.map((_, i) => (addresses.includes(i) ? 4 : 0));
  return runRowsSplit(name, args, strides, countAt, n, VECTOR_CHUNK, n, VECTOR_THREAD_MIN[name] ?? STREAM_THREAD_MIN);
}

/**
 * Runs the vector module's `name` over `rows` rows on both threads, `per` rows a chunk:
 * `args` its arguments for all rows, `strides` the bytes each moves per row (a row of an
 * array's address, 0 for the others), `countAt` the index of the row count. Returns false
 * (having run nothing) where it stays on one thread: threads off or not ready, one chunk,
 * or in `'auto'` a `work` (elements, units...) below the caller's `autoMin`.
 */
export function runRowsSplit(
  name: string, args: readonly number[], strides: readonly number[], countAt: number, rows: number, per: number, work: number, autoMin: number,
): boolean {
  const fn = (JOB.VECTOR_FUNCS as readonly string[]).indexOf(name);
  if (fn < 0 || mode === 'off' || (mode === 'auto' && work < autoMin) || rows <= per || !readyPool() || !pool!.vector) return false;
  const p = pool!;
  p.fargs.set(args);
  p.fargs.set(strides, STRIDES);
  const job = new Array(14).fill(0) as GemmArgs;
  [job[0], job[1], job[3], job[4]] = [fn, rows, countAt, args.length];
  runJob(VECTOR_JOB, job, Math.ceil(rows / per), per, 0, [0, 0], 0, 0);
  return true;
}

/** Posts one job to the worker, runs `meanwhile` then chunks on this thread too, and waits for the worker's last chunk. */
function runJob(
  kind: number,
  args: GemmArgs,
  chunks: number,
  size: number,
  along: number,
  workerPacks: readonly [number, number],
  pa: number,
  pb: number,
  meanwhile?: () => void,
  packs = 0,
): void {
  const p = pool;
  if (!p) throw new BackendError('the GEMM worker is not running');
  const { ctl } = p;
  ctl.set(args, ARGS);
  ctl[PACK_CHUNKS] = packs;
  ctl[PACKED] = 0;
  ctl[KIND] = kind;
  ctl[CHUNKS] = chunks;
  ctl[ALONG] = along;
  ctl[SIZE] = size;
  ctl[PACKS] = workerPacks[0];
  ctl[PACKS + 1] = workerPacks[1];
  ctl[VARIANT] = arenaVariant();
  Atomics.store(ctl, NEXT, 0);
  Atomics.store(ctl, STATE, POSTED);
  const seq = (p.seq = (p.seq + 1) | 0);
  Atomics.store(ctl, REQ, seq);
  Atomics.notify(ctl, REQ);
  try {
    meanwhile?.();
    chunkLoop(p.exports, p.conv, p.vector, ctl, p.fargs, pa, pb, JOB);
  } finally {
    // Even if this thread's chunks threw, the worker must be done with the memory.
    if (Atomics.compareExchange(ctl, STATE, POSTED, CLOSED) !== POSTED) {
      for (let spin = 0; spin < 100000 && Atomics.load(ctl, STATE) === TAKEN; spin++);
      while (Atomics.load(ctl, STATE) === TAKEN) Atomics.wait(ctl, STATE, TAKEN);
    }
  }
  splitCount++;
  if (Atomics.exchange(ctl, FAILED, 0) !== 0) throw new BackendError('the GEMM worker failed on its share of a job');
}

/**
 * The pool's shared memory and direct-convolution instance, grown to `bytes`, for a
 * convolution of `macs` multiply-adds to split between the threads; undefined where it
 * stays on one thread (threads off or not ready, too small in `'auto'`, no module).
 */
export function convSplitInstance(macs: number, bytes: number): { conv: ConvEntry; memory: WebAssembly.Memory; base: number } | undefined {
  if (mode === 'off' || (mode === 'auto' && macs < THREAD_MIN_MACS) || !readyPool()) return undefined;
  const p = pool;
  const conv = p?.conv[arenaVariant()];
  const inst = conv && sharedInstance('conv', bytes);
  return inst ? { conv: conv!, memory: p!.memory, base: inst.base } : undefined;
}

/** Whether this runtime can run the GEMM on two threads (see {@link setGemmThreads}). */
export function gemmThreadsAvailable(): boolean {
  return whyUnavailable() === '' && failure === undefined;
}

/** The thread setting of the GEMM now. */
export function getGemmThreads(): GemmThreads {
  return mode;
}

/**
 * Chooses whether float32 matrix products (MatMul and the convolutions' GEMMs) use a
 * second thread. The default, `'auto'`, splits products of at least 2^23 multiply-adds
 * between the calling thread and one worker (Node's worker_threads, or a Web Worker where
 * the page is cross-origin isolated and Tessera itself runs in a worker), sharing one
 * WebAssembly memory. Where threads are unavailable everything runs on one thread, as
 * with `'off'`. `'always'` splits every product that has at least two tiles, for tests.
 *
 * The worker starts on the first product that would use it and is ready some
 * milliseconds later; products before that run on one thread. `await gemmThreadsReady()`
 * waits for it.
 *
 * @param threads - `'auto'`, `'off'` or `'always'`
 * @returns the setting before
 * @throws BackendError for another value, or for `'always'` where threads are unavailable
 * @example
 * ```ts
 * import { setGemmThreads } from '@tessera/cpu-backend';
 * const before = setGemmThreads('off'); // one thread, e.g. to compare
 * setGemmThreads(before);
 * ```
 */
export function setGemmThreads(threads: GemmThreads): GemmThreads {
  if (threads !== 'auto' && threads !== 'off' && threads !== 'always') {
    throw new BackendError(`setGemmThreads: expected 'auto', 'off' or 'always' but got ${String(threads)}`);
  }
  if (threads === 'always' && !gemmThreadsAvailable()) {
    throw new BackendError(`setGemmThreads: 'always' needs a second thread, which is unavailable here: ${failure ?? whyUnavailable()}`);
  }
  const before = mode;
  mode = threads;
  return before;
}

/**
 * Starts the GEMM's worker if it is not running and resolves once it is ready: true, or
 * false where threads are unavailable (or the worker failed).
 *
 * @example
 * ```ts
 * import { gemmThreadsReady } from '@tessera/cpu-backend';
 * await gemmThreadsReady(); // true in Node: large products now use both threads
 * ```
 */
export async function gemmThreadsReady(): Promise<boolean> {
  const p = start();
  if (!p) return false;
  for (let waited = 0; waited < 30_000; waited += 2) {
    const state = Atomics.load(p.ctl, READY);
    if (state !== 0) return readyPool() !== undefined;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  fail('the GEMM worker did not start within 30 s');
  return false;
}

/** How many products ran split between the two threads so far (for tests and benchmarks). */
export function gemmThreadSplits(): number {
  return splitCount;
}
