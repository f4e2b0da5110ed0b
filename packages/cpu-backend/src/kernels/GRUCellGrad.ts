import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { gruGradRowsInPlace, gruGradRowsWasm, useCellLoops } from '../util/cell_wasm.js';

/**
 * GRUCellGrad: the gradient of GRUCell's update in one pass over the saved gates:
 * `dhh = dh*(1-z)*(1-hh²)`, `dz = dh*(h-hh)*z(1-z)`, `dr = dhh*hz_h*r(1-r)`;
 * `dxw = [dz, dr, dhh]`, `dhz = [dz, dr, dhh*r]` and `dh*z`: on WebAssembly SIMD in float32
 * where the units fill whole vectors (see `useCellLoops`; in place, split by rows between the threads,
 * where every array lives in the shared WebAssembly memory), else here in double, each rounded once.
 */
export const gruCellGradConfig: KernelConfig<'GRUCellGrad', CpuBackend> = {
  kernelName: 'GRUCellGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dhInfo, hInfo, gatesInfo], backend }) => {
    const [batch, u] = dhInfo.shape;
    const [dh, h, gates] = [dhInfo, hInfo, gatesInfo].map((x) => backend.values(x));
    const dxw = backend.alloc('float32', batch * 3 * u) as Float32Array;
    const dhz = backend.alloc('float32', batch * 3 * u) as Float32Array;
    const dhDirect = backend.alloc('float32', batch * u) as Float32Array;
    const outputs = () => [
      backend.output(dxw, [batch, 3 * u], 'float32'),
      backend.output(dhz, [batch, 3 * u], 'float32'),
      backend.output(dhDirect, [batch, u], 'float32'),
    ];
    if (useCellLoops(u)) {
      if (!gruGradRowsInPlace(batch, u, dh, h, gates, dxw, dhz, dhDirect)) gruGradRowsWasm(batch, u, dh, h, gates, dxw, dhz, dhDirect);
      return outputs();
    }
    for (let b = 0; b < batch; b++) {
      const g0 = b * 4 * u;
      const x0 = b * 3 * u;
      const r0 = b * u;
      for (let j = 0; j < u; j++) {
        const z = gates[g0 + j];
        const r = gates[g0 + u + j];
        const hh = gates[g0 + 2 * u + j];
        const hzh = gates[g0 + 3 * u + j];
        const dhj = dh[r0 + j];
        const dz = dhj * (h[r0 + j] - hh) * z * (1 - z);
        const dhh = dhj * (1 - z) * (1 - hh * hh);
        const dr = dhh * hzh * r * (1 - r);
        dxw[x0 + j] = dz;
        dxw[x0 + u + j] = dr;
        dxw[x0 + 2 * u + j] = dhh;
        dhz[x0 + j] = dz;
        dhz[x0 + u + j] = dr;
        dhz[x0 + 2 * u + j] = dhh * r;
        dhDirect[r0 + j] = dhj * z;
      }
    }
    return outputs();
  },
};
