import { getVectorImplementation, vectorInstance } from './vector_wasm.js';

/**
 * The elementwise passes of a layer's activation and its gradient on WebAssembly SIMD
 * (`relu`, `greater_scalar`, `select`, `add_rows` in src/wasm/vector.wat), streamed through
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
  const { exports, f32 } = views();
  for (let off = 0; off < x.length; off += CHUNK) {
    const len = Math.min(CHUNK, x.length - off);
    f32.set(x.subarray(off, off + len), A / 4);
    exports.relu(A, O, len);
    out.set(f32.subarray(O / 4, O / 4 + len), off);
  }
}

/** `out[k] = x[k] > y` as bytes of 1 or 0 (`y` a float32 value). */
export function greaterScalarWasm(x: Float32Array, y: number, out: Uint8Array): void {
  const { exports, f32, u8 } = views();
  for (let off = 0; off < x.length; off += CHUNK) {
    const len = Math.min(CHUNK, x.length - off);
    f32.set(x.subarray(off, off + len), A / 4);
    exports.greater_scalar(A, O, len, y);
    out.set(u8.subarray(O, O + len), off);
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
