import { getVectorImplementation, vectorInPlace as inPlace, vectorInstance } from './vector_wasm.js';

/**
 * The elementwise passes of layers and their gradients on WebAssembly SIMD (`relu`,
 * `compare_scalar`, `select`, `add_rows`, `binary` in src/wasm/vector.wat), streamed through
 * the module's memory in chunks that stay in cache. Each gives the bits of the TypeScript
 * loop it replaces; the kernels call them when {@link useVectorLoops} says so.
 */

/** Elements per chunk (a multiple of 16): four 64 KiB regions. */
const CHUNK = 16384;
const A = 0;
const B = CHUNK * 4;
const C = 2 * CHUNK * 4;
const O = 3 * CHUNK * 4;
const BYTES = 4 * CHUNK * 4;

/** Whether the kernels run these loops: the vector implementation is `'wasm'` (see `setVectorImplementation`). */
export function useVectorLoops(): boolean {
  return getVectorImplementation() === 'wasm';
}

function views() {
  const { exports, heap } = vectorInstance(BYTES);
  return { exports, f32: heap, i32: new Int32Array(heap.buffer), u8: new Uint8Array(heap.buffer) };
}

/** `out = relu(x)`, float32 (NaN kept, negatives and -0 to +0). */
export function reluWasm(x: Float32Array, out: Float32Array): void {
  const here = inPlace([x, out]);
  if (here) return here.ex.relu(here.at[0], here.at[1], x.length);
  const { exports, f32 } = views();
  for (let off = 0; off < x.length; off += CHUNK) {
    const len = Math.min(CHUNK, x.length - off);
    f32.set(x.subarray(off, off + len), A / 4);
    exports.relu(A, O, len);
    out.set(f32.subarray(O / 4, O / 4 + len), off);
  }
}

/** The comparisons {@link compareScalarWasm} runs, by their code in `compare_scalar`. */
export const COMPARE_OPS = { Greater: 0, GreaterEqual: 1, Less: 2, LessEqual: 3 } as const;

/** `out[k] = x[k] OP y` as bytes of 1 or 0 (`y` a float32 value; NaN compares false). */
export function compareScalarWasm(x: Float32Array, y: number, op: keyof typeof COMPARE_OPS, out: Uint8Array): void {
  const { exports, f32, u8 } = views();
  for (let off = 0; off < x.length; off += CHUNK) {
    const len = Math.min(CHUNK, x.length - off);
    f32.set(x.subarray(off, off + len), A / 4);
    exports.compare_scalar(A, O, len, y, COMPARE_OPS[op]);
    out.set(u8.subarray(O, O + len), off);
  }
}

/** The arithmetic {@link binaryWasm} runs, by its code in `binary`. */
export const BINARY_OPS = { Add: 0, Sub: 1, Mul: 2, Div: 3 } as const;

/**
 * `out = a OP b`, float32, where `a` and `b` are each whole (the output's length) or one
 * value for all (not both one value: that is one element, not worth a call).
 */
export function binaryWasm(a: Float32Array, b: Float32Array, op: keyof typeof BINARY_OPS, out: Float32Array): void {
  const here = a.length === out.length && b.length === out.length ? inPlace([a, b, out]) : undefined;
  if (here) return here.ex.binary(here.at[0], here.at[1], here.at[2], out.length, BINARY_OPS[op]);
  const { exports, f32 } = views();
  // A scalar operand is a run of copies of it, written once.
  if (a.length === 1) f32.fill(a[0], A / 4, A / 4 + CHUNK);
  if (b.length === 1) f32.fill(b[0], B / 4, B / 4 + CHUNK);
  for (let off = 0; off < out.length; off += CHUNK) {
    const len = Math.min(CHUNK, out.length - off);
    if (a.length !== 1) f32.set(a.subarray(off, off + len), A / 4);
    if (b.length !== 1) f32.set(b.subarray(off, off + len), B / 4);
    exports.binary(A, B, O, len, BINARY_OPS[op]);
    out.set(f32.subarray(O / 4, O / 4 + len), off);
  }
}

/**
 * `out[k] = c[k] ? a[k] : b[k]` on 4-byte elements (float32 or int32 bits), where `a` and
 * `b` are each whole (`…Whole`) or one element for all.
 */
export function selectWasm(c: Uint8Array | Int32Array, a: Int32Array, aWhole: boolean, b: Int32Array, bWhole: boolean, out: Int32Array): void {
  const { exports, i32, u8 } = views();
  if (!aWhole) i32[A / 4] = a[0];
  if (!bWhole) i32[B / 4] = b[0];
  const flags = +!aWhole | (+!bWhole << 1);
  for (let off = 0; off < out.length; off += CHUNK) {
    const len = Math.min(CHUNK, out.length - off);
    u8.set(c.subarray(off, off + len), C);
    if (aWhole) i32.set(a.subarray(off, off + len), A / 4);
    if (bWhole) i32.set(b.subarray(off, off + len), B / 4);
    exports.select(C, A, B, O, len, flags);
    out.set(i32.subarray(O / 4, O / 4 + len), off);
  }
}

/** Whether {@link addRowsWasm} takes rows of `inner` values: whole vectors that fit a chunk. */
export function addRowsFits(inner: number): boolean {
  return inner % 4 === 0 && inner > 0 && inner <= CHUNK;
}

/** `out[r * inner + j] = a[r * inner + j] + b[j]`, float32, `inner = b.length` (see {@link addRowsFits}). */
export function addRowsWasm(a: Float32Array, b: Float32Array, out: Float32Array): void {
  const here = inPlace([a, b, out]);
  if (here) return here.ex.add_rows(here.at[0], here.at[1], here.at[2], a.length / b.length, b.length);
  const { exports, f32 } = views();
  const inner = b.length;
  const step = Math.floor(CHUNK / inner) * inner;
  f32.set(b, B / 4);
  for (let off = 0; off < a.length; off += step) {
    const len = Math.min(step, a.length - off);
    f32.set(a.subarray(off, off + len), A / 4);
    exports.add_rows(A, B, O, len / inner, inner);
    out.set(f32.subarray(O / 4, O / 4 + len), off);
  }
}
