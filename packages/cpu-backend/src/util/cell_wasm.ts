import type { TypedArray } from '@tessera/tensor';
import type { Values } from './epilogue.js';
import { useVectorLoops } from './elementwise_wasm.js';
import { runRowsSplit } from './gemm_threads.js';
import { vectorInPlace, vectorInstance, type VectorExports } from './vector_wasm.js';

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

/** Copies `rows` rows of `width` values from `src` (from `s`, `stride` apart) to `heap` at float `at`. */
function copyRows(heap: Float32Array, at: number, src: Values, s: number, stride: number, rows: number, width: number): void {
  if (stride === width) heap.set(src.subarray(s, s + rows * width), at);
  else for (let i = 0; i < rows; i++) heap.set(src.subarray(s + i * stride, s + i * stride + width), at + i * width);
}

/** Rows of the GEMM's sums: `width` values a row, in `src` from `s`, rows `stride` apart (see `RowWriter.rows`). */
interface Sums {
  readonly src: Values;
  readonly s: number;
  readonly stride: number;
  readonly width: number;
}

/**
 * Streams `m` rows, from row `row0` of the cell's arrays, through the module's memory a
 * chunk of rows at a time: `fixed` (the GRU's bias) once at address 0, then per chunk the
 * sums and the rows of each input (`[array, values per row]`) copied in, `call` run with
 * their byte addresses and those of the outputs (in that order), the outputs' rows copied out.
 */
function streamRows(
  sums: Sums, row0: number, m: number,
  ins: ReadonlyArray<readonly [TypedArray, number]>, outs: ReadonlyArray<readonly [Float32Array, number]>,
  call: (ex: VectorExports, at: readonly number[], rows: number) => void, fixed?: TypedArray,
): void {
  const base = fixed?.length ?? 0;
  const perRow = [sums.width, ...ins.map(([, w]) => w), ...outs.map(([, w]) => w)].reduce((a, b) => a + b, 0);
  const per = Math.max(1, Math.floor(CHUNK / perRow));
  const { exports, heap } = vectorInstance((base + Math.min(per, m) * perRow) * 4);
  if (fixed) heap.set(fixed, 0);
  for (let r0 = 0; r0 < m; r0 += per) {
    const rows = Math.min(per, m - r0);
    const row = row0 + r0;
    const at: number[] = [];
    let next = base;
    for (const w of [sums.width, ...ins.map(([, w]) => w), ...outs.map(([, w]) => w)]) {
      at.push(next);
      next += rows * w;
    }
    copyRows(heap, at[0], sums.src, sums.s + r0 * sums.stride, sums.stride, rows, sums.width);
    ins.forEach(([x, w], k) => heap.set(x.subarray(row * w, (row + rows) * w), at[1 + k]));
    call(exports, at.map((a) => a * 4), rows);
    outs.forEach(([y, w], k) => {
      const a = at[1 + ins.length + k];
      y.set(heap.subarray(a, a + rows * w), row * w);
    });
  }
}

/** Whether a cell of `units` over `arrays` updates in place: the vector loops are on, the units fill whole vectors and every array lives in the shared WebAssembly memory. */
export function cellInPlace(units: number, arrays: readonly ArrayBufferView[]): boolean {
  return useCellLoops(units) && vectorInPlace(arrays) !== undefined;
}

/** Units of a cell update (rows x units) from which `'auto'` threads split it by rows. */
const CELL_THREAD_MIN = 8192;

/**
 * Runs the vector module's row function `name` once over all `rows` rows where every array
 * lives in the shared WebAssembly memory: `arrays` (with their floats per row, 0 for one
 * row shared by all) in the function's argument order, then the row count, `units` and
 * `extra`; the rows split between the GEMM's threads when large enough. Returns false
 * (having done nothing) where an array is elsewhere or the units do not fill whole vectors.
 */
function rowsInPlace(
  name: 'lstm_rows' | 'lstm_grad_rows' | 'gru_rows' | 'gru_grad_rows',
  rows: number, units: number, arrays: readonly (readonly [ArrayBufferView, number])[], extra: readonly number[] = [],
): boolean {
  const here = useCellLoops(units) ? vectorInPlace(arrays.map(([a]) => a)) : undefined;
  if (!here) return false;
  const args = [...here.at, rows, units, ...extra];
  const strides = [...arrays.map(([, w]) => w * 4), 0, 0, ...extra.map(() => 0)];
  if (!runRowsSplit(name, args, strides, arrays.length, rows, Math.ceil(rows / 4), rows * units, CELL_THREAD_MIN)) {
    (here.ex[name] as (...a: number[]) => void)(...args);
  }
  return true;
}

/**
 * The LSTM update of all `rows` rows in place: the gate sums already in `gates` (the GEMM
 * wrote them there) replaced by the gate activations (`lstm_rows` reads a group's four sums
 * before it writes them), `h'` and `c'` written where they are (see {@link rowsInPlace}).
 */
export function lstmRowsInPlace(rows: number, units: number, xw: TypedArray, c: TypedArray, gates: Float32Array, hNext: Float32Array, cNext: Float32Array): boolean {
  const [u, g] = [units, 4 * units];
  return rowsInPlace('lstm_rows', rows, units, [[gates, g], [xw, g], [c, u], [gates, g], [hNext, u], [cNext, u]]);
}

