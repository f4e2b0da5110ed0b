import { BackendError, type DType, type TypedArray } from '@tessera/tensor';
import { CONV_WASM_BYTES } from '../wasm/conv_wasm.js';
import { GEMM_WASM_BYTES } from '../wasm/gemm_wasm.js';
import { VECTOR_WASM_BYTES } from '../wasm/vector_wasm.js';
import { decodeBytes } from './bytes.js';
import { fuseMultiplyAdds, fusedMultiplyAddAvailable, getWasmMultiplyAdd } from './multiply_add.js';
import { sharedTwin } from './shared_twin.js';
import { compile } from './wasm_module.js';

/**
 * Where the CPU backend keeps tensors' values: `'wasm'` (the default where the runtime has
 * shared WebAssembly memory) in one WebAssembly memory that every WebAssembly kernel reads
 * and writes in place, or `'js'`: ordinary typed arrays, which the kernels copy into their
 * modules' memory and back.
 */
export type TensorMemory = 'wasm' | 'js';

const PAGE = 65536;
/** Pages the memory may grow to (1 GiB): what the shared twins of the modules declare. */
export const ARENA_MAX_PAGES = 16384;
/** Blocks start on cache lines (and so on the 16 bytes SIMD loads like). */
const ALIGN = 64;
/** Arrays shorter than this stay ordinary typed arrays: cheap to make, cheap to copy. */
export const ARENA_MIN_LENGTH = 256;

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/**
 * The size class of a block of `bytes`: whole cache lines up to 1 KiB, then eighths of the
 * power of two below it, so a freed block serves any request of its class (at most 12.5%
 * of a block is slack) and a training step, which frees and asks for the same sizes every
 * step, reuses its blocks.
 */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, roundUp(bytes, ALIGN));
  if (b <= 1024) return b;
  const step = 2 ** Math.floor(Math.log2(b)) / 8;
  return Math.ceil(b / step) * step;
}

/** The typed-array class of each dtype's storage. */
const VIEW = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * The bin of a free block of `bytes` (a multiple of ALIGN): the index of the largest size
 * class not above it. Every block in the bin of a class holds a request of that class.
 */
function binOf(bytes: number): number {
  if (bytes < 1024) return bytes / ALIGN - 1;
  const log = 31 - Math.clz32(bytes);
  return 16 + (log - 10) * 8 + Math.floor((bytes - 2 ** log) / 2 ** (log - 3));
}

/** A free block: its size, its bin and its place in the bin's list. */
interface FreeBlock {
  size: number;
  bin: number;
  slot: number;
}

