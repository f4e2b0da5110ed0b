import { util, type DType, type KernelConfig, type KernelName, type TensorInfo, type TypedArray } from '@tessera/tensor';
import { broadcastOffsets, offsetsOf } from './indexing.js';
import type { TinyBackend } from './tiny_backend.js';

type Tiny<K extends KernelName> = KernelConfig<K, TinyBackend>;

/** One elementwise kernel over any number of broadcast inputs. */
function elementwise<K extends KernelName>(
  kernelName: K,
  f: (...v: number[]) => number,
  dtypeOf: (inputs: readonly TensorInfo[]) => DType = (inputs) => inputs[inputs.length - 1].dtype,
): Tiny<K> {
  return {
    kernelName,
    backendName: 'tiny',
    kernelFunc: ({ inputs, backend }) => {
      const shape = util.broadcastShapes(kernelName, ...inputs.map((t) => t.shape));
      const arrays = inputs.map((t) => backend.readSync(t.dataId));
      const offsets = inputs.map((t) => broadcastOffsets(t.shape, shape));
      const dtype = dtypeOf(inputs);
      // int32 products must wrap like int32, not round through float64.
      const g = dtype === 'int32' && kernelName === 'Mul' ? (a: number, b: number) => Math.imul(a, b) : f;
      return backend.output(shape, dtype, (out) => {
        for (let i = 0; i < out.length; i++) out[i] = g(...arrays.map((a, k) => a[offsets[k][i]]));
      });
    },
  };
}

const sum: Tiny<'Sum'> = {
  kernelName: 'Sum',
  backendName: 'tiny',
  kernelFunc: ({ inputs: [x], attrs: { axes }, backend }) => {
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const shape = kept.map((i) => x.shape[i]);
    const strides = util.computeStrides(shape);
    const target = offsetsOf(x.shape, (index) => kept.reduce((o, axis, j) => o + index[axis] * strides[j], 0));
    const values = backend.readSync(x.dataId);
    return backend.output(shape, x.dtype, (out) => {
      for (let i = 0; i < values.length; i++) out[target[i]] += values[i];
    });
  },
};

const tile: Tiny<'Tile'> = {
  kernelName: 'Tile',
  backendName: 'tiny',
  kernelFunc: ({ inputs: [x], attrs: { reps }, backend }) => {
    const shape = x.shape.map((d, i) => d * reps[i]);
    const strides = util.computeStrides(x.shape);
    const source = offsetsOf(shape, (index) => index.reduce((o, v, d) => o + (v % x.shape[d]) * strides[d], 0));
    const values = backend.readSync(x.dataId);
    return backend.output(shape, x.dtype, (out) => source.forEach((s, i) => (out[i] = values[s])));
  },
};

/** Batched matrix product: batch dims broadcast, either operand optionally transposed. */
const matMul: Tiny<'MatMul'> = {
  kernelName: 'MatMul',
  backendName: 'tiny',
  kernelFunc: ({ inputs: [a, b], attrs: { transposeA, transposeB }, backend }) => {
    const [ra, rb] = [a.shape.length, b.shape.length];
    const m = a.shape[ra - (transposeA ? 1 : 2)];
    const k = a.shape[ra - (transposeA ? 2 : 1)];
    const n = b.shape[rb - (transposeB ? 2 : 1)];
    const batch = util.broadcastShapes('MatMul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    // Offsets of each operand's matrix for every batch position (broadcast dims repeat).
    const aStarts = broadcastOffsets(a.shape.slice(0, -2), batch).map((o) => o * a.shape[ra - 2] * a.shape[ra - 1]);
    const bStarts = broadcastOffsets(b.shape.slice(0, -2), batch).map((o) => o * b.shape[rb - 2] * b.shape[rb - 1]);
    // Element (i, p) of op(a) and (p, j) of op(b), within one matrix.
    const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
    const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
    const va: TypedArray = backend.readSync(a.dataId);
    const vb: TypedArray = backend.readSync(b.dataId);
    const mul = a.dtype === 'int32' ? Math.imul : (x: number, y: number) => x * y;
    return backend.output([...batch, m, n], a.dtype, (out) => {
      let o = 0;
      for (let t = 0; t < aStarts.length; t++) {
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += mul(va[aStarts[t] + i * aRow + p * aCol], vb[bStarts[t] + p * bRow + j * bCol]);
            out[o++] = s;
          }
        }
      }
    });
  },
};

/** Every kernel of the tiny backend. */
export const tinyKernels = [
  elementwise('Add', (a, b) => a + b),
  elementwise('Sub', (a, b) => a - b),
  elementwise('Mul', (a, b) => a * b),
  elementwise('Neg', (x) => -x),
  elementwise('Exp', Math.exp),
  elementwise('Relu', (x) => Math.max(x, 0)),
  elementwise('Greater', (a, b) => (a > b ? 1 : 0), () => 'bool'),
  elementwise('Select', (c, a, b) => (c ? a : b)),
  sum,
  tile,
  matMul,
] as const;
