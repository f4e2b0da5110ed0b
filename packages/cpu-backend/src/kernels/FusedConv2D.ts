import { ShapeError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { conv2dForward } from '../util/conv2d.js';
import { Epilogue } from '../util/epilogue.js';

/**
 * FusedConv2D: `activation(conv2d(x, filter) + bias)`, as Conv2D with the bias and the
 * activation applied while each band of output pixels is copied out of the GEMM: one
 * pass over the output, no intermediate tensor.
 */
export const fusedConv2DConfig: KernelConfig<'FusedConv2D', CpuBackend> = {
  kernelName: 'FusedConv2D',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, filter, bias], attrs, backend }) => {
    const outC = filter.shape[3];
    if (bias) {
      backend.assertDType('FusedConv2D', bias, ['float32'], 'bias');
      if (bias.shape.length !== 1 || bias.shape[0] !== outC) {
        throw new ShapeError(`FusedConv2D (cpu): expected bias of shape [${outC}] (one per output channel) but got ${util.formatShape(bias.shape)}`);
      }
    }
    const epilogue = new Epilogue(attrs, outC, bias && backend.values(bias));
    return conv2dForward('FusedConv2D', backend, x, filter, attrs, epilogue);
  },
};