/**
 * One shared WebAssembly memory and the blocks of it in use: tensors' arrays (views into
 * the memory, see {@link Arena.array}) and each kernel family's scratch space. A classic
 * coalescing allocator: a freed block merges with free neighbours (and a free block that
 * ends at the top goes back to the top); free blocks sit in bins by size class; a request
 * takes the block freed last in its class's bin (a training step frees and asks for the
 * same sizes every step, so it usually gets the very block it had), else one from the next
 * bin that has any, cut to size, the rest staying free; only when no free block holds it
 * does it come from the top, growing the memory if need be. So a workload whose sizes
 * change (another model, another batch size) reuses what the old sizes freed instead of
 * growing by them. A WebAssembly memory cannot shrink: its size is the most that was ever
 * in use at once, plus fragmentation. Shared, because views into a shared memory stay
 * valid when it grows (a plain memory's would be detached), and because the GEMM's worker
 * thread works in the same memory.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  /** Every buffer object the memory has had (one per size): a view on any of them is the arena's. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private buffer: ArrayBufferLike;
  private top = ALIGN;
  /** Blocks in use: address to size class. */
  private readonly live = new Map<number, number>();
  /** Free blocks by address. */
  private readonly free = new Map<number, FreeBlock>();
  /** The address of the free block that ends at each address. */
  private readonly freeEnds = new Map<number, number>();
  /** Free blocks' addresses by bin. */
  private readonly bins: number[][] = [];
  private readonly scratches = new Map<string, { at: number; bytes: number }>();
  /** Bytes of blocks in use (tensors and scratch), for tests. */
  liveBytes = 0;

  constructor(readonly maxBytes = ARENA_MAX_PAGES * PAGE) {
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: ARENA_MAX_PAGES, shared: true });
    this.buffer = this.memory.buffer;
    this.buffers.add(this.buffer);
  }

  /** The address of a new block of at least `bytes` (its contents undefined), or -1 where the memory cannot hold it. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    let at = -1;
    for (let bin = binOf(size); bin < this.bins.length; bin++) {
      const list = this.bins[bin];
      if (list.length === 0) continue;
      at = list[list.length - 1];
      const rest = this.free.get(at)!.size - size;
      this.unfree(at);
      if (rest > 0) this.addFree(at + size, rest);
      break;
    }
    if (at < 0) {
      if (this.top + size > this.maxBytes || !this.reach(this.top + size)) return -1;
      at = this.top;
      this.top += size;
    }
    this.live.set(at, size);
    this.liveBytes += size;
    return at;
  }

  /** Gives the block at `at` back. */
  release(at: number): void {
    let size = this.live.get(at);
    if (size === undefined) throw new BackendError(`cpu backend: the WebAssembly memory has no block in use at ${at} (freed twice?)`);
    this.live.delete(at);
    this.liveBytes -= size;
    const before = this.freeEnds.get(at);
    if (before !== undefined) {
      size += at - before;
      at = before;
      this.unfree(before);
    }
    const after = this.free.get(at + size);
    if (after) {
      this.unfree(at + size);
      size += after.size;
    }
    if (at + size === this.top) this.top = at;
    else this.addFree(at, size);
  }

  /** Bytes from the start of the memory to the end of the highest block in use (the top). */
  get usedBytes(): number {
    return this.top;
  }

  private addFree(at: number, size: number): void {
    const bin = binOf(size);
    while (this.bins.length <= bin) this.bins.push([]);
    const list = this.bins[bin];
    this.free.set(at, { size, bin, slot: list.length });
    this.freeEnds.set(at + size, at);
    list.push(at);
  }

  /** Takes the free block at `at` out of the free blocks (its bin's last block takes its slot). */
  private unfree(at: number): void {
    const block = this.free.get(at)!;
    const list = this.bins[block.bin];
    const last = list.pop()!;
    if (last !== at) {
      list[block.slot] = last;
      this.free.get(last)!.slot = block.slot;
    }
    this.free.delete(at);
    this.freeEnds.delete(at + block.size);
  }

  /** Grows the memory to at least `bytes`, by a quarter of its size at least (fewer, larger grows); false where it cannot. */
  private reach(bytes: number): boolean {
    const have = this.memory.buffer.byteLength / PAGE;
    const need = Math.ceil(bytes / PAGE);
    if (need <= have) return true;
    for (const pages of [Math.min(ARENA_MAX_PAGES, Math.max(need, Math.ceil(have * 1.25))), need]) {
      try {
        this.memory.grow(pages - have);
        this.heap();
        return true;
      } catch {
        // A smaller grow may still succeed.
      }
    }
    return false;
  }

  /** A new array of `dtype` and `length` in the memory (contents undefined), or undefined where it does not fit. */
  array(dtype: DType, length: number): TypedArray | undefined {
    const View = VIEW[dtype];
    const at = this.alloc(length * View.BYTES_PER_ELEMENT);
    return at < 0 ? undefined : new View(this.buffer as ArrayBuffer, at, length);
  }

  /** Whether `values` is a view into this memory (then its `byteOffset` is its address). */
  owns(values: ArrayBufferView): boolean {
    return this.buffers.has(values.buffer);
  }

  /** Gives back the block of `values`, an array from {@link Arena.array}. */
  releaseArray(values: ArrayBufferView): void {
    this.release(values.byteOffset);
  }

  /**
   * The address of the scratch block of `key` (one kernel family's), at least `bytes` long:
   * kept between calls, replaced by a larger one when a call needs more; -1 where it cannot
   * be had. Calls of one family do not nest, so one block per family is enough.
   */
  scratch(key: string, bytes: number): number {
    const held = this.scratches.get(key);
    if (held && held.bytes >= bytes) return held.at;
    if (held) {
      this.release(held.at);
      this.scratches.delete(key);
    }
    const at = this.alloc(bytes);
    if (at < 0) return -1;
    this.scratches.set(key, { at, bytes: sizeClass(bytes) });
    return at;
  }

  /** Lets the scratch block of `key` go if it is larger than `keep` bytes (after a product that needed much more than usual). */
  trimScratch(key: string, keep: number): void {
    const held = this.scratches.get(key);
    if (!held || held.bytes <= keep) return;
    this.release(held.at);
    this.scratches.delete(key);
  }

  /** A view of all the memory as it is now (it may grow after). */
  heap(): ArrayBuffer {
    if (this.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.buffer = this.memory.buffer;
      this.buffers.add(this.buffer);
    }
    return this.buffer as ArrayBuffer;
  }
}

