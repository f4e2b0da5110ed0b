import type { KernelConfig, TypedArray } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { gruRowsWasm, useCellLoops } from '../util/cell_wasm.js';
import type { RowWriter } from '../util/epilogue.js';
import { matMulRows } from '../util/matmul.js';
import { sigmoid } from '../util/scalar_math.js';

/**
 * The GRU update (reset_after) of whole rows, written as the GEMM hands over rows of
 * `h @ recurrentKernel`: adds the recurrent bias and `xw`, applies the gates, and writes
 * `h'` and the saved z, r, hh, hz_h: on WebAssembly SIMD in float32 where the units fill
 * whole vectors (see `useCellLoops`), else here in double, each output rounded once.
 */
function gruRows(u: number, xw: TypedArray, h: TypedArray, bias: TypedArray, gates: Float32Array, hNext: Float32Array): RowWriter {
  const n = 3 * u;
  return {
    rows(src, s, stride, _dst, d, m) {
      if (useCellLoops(u)) return gruRowsWasm({ src, s, stride, width: n }, d / n, m, u, xw, h, bias, gates, hNext);
      for (let i = 0; i < m; i++) {
        const row = d / n + i;
        const [z0, x0, g0, r0] = [s + i * stride, row * n, row * 4 * u, row * u];
        for (let j = 0; j < u; j++) {
          const z = sigmoid(xw[x0 + j] + src[z0 + j] + bias[j]);
          const r = sigmoid(xw[x0 + u + j] + src[z0 + u + j] + bias[u + j]);
          const hzh = src[z0 + 2 * u + j] + bias[2 * u + j];
          const hh = Math.tanh(xw[x0 + 2 * u + j] + r * hzh);
          gates[g0 + j] = z;
          gates[g0 + u + j] = r;
          gates[g0 + 2 * u + j] = hh;
          gates[g0 + 3 * u + j] = hzh;
          hNext[r0 + j] = z * h[r0 + j] + (1 - z) * hh;
        }
      }
    },
  };
}

/**
 * GRUCell: one Keras GRU step (reset_after). `h @ recurrentKernel` runs on the GEMM
 * (WebAssembly SIMD where available) and the update is applied as its rows are copied
 * out: two outputs (`h'` and the z, r, hh, hz_h the gradient reads), nothing else.
 */
export const gruCellConfig: KernelConfig<'GRUCell', CpuBackend> = {
  kernelName: 'GRUCell',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [xw, h, kernel, bias], backend }) => {
    const [batch, units] = h.shape;
    const gates = backend.alloc('float32', batch * 4 * units) as Float32Array;
    const hNext = backend.alloc('float32', batch * units) as Float32Array;
    const hv = backend.values(h);
    matMulRows(
      { data: hv, offset: 0, rowStride: units, colStride: 1 },
      { data: backend.values(kernel), offset: 0, rowStride: 3 * units, colStride: 1 },
      batch,
      3 * units,
      units,
      gates,
      gruRows(units, backend.values(xw), hv, backend.values(bias), gates, hNext),
    );
    return [backend.output(hNext, [batch, units], 'float32'), backend.output(gates, [batch, 4 * units], 'float32')];
  },
};
