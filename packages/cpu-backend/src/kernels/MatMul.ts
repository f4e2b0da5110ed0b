import { DTypeError, ShapeError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { Gemm, type MatrixView } from '../util/gemm.js';
import { getGemmImplementation, WasmGemm } from '../util/gemm_wasm.js';
import { forEachBroadcastRow } from '../util/rows.js';

/**
 * MatMul: `a @ b` over the last two axes (each optionally transposed), the leading
 * batch axes broadcast as in NumPy: `[2, 1, 3, 4] x [5, 4, 6] -> [2, 5, 3, 6]`.
 * float32 runs on the WebAssembly SIMD GEMM where the runtime has it (sums in double by
 * default, see `setGemmAccumulation`), else, and int32 always, on the TypeScript GEMM
 * (sums in double, then stored); `setGemmImplementation` chooses.
 */
export const matMulConfig: KernelConfig<'MatMul', CpuBackend> = {
  kernelName: 'MatMul',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [a, b], attrs: { transposeA, transposeB }, backend }) => {
    if (a.dtype !== b.dtype || a.dtype === 'bool') {
      throw new DTypeError(`MatMul (cpu): expected a and b of the same dtype, float32 or int32, but got ${a.dtype} and ${b.dtype}`);
    }
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (ra < 2 || rb < 2) {
      throw new ShapeError(
        `MatMul (cpu): expected a and b of rank >= 2 but got ${util.formatShape(a.shape)} and ${util.formatShape(b.shape)}`,
      );
    }
    const [aRows, aCols] = [a.shape[ra - 2], a.shape[ra - 1]];
    const [bRows, bCols] = [b.shape[rb - 2], b.shape[rb - 1]];
    const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
    const [k2, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
    if (k !== k2) {
      throw new ShapeError(
        `MatMul (cpu): a ${util.formatShape(a.shape)}${transposeA ? ' (transposed)' : ''} has ${k} columns but ` +
          `b ${util.formatShape(b.shape)}${transposeB ? ' (transposed)' : ''} has ${k2} rows; expected them equal`,
      );
    }
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const batch = util.broadcastShapes('MatMul', batchA, batchB);
    const outShape = [...batch, m, n];
    const out = backend.alloc(a.dtype, util.sizeFromShape(outShape));
    if (out.length === 0) return backend.output(out, outShape, a.dtype);

    const av = backend.values(a);
    const bv = backend.values(b);
    // Strides of one matrix in its storage; transposing swaps them.
    const [aRs, aCs] = transposeA ? [1, aCols] : [aCols, 1];
    const [bRs, bCs] = transposeB ? [1, bCols] : [bCols, 1];
    // Walk the broadcast batch (offsets count whole matrices), one product at a time.
    const eachProduct = (product: (a: MatrixView, b: MatrixView, outOffset: number) => boolean | void) => {
      let done = true;
      forEachBroadcastRow(batch, [batchA, batchB], (len, off, st) => {
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
      const done = eachProduct((A, B, o) => wasm.run(A, B, out as Float32Array, o));
      WasmGemm.release();
      // The wasm memory could not grow that far: the JS GEMM below does it all instead.
      if (done) return backend.output(out, outShape, a.dtype);
    }
    const gemm = new Gemm(m, n, k);
    eachProduct((A, B, o) => gemm.run(A, B, out, o));
    return backend.output(out, outShape, a.dtype);
  },
};