/** The modules instantiable on the arena (their shared twins), by variant: 0 as written, 1 with fused multiply-adds. */
export interface ArenaModules {
  readonly gemm: readonly WebAssembly.Module[];
  readonly conv: readonly (WebAssembly.Module | undefined)[];
  readonly vector: WebAssembly.Module | undefined;
}

/**
 * The module `text` on shared memory (its shared twin), as written and (where the engine
 * has relaxed SIMD and `fusable`) with fused multiply-adds: by variant, undefined where one does not compile.
 */
function sharedModules(text: string, fusable: boolean): (WebAssembly.Module | undefined)[] {
  const bytes = sharedTwin(decodeBytes(text), ARENA_MAX_PAGES);
  const variants = fusable && fusedMultiplyAddAvailable() ? [bytes, fuseMultiplyAdds(bytes).bytes] : [bytes];
  return variants.map((b) => compile(b) ?? undefined);
}

let mode: TensorMemory | undefined;
let arena: Arena | undefined;
let modules: ArenaModules | undefined;
/** Why there is no shared memory here (computed once), or `''` where there is. */
let unavailable: string | undefined;
const instances = new Map<WebAssembly.Module, WebAssembly.Exports>();

/**
 * Why this runtime cannot keep tensors in shared WebAssembly memory, or `''` if it can: it
 * needs SharedArrayBuffer (in browsers, a cross-origin-isolated page) and WebAssembly SIMD
 * with threads (the GEMM's shared twin must compile).
 */
export function whyNoArena(): string {
  if (unavailable !== undefined) return unavailable;
  unavailable = '';
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object' || typeof WebAssembly !== 'object') {
    unavailable = 'this runtime has no SharedArrayBuffer (in browsers: the page is not cross-origin isolated)';
    return unavailable;
  }
  try {
    const gemm = sharedModules(GEMM_WASM_BYTES, true);
    if (!gemm[0]) unavailable = 'this WebAssembly engine lacks SIMD or shared memory';
    else {
      modules = {
        gemm: gemm.filter((m) => m !== undefined),
        conv: sharedModules(CONV_WASM_BYTES, true),
        vector: sharedModules(VECTOR_WASM_BYTES, false)[0],
      };
      arena = new Arena();
    }
  } catch (e) {
    unavailable = `shared WebAssembly memory is unavailable (${(e as Error).message})`;
  }
  return unavailable;
}

/** The shared memory and its allocator, or undefined where the runtime has none (made on first use). */
export function getArena(): Arena | undefined {
  return whyNoArena() === '' ? arena : undefined;
}

/** The compiled shared twins (for the GEMM's worker), or undefined where there is no arena. */
export function arenaModules(): ArenaModules | undefined {
  return getArena() && modules;
}

/** The exports of `module`'s instance on the arena memory (one per module, made on first use). */
function instanceOf<E>(module: WebAssembly.Module, memory: WebAssembly.Memory): E {
  let ex = instances.get(module);
  if (!ex) instances.set(module, (ex = new WebAssembly.Instance(module, { env: { memory } }).exports));
  return ex as unknown as E;
}

