import { ShapeError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { Epilogue } from '../util/epilogue.js';
import { batchedMatMul, matMulShape } from '../util/matmul.js';

/**
 * FusedMatMul: `activation(a @ b + bias)`, float32, as MatMul with the bias and the
 * activation applied while each product's outputs are copied out of the GEMM's
 * accumulators: one pass, no intermediate tensor.
 */
export const fusedMatMulConfig: KernelConfig<'FusedMatMul', CpuBackend> = {
  kernelName: 'FusedMatMul',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [a, b, bias], attrs, backend }) => {
    backend.assertDType('FusedMatMul', a, ['float32'], 'a');
    const shape = matMulShape('FusedMatMul', a, b, attrs.transposeA, attrs.transposeB);
    if (bias) {
      backend.assertDType('FusedMatMul', bias, ['float32'], 'bias');
      if (bias.shape.length !== 1 || bias.shape[0] !== shape.n) {
        throw new ShapeError(`FusedMatMul (cpu): expected bias of shape [${shape.n}] (one per output column) but got ${util.formatShape(bias.shape)}`);
      }
    }
    const epilogue = new Epilogue(attrs, shape.n, bias && backend.values(bias));
    return batchedMatMul(backend, a, b, attrs.transposeA, attrs.transposeB, shape, epilogue);
  },
};
