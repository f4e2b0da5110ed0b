import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { batchedMatMul, matMulShape } from '../util/matmul.js';

/**
 * MatMul: `a @ b` over the last two axes (each optionally transposed), the leading
 * batch axes broadcast as in NumPy: `[2, 1, 3, 4] x [5, 4, 6] -> [2, 5, 3, 6]`.
 * float32 runs on the WebAssembly SIMD GEMM where the runtime has it (sums in float32 by
 * default, see `setGemmAccumulation`), else, and int32 always, on the TypeScript GEMM
 * (sums in double, then stored); `setGemmImplementation` chooses.
 */
export const matMulConfig: KernelConfig<'MatMul', CpuBackend> = {
  kernelName: 'MatMul',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [a, b], attrs: { transposeA, transposeB }, backend }) =>
    batchedMatMul(backend, a, b, transposeA, transposeB, matMulShape('MatMul', a, b, transposeA, transposeB)),
};