/** The variant the WebAssembly kernels run now: 1 (fused multiply-adds) where chosen and compiled, else 0. */
export function arenaVariant(): number {
  return getWasmMultiplyAdd() === 'fused' && modules !== undefined && modules.gemm.length > 1 ? 1 : 0;
}

/** This thread's instance of the GEMM module on the arena memory, in the variant in force. */
export function arenaGemm<E>(): E | undefined {
  const a = getArena();
  return a && instanceOf<E>(modules!.gemm[arenaVariant()], a.memory);
}

/** This thread's instance of the vector module on the arena memory, where it compiled. */
export function arenaVector<E>(): E | undefined {
  const a = getArena();
  return a && modules!.vector ? instanceOf<E>(modules!.vector, a.memory) : undefined;
}

/** This thread's instances of the GEMM module and of the direct-convolution module on the arena memory, by variant (for the GEMM's threads). */
export function arenaInstances<G, C>(): { gemm: G[]; conv: (C | undefined)[] } | undefined {
  const a = getArena();
  if (!a) return undefined;
  return {
    gemm: modules!.gemm.map((m) => instanceOf<G>(m, a.memory)),
    conv: modules!.conv.map((m) => (m ? instanceOf<C>(m, a.memory) : undefined)),
  };
}

/** Whether tensors can live in WebAssembly memory here (see {@link setTensorMemory}). */
export function wasmTensorMemoryAvailable(): boolean {
  return whyNoArena() === '';
}

/** Where the CPU backend keeps new tensors' values now (see {@link setTensorMemory}). */
export function getTensorMemory(): TensorMemory {
  mode ??= wasmTensorMemoryAvailable() ? 'wasm' : 'js';
  return mode;
}

/**
 * Chooses where the CPU backend keeps the values of new tensors (of at least 256
 * elements). `'wasm'`, the default where the runtime has shared WebAssembly memory (Node;
 * browsers on cross-origin-isolated pages and their workers), keeps them in one WebAssembly
 * memory: the matrix products, optimizer updates and elementwise kernels read and write
 * them there, with no copy in or out of a module's memory. `'js'` keeps ordinary typed
 * arrays, as every runtime can. Both compute the same bits; tests run both. Tensors made
 * before a change stay where they are.
 *
 * @param where - `'wasm'` or `'js'`
 * @returns the setting before
 * @throws BackendError for another value, or for `'wasm'` where shared WebAssembly memory is unavailable
 * @example
 * ```ts
 * import { setTensorMemory } from '@tessera/cpu-backend';
 * const before = setTensorMemory('js'); // ordinary typed arrays, e.g. to compare
 * setTensorMemory(before);
 * ```
 */
export function setTensorMemory(where: TensorMemory): TensorMemory {
  if (where !== 'wasm' && where !== 'js') {
    throw new BackendError(`setTensorMemory: expected 'wasm' or 'js' but got ${String(where)}`);
  }
  if (where === 'wasm' && !wasmTensorMemoryAvailable()) {
    throw new BackendError(`setTensorMemory: 'wasm' needs shared WebAssembly memory, which is unavailable here: ${whyNoArena()}`);
  }
  const before = getTensorMemory();
  mode = where;
  return before;
}

/** The arena when tensors live in it now (`'wasm'`), else undefined: where new arrays come from. */
export function tensorArena(): Arena | undefined {
  return getTensorMemory() === 'wasm' ? getArena() : undefined;
}

/**
 * The byte addresses of `arrays` in the arena, or undefined unless every one lives there
 * (an array made while tensors were `'js'`, or a small one, is an ordinary typed array).
 */
export function arenaAddresses(arrays: readonly ArrayBufferView[]): number[] | undefined {
  const a = arena;
  if (!a) return undefined;
  const at: number[] = [];
  for (const v of arrays) {
    if (!a.owns(v)) return undefined;
    at.push(v.byteOffset);
  }
  return at;
}
