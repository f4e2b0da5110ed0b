import { BackendError, type KernelConfig, type TypedArray } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { cellInPlace, gruRowsInPlace, gruRowsWasm, useCellLoops } from '../util/cell_wasm.js';
import type { RowWriter } from '../util/epilogue.js';
import { matMulInto, matMulRows } from '../util/matmul.js';
import { tensorArena } from '../util/arena.js';
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
 * out: two outputs (`h'` and the z, r, hh, hz_h the gradient reads), nothing else. Where
 * the arrays live in the shared WebAssembly memory, the GEMM writes its sums into the
 * first three units of each row of the gates and the update runs there in place, split by
 * rows between the threads.
 */
export const gruCellConfig: KernelConfig<'GRUCell', CpuBackend> = {
  kernelName: 'GRUCell',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [xw, h, kernel, bias], backend }) => {
    const [batch, units] = h.shape;
    const gates = backend.alloc('float32', batch * 4 * units) as Float32Array;
    const hNext = backend.alloc('float32', batch * units) as Float32Array;
    const [xwv, hv, bv] = [backend.values(xw), backend.values(h), backend.values(bias)];
    const hView = { data: hv, offset: 0, rowStride: units, colStride: 1 };
    const kView = { data: backend.values(kernel), offset: 0, rowStride: 3 * units, colStride: 1 };
    if (cellInPlace(units, [xwv, hv, gates, hNext])) {
      // A bias shorter than the arena's smallest tensors lives in ordinary memory: staged there for the call.
      const arena = tensorArena()!;
      const staged = arena.owns(bv) ? undefined : (arena.array('float32', bv.length) as Float32Array | undefined);
      staged?.set(bv);
      try {
        const b = staged ?? bv;
        if (arena.owns(b) && matMulInto(hView, kView, batch, 3 * units, units, gates, undefined, 4 * units)) {
          // Every array was checked to be in the shared memory: the update cannot decline.
          if (!gruRowsInPlace(batch, units, xwv, hv, b, gates, hNext)) throw new BackendError('GRUCell (cpu): the in-place update declined after the product');
          return [backend.output(hNext, [batch, units], 'float32'), backend.output(gates, [batch, 4 * units], 'float32')];
        }
      } finally {
        if (staged) arena.releaseArray(staged);
      }
    }
    matMulRows(hView, kView, batch, 3 * units, units, gates, gruRows(units, xwv, hv, bv, gates, hNext));
    return [backend.output(hNext, [batch, units], 'float32'), backend.output(gates, [batch, 4 * units], 'float32')];
  },
};
