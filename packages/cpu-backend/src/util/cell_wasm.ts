import type { TypedArray } from '@tessera/tensor';
import type { Values } from './epilogue.js';
import { useVectorLoops } from './elementwise_wasm.js';
import { vectorInstance } from './vector_wasm.js';

/**
 * The recurrent cells' update on WebAssembly SIMD (`lstm_rows` and `gru_rows` in
 * src/wasm/vector.wat): the gate sums of a block of rows, as the GEMM hands them over, and
 * the rows of the other inputs are copied into the module's memory a chunk of rows at a
 * time (the chunk stays in cache), updated four units at a time with float32 sigmoid and
 * tanh, and the outputs copied out.
 */

/** Floats of the module's memory one chunk of rows may use (1 MiB). */
const CHUNK = 1 << 18;

/** Whether the cells' update runs here: the vector loops are on and the units fill whole vectors. */
export function useCellLoops(units: number): boolean {
  return units % 4 === 0 && units > 0 && useVectorLoops();
}

/** Rows per chunk when each row takes `floats` floats of the module's memory. */
const rowsPerChunk = (floats: number) => Math.max(1, Math.floor(CHUNK / floats));

/** Copies `rows` rows of `width` values from `src` (from `s`, `stride` apart) to `heap` at float `at`. */
function copyRows(heap: Float32Array, at: number, src: Values, s: number, stride: number, rows: number, width: number): void {
  if (stride === width) heap.set(src.subarray(s, s + rows * width), at);
  else for (let i = 0; i < rows; i++) heap.set(src.subarray(s + i * stride, s + i * stride + width), at + i * width);
}

/** The LSTM update of `m` rows from row `row0`: sums from `src` (see `RowWriter.rows`), outputs written at those rows. */
export function lstmRowsWasm(
  src: Values, s: number, srcStride: number, row0: number, m: number, units: number,
  xw: TypedArray, c: TypedArray, gates: Float32Array, hNext: Float32Array, cNext: Float32Array,
): void {
  const u = units;
  const per = rowsPerChunk(15 * u);
  const { exports, heap } = vectorInstance(Math.min(per, m) * 15 * u * 4);
  for (let r0 = 0; r0 < m; r0 += per) {
    const rows = Math.min(per, m - r0);
    // Layout (floats): z, xw, gates (rows x 4u each), c, h, c' (rows x u each).
    const [z, x, g, cAt, h, co] = [0, 4, 8, 12, 13, 14].map((k) => k * rows * u);
    const row = row0 + r0;
    copyRows(heap, z, src, s + r0 * srcStride, srcStride, rows, 4 * u);
    heap.set(xw.subarray(row * 4 * u, (row + rows) * 4 * u), x);
    heap.set(c.subarray(row * u, (row + rows) * u), cAt);
    exports.lstm_rows(z * 4, x * 4, cAt * 4, g * 4, h * 4, co * 4, rows, u);
    gates.set(heap.subarray(g, g + rows * 4 * u), row * 4 * u);
    hNext.set(heap.subarray(h, h + rows * u), row * u);
    cNext.set(heap.subarray(co, co + rows * u), row * u);
  }
}

/** The GRU update of `m` rows from row `row0`: sums from `src` (see `RowWriter.rows`), outputs written at those rows. */
export function gruRowsWasm(
  src: Values, s: number, srcStride: number, row0: number, m: number, units: number,
  xw: TypedArray, h: TypedArray, bias: TypedArray, gates: Float32Array, hNext: Float32Array,
): void {
  const u = units;
  const per = rowsPerChunk(12 * u);
  const { exports, heap } = vectorInstance((3 * u + Math.min(per, m) * 12 * u) * 4);
  for (let r0 = 0; r0 < m; r0 += per) {
    const rows = Math.min(per, m - r0);
    // Layout (floats): the bias (3u), hz, xw (rows x 3u each), h, h' (rows x u each), gates (rows x 4u).
    const b = 0;
    const hz = 3 * u;
    const x = hz + rows * 3 * u;
    const hAt = x + rows * 3 * u;
    const ho = hAt + rows * u;
    const g = ho + rows * u;
    const row = row0 + r0;
    heap.set(bias.subarray(0, 3 * u), b);
    copyRows(heap, hz, src, s + r0 * srcStride, srcStride, rows, 3 * u);
    heap.set(xw.subarray(row * 3 * u, (row + rows) * 3 * u), x);
    heap.set(h.subarray(row * u, (row + rows) * u), hAt);
    exports.gru_rows(hz * 4, x * 4, b * 4, hAt * 4, g * 4, ho * 4, rows, u);
    gates.set(heap.subarray(g, g + rows * 4 * u), row * 4 * u);
    hNext.set(heap.subarray(ho, ho + rows * u), row * u);
  }
}
