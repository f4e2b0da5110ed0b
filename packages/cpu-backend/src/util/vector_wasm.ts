import { BackendError } from '@tessera/tensor';
import { VECTOR_WASM_BYTES } from '../wasm/vector_wasm.js';
import { arenaAddresses, arenaVector } from './arena.js';
import { runVectorSplit } from './gemm_threads.js';
import { lazySimdModule } from './wasm_module.js';

/**
 * Which loops run the optimizer updates (`ApplySGD`, `ApplyAdam`, `ApplyRMSProp`),
 * MaxPool and MaxPoolGrad, Relu, Select, comparisons against a scalar, float32 Add, Sub,
 * Mul and Div of whole arrays, scalars and biases, Cast, FusedActivationGrad, the float32
 * Sum over leading axes, and the recurrent cells' update (of units a multiple of 4): `'wasm'` (WebAssembly SIMD, src/wasm/vector.wat, the default where the runtime has
 * it) or `'js'` (the TypeScript loops, always there). Both compute the same bits, but for the
 * recurrent cells' sigmoid and tanh (float32 there, double here: a few ulps apart).
 */
export type VectorImplementation = 'js' | 'wasm';

/** The module's functions; addresses in bytes, counts in floats (see src/wasm/vector.wat). */
export interface VectorExports {
  adam(w: number, g: number, m: number, v: number, vh: number, ow: number, om: number, ov: number, ovh: number, n: number, alpha: number, c1: number, c2: number, eps: number, ams: number): void;
  rmsprop(w: number, g: number, vel: number, mom: number, avg: number, ow: number, ovel: number, omom: number, oavg: number, n: number, lr: number, rho: number, c: number, mu: number, eps: number, flags: number): void;
  sgd(w: number, g: number, m: number, ow: number, om: number, n: number, lr: number, mu: number, flags: number): void;
  relu(x: number, o: number, n: number): void;
  relu_grad(dy: number, y: number, o: number, n: number, limit: number): void;
  sum_rows(x: number, acc: number, rows: number, cols: number): void;
  compare_scalar(x: number, o: number, n: number, s: number, op: number): void;
  binary(a: number, b: number, o: number, n: number, op: number): void;
  select(c: number, a: number, b: number, o: number, n: number, flags: number): void;
  add_rows(a: number, b: number, o: number, rows: number, inner: number): void;
  lstm_rows(z: number, xw: number, c: number, gates: number, h: number, co: number, rows: number, units: number): void;
  lstm_grad_rows(dh: number, dc: number, c: number, gates: number, cn: number, dz: number, dcp: number, rows: number, units: number): void;
  gru_grad_rows(dh: number, h: number, gates: number, dxw: number, dhz: number, dhd: number, rows: number, units: number): void;
  gru_rows(hz: number, xw: number, b: number, h: number, gates: number, ho: number, rows: number, units: number, wide: number): void;
  maxpool(
    x: number, y: number, at: number, tab: number, images: number, inH: number, inW: number, c: number, outH: number, outW: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number, grad: number,
  ): void;
  /** Dropout masks (see dropout_mask_wasm.ts): `n` draws of the stream at `st`, jumped lanes at `jumps`. */
  dropout_mask(st: number, jumps: number, o: number, n: number, thr: number, keep: number): void;
}

/** The elementwise functions {@link runVector} runs: which arguments are arrays' addresses, which the element count. */
const ELEMENTWISE = {
  rmsprop: { addresses: [0, 1, 2, 3, 4, 5, 6, 7, 8], countAt: 9 },
  adam: { addresses: [0, 1, 2, 3, 4, 5, 6, 7, 8], countAt: 9 },
  sgd: { addresses: [0, 1, 2, 3, 4], countAt: 5 },
  relu_grad: { addresses: [0, 1, 2], countAt: 3 },
} as const;

/** The last call made on {@link RECORDER}. */
let recorded: { name: keyof typeof ELEMENTWISE; args: number[] } | undefined;
/** Stand-in exports that record the one call a {@link runVector} callback makes instead of running it (made once). */
const RECORDER = Object.fromEntries(
  (Object.keys(ELEMENTWISE) as (keyof typeof ELEMENTWISE)[]).map((name) => [name, (...args: number[]) => void (recorded = { name, args })]),
) as unknown as VectorExports;

/**
 * The shared-memory instance and the byte addresses of `arrays` where every one lives in
 * the shared WebAssembly memory (whole arrays from the backend's `alloc`, whose blocks have
 * room for the rounding up to whole vectors): a function then runs on them in place.
 */
export function vectorInPlace(arrays: readonly ArrayBufferView[]): { ex: VectorExports; at: number[] } | undefined {
  const at = arenaAddresses(arrays);
  const ex = at && arenaVector<VectorExports>();
  return at && ex ? { ex, at } : undefined;
}

/** Floats per chunk of each array: nine 16 KiB slots stay in the L1 and L2 caches. */
const CHUNK = 4096;
/** Input slots come first (at most five: variable, gradient, three slots), then the outputs (at most four). */
const INPUT_SLOTS = 5;
const SLOTS = 9;
const PAGE = 65536;

let implementation: VectorImplementation | undefined;
let instance: { exports: VectorExports; memory: WebAssembly.Memory; heap: Float32Array } | undefined;

/** The vector loops' module, `null` where WebAssembly SIMD is missing; compiled on first use. */
const vectorModule = lazySimdModule(VECTOR_WASM_BYTES);

/** Whether the WebAssembly SIMD optimizer updates can run here. */
export function wasmVectorAvailable(): boolean {
  return vectorModule() !== null;
}

