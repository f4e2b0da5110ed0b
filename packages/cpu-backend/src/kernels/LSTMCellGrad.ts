import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { lstmGradRowsInPlace, lstmGradRowsWasm, useCellLoops } from '../util/cell_wasm.js';

/**
 * LSTMCellGrad: the gradient of LSTMCell's update in one pass over the saved gates:
 * `t = tanh(c')`, `dcAll = dc + dh*o*(1 - t²)`, `dz = [dcAll*g*i(1-i), dcAll*c*f(1-f),
 * dcAll*i*(1-g²), dh*t*o(1-o)]` and `dc_prev = dcAll*f`: on WebAssembly SIMD in float32 where
 * the units fill whole vectors (see `useCellLoops`; `Math.tanh` took half the time of the loop
 * below), else here in double, each output rounded once.
 */
export const lstmCellGradConfig: KernelConfig<'LSTMCellGrad', CpuBackend> = {
  kernelName: 'LSTMCellGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dhInfo, dcInfo, cInfo, gatesInfo, cNextInfo], backend }) => {
    const [batch, u] = dhInfo.shape;
    const [dh, dc, c, gates, cNext] = [dhInfo, dcInfo, cInfo, gatesInfo, cNextInfo].map((x) => backend.values(x));
    const dz = backend.alloc('float32', batch * 4 * u) as Float32Array;
    const dcPrev = backend.alloc('float32', batch * u) as Float32Array;
    if (useCellLoops(u)) {
      if (!lstmGradRowsInPlace(batch, u, dh, dc, c, gates, cNext, dz, dcPrev)) lstmGradRowsWasm(batch, u, dh, dc, c, gates, cNext, dz, dcPrev);
      return [backend.output(dz, [batch, 4 * u], 'float32'), backend.output(dcPrev, [batch, u], 'float32')];
    }
    for (let b = 0; b < batch; b++) {
      const g0 = b * 4 * u;
      const r0 = b * u;
      for (let j = 0; j < u; j++) {
        const gi = gates[g0 + j];
        const gf = gates[g0 + u + j];
        const gc = gates[g0 + 2 * u + j];
        const go = gates[g0 + 3 * u + j];
        const t = Math.tanh(cNext[r0 + j]);
        const dhj = dh[r0 + j];
        const dcAll = dc[r0 + j] + dhj * go * (1 - t * t);
        dz[g0 + j] = dcAll * gc * gi * (1 - gi);
        dz[g0 + u + j] = dcAll * c[r0 + j] * gf * (1 - gf);
        dz[g0 + 2 * u + j] = dcAll * gi * (1 - gc * gc);
        dz[g0 + 3 * u + j] = dhj * t * go * (1 - go);
        dcPrev[r0 + j] = dcAll * gf;
      }
    }
    return [backend.output(dz, [batch, 4 * u], 'float32'), backend.output(dcPrev, [batch, u], 'float32')];
  },
};
