import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { conv2dForward } from '../util/conv2d.js';

/**
 * Conv2D: `x [N, H, W, Cin]` with `filter [kh, kw, Cin, Cout]` -> `[N, OH, OW, Cout]`, as
 * im2col + GEMM over bands of output pixels (see `conv2dForward`).
 */
export const conv2DConfig: KernelConfig<'Conv2D', CpuBackend> = {
  kernelName: 'Conv2D',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, filter], attrs, backend }) => conv2dForward('Conv2D', backend, x, filter, attrs),
};
