import { AxisError, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { transposeValues } from '../util/copy.js';

/** Transpose: output axis `i` is input axis `attrs.perm[i]`. */
export const transposeConfig: KernelConfig<'Transpose', CpuBackend> = {
  kernelName: 'Transpose',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { perm }, backend }) => {
    const rank = x.shape.length;
    if (perm.length !== rank || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      throw new AxisError(`Transpose (cpu): expected a permutation of [0..${rank - 1}] but got [${perm.join(', ')}]`);
    }
    const outShape = perm.map((p) => x.shape[p]);
    return backend.output(transposeValues(backend.values(x), x.shape, perm, x.dtype), outShape, x.dtype);
  },
};