/** The loops the optimizer updates, MaxPool and the other vector kernels use now. */
export function getVectorImplementation(): VectorImplementation {
  implementation ??= wasmVectorAvailable() ? 'wasm' : 'js';
  return implementation;
}

/**
 * Chooses the loops behind the CPU backend's optimizer updates (`ApplySGD`, `ApplyAdam`,
 * `ApplyRMSProp`), MaxPool and MaxPoolGrad, Relu, Select, comparisons against a scalar,
 * the float32 arithmetic of whole arrays, FusedActivationGrad and the float32 Sum over leading axes. The default is `'wasm'` where WebAssembly SIMD is available,
 * else `'js'`; both give the same bits (tests run the kernels through each), except the
 * recurrent cells, whose float32 sigmoid and tanh differ from the double ones by a few ulps.
 *
 * @param impl - `'wasm'` (WebAssembly SIMD, four lanes) or `'js'` (TypeScript)
 * @returns the implementation used before
 * @throws BackendError when `'wasm'` is asked for and WebAssembly SIMD is not available
 * @example
 * ```ts
 * import { setVectorImplementation } from '@tessera/cpu-backend';
 * const before = setVectorImplementation('js');
 * // ... optimizer steps and max pooling run the TypeScript loops ...
 * setVectorImplementation(before);
 * ```
 */
export function setVectorImplementation(impl: VectorImplementation): VectorImplementation {
  if (impl !== 'js' && impl !== 'wasm') {
    throw new BackendError(`setVectorImplementation: expected 'js' or 'wasm' but got ${String(impl)}`);
  }
  if (impl === 'wasm' && !wasmVectorAvailable()) {
    throw new BackendError("setVectorImplementation: 'wasm' needs WebAssembly SIMD, which this runtime does not have");
  }
  const before = getVectorImplementation();
  implementation = impl;
  return before;
}

/** Byte address of slot `s` of the staging memory. */
const slot = (s: number) => s * CHUNK * 4;

/** Byte addresses of the input slots and of the output slots, for the kernels' calls. */
export const INPUT_AT = Array.from({ length: INPUT_SLOTS }, (_, i) => slot(i));
export const OUTPUT_AT = Array.from({ length: SLOTS - INPUT_SLOTS }, (_, i) => slot(INPUT_SLOTS + i));

/**
 * The instance, its memory at least `bytes` long (grown as needed; `heap` views all of it).
 * @throws BackendError where the module is not available or the memory cannot grow that far
 */
export function vectorInstance(bytes: number): { exports: VectorExports; heap: Float32Array } {
  const module = vectorModule();
  if (!module) throw new BackendError('cpu backend: the WebAssembly SIMD vector module is not available here');
  const pages = Math.ceil(Math.max(bytes, slot(SLOTS)) / PAGE);
  if (!instance) {
    const memory = new WebAssembly.Memory({ initial: pages });
    const inst = new WebAssembly.Instance(module, { env: { memory } });
    instance = { exports: inst.exports as unknown as VectorExports, memory, heap: new Float32Array(memory.buffer) };
  }
  const have = instance.memory.buffer.byteLength / PAGE;
  if (have < pages) {
    try {
      instance.memory.grow(pages - have);
    } catch {
      throw new BackendError(`cpu backend: the vector module's memory cannot grow to ${bytes} bytes`);
    }
    instance.heap = new Float32Array(instance.memory.buffer);
  }
  return instance;
}

/**
 * Runs a vector function over whole arrays: `call(exports, length, ins, outs)` with the
 * byte addresses of the inputs (`ins`, in order) and outputs (`outs`). Where every array
 * lives in the shared WebAssembly memory (see `setTensorMemory`), once over all of them in
 * place, on that memory's instance; else a chunk at a time, each input's chunk copied into
 * its slot (`INPUT_AT[i]`) and every output slot (`OUTPUT_AT[j]`) copied out after. All
 * arrays have the same length; an absent optional array's address is its slot's (or 0).
 */
export function runVector(
  inputs: readonly Float32Array[],
  outputs: readonly Float32Array[],
  call: (ex: VectorExports, n: number, ins: readonly number[], outs: readonly number[]) => void,
): void {
  const n = outputs[0].length;
  const here = n > 0 ? vectorInPlace([...inputs, ...outputs]) : undefined;
  if (here) {
    const ins = Array.from({ length: INPUT_SLOTS }, (_, i) => (i < inputs.length ? here.at[i] : 0));
    const outs = Array.from({ length: SLOTS - INPUT_SLOTS }, (_, j) => (j < outputs.length ? here.at[inputs.length + j] : 0));
    // Large arrays: the call is recorded, then run in chunks on both threads where they are on.
    call(RECORDER, n, ins, outs);
    const { name, args } = recorded!;
    recorded = undefined;
    const { addresses, countAt } = ELEMENTWISE[name];
    if (!runVectorSplit(name, args, addresses, countAt, n)) (here.ex[name] as (...a: number[]) => void)(...args);
    return;
  }
  const { exports, heap } = vectorInstance(slot(SLOTS));
  for (let off = 0; off < n; off += CHUNK) {
    const len = Math.min(CHUNK, n - off);
    for (let i = 0; i < inputs.length; i++) heap.set(inputs[i].subarray(off, off + len), INPUT_AT[i] / 4);
    call(exports, len, INPUT_AT, OUTPUT_AT);
    for (let j = 0; j < outputs.length; j++) outputs[j].set(heap.subarray(OUTPUT_AT[j] / 4, OUTPUT_AT[j] / 4 + len), off);
  }
}