/** The gradient of the LSTM update of all `rows` rows in place (see `lstm_grad_rows` and {@link rowsInPlace}). */
export function lstmGradRowsInPlace(
  rows: number, units: number,
  dh: TypedArray, dc: TypedArray, c: TypedArray, gates: TypedArray, cNext: TypedArray, dz: Float32Array, dcPrev: Float32Array,
): boolean {
  const [u, g] = [units, 4 * units];
  return rowsInPlace('lstm_grad_rows', rows, units, [[dh, u], [dc, u], [c, u], [gates, g], [cNext, u], [dz, g], [dcPrev, u]]);
}

/**
 * The GRU update of all `rows` rows in place: the sums of `h @ recurrentKernel` already in
 * the first 3 units of each 4-unit row of `gates` (the GEMM wrote them there) replaced by
 * z, r, hh and hz_h (`gru_rows` reads a group's sums before it writes them), `h'` written
 * where it is (see {@link rowsInPlace}). `bias` must live in the shared memory too.
 */
export function gruRowsInPlace(rows: number, units: number, xw: TypedArray, h: TypedArray, bias: TypedArray, gates: Float32Array, hNext: Float32Array): boolean {
  const [u, g] = [units, 4 * units];
  return rowsInPlace('gru_rows', rows, units, [[gates, g], [xw, 3 * u], [bias, 0], [h, u], [gates, g], [hNext, u]], [1]);
}

/** The gradient of the GRU update of all `rows` rows in place (see `gru_grad_rows` and {@link rowsInPlace}). */
export function gruGradRowsInPlace(
  rows: number, units: number,
  dh: TypedArray, h: TypedArray, gates: TypedArray, dxw: Float32Array, dhz: Float32Array, dhDirect: Float32Array,
): boolean {
  const [u, w] = [units, 3 * units];
  return rowsInPlace('gru_grad_rows', rows, units, [[dh, u], [h, u], [gates, 4 * u], [dxw, w], [dhz, w], [dhDirect, u]]);
}

/** The LSTM update of `m` rows from row `row0`: gate sums as the GEMM hands them over, outputs written at those rows. */
export function lstmRowsWasm(
  sums: Sums, row0: number, m: number, units: number,
  xw: TypedArray, c: TypedArray, gates: Float32Array, hNext: Float32Array, cNext: Float32Array,
): void {
  const u = units;
  streamRows(sums, row0, m, [[xw, 4 * u], [c, u]], [[gates, 4 * u], [hNext, u], [cNext, u]], (ex, [z, x, cAt, g, h, co], rows) =>
    ex.lstm_rows(z, x, cAt, g, h, co, rows, u),
  );
}

/**
 * The gradient of the LSTM update of `batch` rows (see `lstm_grad_rows`): dh streamed as the
 * "sums", the other inputs and both outputs a chunk of rows at a time.
 */
export function lstmGradRowsWasm(
  batch: number, units: number,
  dh: TypedArray, dc: TypedArray, c: TypedArray, gates: TypedArray, cNext: TypedArray, dz: Float32Array, dcPrev: Float32Array,
): void {
  const u = units;
  streamRows(
    { src: dh, s: 0, stride: u, width: u }, 0, batch, [[dc, u], [c, u], [gates, 4 * u], [cNext, u]], [[dz, 4 * u], [dcPrev, u]],
    (ex, [dhAt, dcAt, cAt, g, cn, dzAt, dcp], rows) => ex.lstm_grad_rows(dhAt, dcAt, cAt, g, cn, dzAt, dcp, rows, u),
  );
}

/** The GRU update of `m` rows from row `row0`: sums of `h @ recurrentKernel` as the GEMM hands them over, outputs written at those rows. */
export function gruRowsWasm(
  sums: Sums, row0: number, m: number, units: number,
  xw: TypedArray, h: TypedArray, bias: TypedArray, gates: Float32Array, hNext: Float32Array,
): void {
  const u = units;
  streamRows(
    sums, row0, m, [[xw, 3 * u], [h, u]], [[gates, 4 * u], [hNext, u]],
    (ex, [hz, x, hAt, g, ho], rows) => ex.gru_rows(hz, x, 0, hAt, g, ho, rows, u, 0),
    bias,
  );
}

/** The gradient of the GRU update of `batch` rows (see `gru_grad_rows`): dh streamed as the "sums". */
export function gruGradRowsWasm(
  batch: number, units: number,
  dh: TypedArray, h: TypedArray, gates: TypedArray, dxw: Float32Array, dhz: Float32Array, dhDirect: Float32Array,
): void {
  const u = units;
  streamRows(
    { src: dh, s: 0, stride: u, width: u }, 0, batch, [[h, u], [gates, 4 * u]], [[dxw, 3 * u], [dhz, 3 * u], [dhDirect, u]],
    (ex, [dhAt, hAt, g, x, hz, d], rows) => ex.gru_grad_rows(dhAt, hAt, g, x, hz, d, rows, u),
  );
}
