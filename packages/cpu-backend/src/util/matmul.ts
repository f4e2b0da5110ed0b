import { DTypeError, ShapeError, util, type TensorInfo } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import type { RowWriter } from './epilogue.js';
import { Gemm, type MatrixView } from './gemm.js';
import { getGemmImplementation, WasmGemm } from './gemm_wasm.js';
import { forEachBroadcastRow } from './rows.js';

/** The sizes of a batched product: `[...batch, m, k] x [...batch, k, n]`. */
export interface MatMulShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** The broadcast batch shape. */
  readonly batch: number[];
}

/**
 * Checks the operands of MatMul / FusedMatMul (same dtype, float32 or int32, rank >= 2,
 * equal inner dimensions, broadcastable batches) and works out the product's sizes;
 * errors name `kernelName`.
 */
export function matMulShape(kernelName: string, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulShape {
  if (a.dtype !== b.dtype || a.dtype === 'bool') {
    throw new DTypeError(`${kernelName} (cpu): expected a and b of the same dtype, float32 or int32, but got ${a.dtype} and ${b.dtype}`);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) {
    throw new ShapeError(
      `${kernelName} (cpu): expected a and b of rank >= 2 but got ${util.formatShape(a.shape)} and ${util.formatShape(b.shape)}`,
    );
  }
  const [aRows, aCols] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [bRows, bCols] = [b.shape[rb - 2], b.shape[rb - 1]];
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [k2, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (k !== k2) {
    throw new ShapeError(
      `${kernelName} (cpu): a ${util.formatShape(a.shape)}${transposeA ? ' (transposed)' : ''} has ${k} columns but ` +
        `b ${util.formatShape(b.shape)}${transposeB ? ' (transposed)' : ''} has ${k2} rows; expected them equal`,
    );
  }
  const batch = util.broadcastShapes(kernelName, a.shape.slice(0, -2), b.shape.slice(0, -2));
  return { m, n, k, batch };
}

/**
 * `a @ b` over the last two axes (each optionally transposed), the leading batch axes
 * broadcast as in NumPy: `[2, 1, 3, 4] x [5, 4, 6] -> [2, 5, 3, 6]`; each product's
 * outputs pass through `epilogue` (bias and activation) as they are written.
 * float32 runs on the WebAssembly SIMD GEMM where the runtime has it, else, and int32
 * always, on the TypeScript GEMM (sums in double, then stored).
 */
export function batchedMatMul(
  backend: CpuBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  { m, n, k, batch }: MatMulShape,
  epilogue?: RowWriter,
): TensorInfo {
  const outShape = [...batch, m, n];
  const out = backend.alloc(a.dtype, util.sizeFromShape(outShape));
  if (out.length === 0) return backend.output(out, outShape, a.dtype);

  const av = backend.values(a);
  const bv = backend.values(b);
  const [aCols, bCols] = [a.shape[a.shape.length - 1], b.shape[b.shape.length - 1]];
  // Strides of one matrix in its storage; transposing swaps them.
  const [aRs, aCs] = transposeA ? [1, aCols] : [aCols, 1];
  const [bRs, bCs] = transposeB ? [1, bCols] : [bCols, 1];
  // Walk the broadcast batch (offsets count whole matrices), one product at a time.
  const eachProduct = (product: (a: MatrixView, b: MatrixView, outOffset: number) => boolean | void) => {
    // Two matrices (every Dense layer's product and its gradients): one product, no batch walk.
    if (batch.length === 0) {
      return product({ data: av, offset: 0, rowStride: aRs, colStride: aCs }, { data: bv, offset: 0, rowStride: bRs, colStride: bCs }, 0) !== false;
    }
    let done = true;
    forEachBroadcastRow(batch, [a.shape.slice(0, -2), b.shape.slice(0, -2)], (len, off, st) => {
      for (let t = 0; t < len && done; t++) {
        const A: MatrixView = { data: av, offset: (off[1] + t * st[1]) * m * k, rowStride: aRs, colStride: aCs };
        const B: MatrixView = { data: bv, offset: (off[2] + t * st[2]) * k * n, rowStride: bRs, colStride: bCs };
        done = product(A, B, (off[0] + t) * m * n) !== false;
      }
    });
    return done;
  };
  if (a.dtype === 'float32' && getGemmImplementation() === 'wasm') {
    const wasm = new WasmGemm(m, n, k);
    const done = eachProduct((A, B, o) => wasm.run(A, B, out as Float32Array, o, epilogue));
    WasmGemm.release();
    // The wasm memory could not grow that far: the JS GEMM below does it all instead.
    if (done) return backend.output(out, outShape, a.dtype);
  }
  const gemm = new Gemm(m, n, k);
  eachProduct((A, B, o) => gemm.run(A, B, out, o, epilogue));
  return backend.output(out, outShape, a.dtype);
}

/**
 * `A B` (A: m x k, B: k x n, float32) for one product, its sums handed to `writer` as
 * they leave the GEMM (on the WebAssembly SIMD GEMM where it runs, else the TypeScript
 * one): the fused kernels whose outputs are not the product itself (the recurrent cells)
 * write them there. `out` is the product's m x n destination as `writer` sees it.
 */
export function matMulRows(a: MatrixView, b: MatrixView, m: number, n: number, k: number, out: Float32Array, writer: RowWriter): void {
  if (m === 0 || n === 0) return;
  if (!matMulInto(a, b, m, n, k, out, writer)) new Gemm(m, n, k).run(a, b, out, 0, writer);
}

/**
 * `A B` (A: m x k, B: k x n, float32) into `out` (m rows of n, `outStride` floats apart:
 * the first n of wider rows, as a GRU's sums go into its gates) on the WebAssembly SIMD
 * GEMM, in place where `out` lives in the shared WebAssembly memory (through `writer`, if
 * given, as {@link matMulRows}: packed rows only); false (having written nothing) where
 * that GEMM is not the one in force or cannot hold the product.
 */
export function matMulInto(a: MatrixView, b: MatrixView, m: number, n: number, k: number, out: Float32Array, writer?: RowWriter, outStride = n): boolean {
  if (getGemmImplementation() !== 'wasm') return false;
  const done = new WasmGemm(m, n, k).run(a, b, out, 0, writer, outStride);
  WasmGemm.release();
  return done;
}
