import type { KernelConfig, TypedArray } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { cellInPlace, lstmRowsInPlace, lstmRowsWasm, useCellLoops } from '../util/cell_wasm.js';
import type { RowWriter } from '../util/epilogue.js';
import { matMulInto, matMulRows } from '../util/matmul.js';
import { sigmoid } from '../util/scalar_math.js';

/**
 * The LSTM update of whole rows, written as the GEMM hands over rows of `h @ recurrentKernel`
 * (still in cache): adds `xw`, applies the gate activations, and writes the gates, `c'`
 * and `h'`: on WebAssembly SIMD in float32 where the units fill whole vectors (see
 * `useCellLoops`), else here in double, each output rounded once as it is stored.
 */
function lstmRows(u: number, xw: TypedArray, c: TypedArray, gates: Float32Array, hNext: Float32Array, cNext: Float32Array): RowWriter {
  const n = 4 * u;
  return {
    rows(src, s, stride, _dst, d, m) {
      if (useCellLoops(u)) return lstmRowsWasm({ src, s, stride, width: n }, d / n, m, u, xw, c, gates, hNext, cNext);
      for (let i = 0; i < m; i++) {
        const z = s + i * stride;
        const g = (d / n + i) * n;
        const r = (d / n + i) * u;
        for (let j = 0; j < u; j++) {
          const gi = sigmoid(src[z + j] + xw[g + j]);
          const gf = sigmoid(src[z + u + j] + xw[g + u + j]);
          const gc = Math.tanh(src[z + 2 * u + j] + xw[g + 2 * u + j]);
          const go = sigmoid(src[z + 3 * u + j] + xw[g + 3 * u + j]);
          gates[g + j] = gi;
          gates[g + u + j] = gf;
          gates[g + 2 * u + j] = gc;
          gates[g + 3 * u + j] = go;
          const cn = gf * c[r + j] + gi * gc;
          cNext[r + j] = cn;
          hNext[r + j] = go * Math.tanh(cn);
        }
      }
    },
  };
}

/**
 * LSTMCell: one Keras LSTM step. `h @ recurrentKernel` runs on the GEMM (WebAssembly SIMD
 * where available) and the whole cell update is applied as its rows are copied out, so
 * the step makes its three outputs (`h'`, `c'`, the gate activations the gradient reads)
 * and nothing else. The op has checked the shapes.
 */
export const lstmCellConfig: KernelConfig<'LSTMCell', CpuBackend> = {
  kernelName: 'LSTMCell',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [xw, h, c, kernel], backend }) => {
    const [batch, units] = h.shape;
    const gates = backend.alloc('float32', batch * 4 * units) as Float32Array;
    const hNext = backend.alloc('float32', batch * units) as Float32Array;
    const cNext = backend.alloc('float32', batch * units) as Float32Array;
    const [xwv, cv] = [backend.values(xw), backend.values(c)];
    const hView = { data: backend.values(h), offset: 0, rowStride: units, colStride: 1 };
    const kView = { data: backend.values(kernel), offset: 0, rowStride: 4 * units, colStride: 1 };
    // In WebAssembly memory: the sums straight into `gates`, then the update there, on both threads.
    if (cellInPlace(units, [xwv, cv, gates, hNext, cNext]) && matMulInto(hView, kView, batch, 4 * units, units, gates)) {
      lstmRowsInPlace(batch, units, xwv, cv, gates, hNext, cNext);
    } else {
      matMulRows(hView, kView, batch, 4 * units, units, gates, lstmRows(units, xwv, cv, gates, hNext, cNext));
    }
    return [
      backend.output(hNext, [batch, units], 'float32'),
      backend.output(cNext, [batch, units], 'float32'),
      backend.output(gates, [batch, 4 * units], 'float32'),
    ];
  },
};
