import { getArena } from './arena.js';
import { vectorInPlace, vectorInstance } from './vector_wasm.js';

/** Floats of rows staged per call (64 KiB, in the L2 cache), whole groups of four rows of them. */
const STAGE = 16384;
/** Byte address of the column sums: after the staged rows and the float read past them (16-byte aligned). */
const ACC = (STAGE + 4) * 4;

/** Whether {@link sumRowsWasm} takes rows of `cols` floats: four of them fit a chunk. */
export function sumRowsFits(cols: number): boolean {
  return cols > 0 && 4 * cols <= STAGE;
}

/**
 * The column sums of `x` read as `[rows, cols]` on WebAssembly SIMD (`sum_rows` in
 * src/wasm/vector.wat), in double precision rounded to float32 at the end: the same
 * additions in the same order as the TypeScript `sumLeading`, so the same bits (a NaN's
 * sign and payload aside: which NaN operand an addition returns is the engine's choice of
 * operand order, in either language). Chunks hold whole groups of four rows, so the
 * groups fall as they do over the whole array.
 */
export function sumRowsWasm(x: Float32Array, cols: number): Float32Array {
  // x in the shared WebAssembly memory: summed where it is, into sums in that memory's scratch.
  const here = vectorInPlace([x]);
  const accAt = here ? getArena()!.scratch('sum_rows', (cols + 1) * 8) : -1;
  if (here && accAt >= 0) {
    const acc = new Float64Array(getArena()!.heap(), accAt, cols + 1).fill(0);
    here.ex.sum_rows(here.at[0], accAt, x.length / cols, cols);
    return Float32Array.from(acc.subarray(0, cols));
  }
  const { exports, heap } = vectorInstance(ACC + (cols + 1) * 8);
  const acc = new Float64Array(heap.buffer, ACC, cols + 1).fill(0);
  const step = Math.floor(STAGE / (4 * cols)) * 4 * cols;
  for (let off = 0; off < x.length; off += step) {
    const len = Math.min(step, x.length - off);
    heap.set(x.subarray(off, off + len), 0);
    exports.sum_rows(0, ACC, len / cols, cols);
  }
  return Float32Array.from(acc.subarray(0, cols));
}
