import { util, type DType, type KernelConfig, type ReduceKernelName, type TypedArray } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { checkAxes, moveAxesLast } from '../util/axes.js';
import { useVectorLoops } from '../util/elementwise_wasm.js';
import { sumRowsFits, sumRowsWasm } from '../util/sum_rows_wasm.js';

/** Reduces `n` contiguous values from `off` to one; `n = 0` gives the identity of the reduction. */
type Reducer = (x: TypedArray, off: number, n: number) => number;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const sumFloat: Reducer = (x, off, n) => {
  let s = 0; // accumulates in double precision
  for (let i = off, e = off + n; i < e; i++) s += x[i];
  return s;
};
const sumInt: Reducer = (x, off, n) => {
  let s = 0;
  for (let i = off, e = off + n; i < e; i++) s = (s + x[i]) | 0;
  return s;
};
const prodFloat: Reducer = (x, off, n) => {
  let p = 1;
  for (let i = off, e = off + n; i < e; i++) p *= x[i];
  return p;
};
const prodInt: Reducer = (x, off, n) => {
  let p = 1;
  for (let i = off, e = off + n; i < e; i++) p = Math.imul(p, x[i]);
  return p;
};
// Math.max and Math.min propagate NaN.
const maxFrom =
  (init: number): Reducer =>
  (x, off, n) => {
    let m = init;
    for (let i = off, e = off + n; i < e; i++) m = Math.max(m, x[i]);
    return m;
  };
const minFrom =
  (init: number): Reducer =>
  (x, off, n) => {
    let m = init;
    for (let i = off, e = off + n; i < e; i++) m = Math.min(m, x[i]);
    return m;
  };
const all: Reducer = (x, off, n) => {
  for (let i = off, e = off + n; i < e; i++) if (x[i] === 0) return 0;
  return 1;
};
const any: Reducer = (x, off, n) => {
  for (let i = off, e = off + n; i < e; i++) if (x[i] !== 0) return 1;
  return 0;
};

/** Each reduction's function per input dtype it accepts; the output keeps the dtype. */
const REDUCERS: { readonly [K in ReduceKernelName]: Partial<Record<DType, Reducer>> } = {
  Sum: { float32: sumFloat, int32: sumInt },
  Prod: { float32: prodFloat, int32: prodInt },
  Max: { float32: maxFrom(-Infinity), int32: maxFrom(INT32_MIN) },
  Min: { float32: minFrom(Infinity), int32: minFrom(INT32_MAX) },
  All: { bool: all },
  Any: { bool: any },
};

/** Whether every reduced axis (of size > 1) comes before every kept one: the sums then run down the columns of `[reduced, kept]`. */
function reducesLeadingAxes(shape: readonly number[], axes: readonly number[]): boolean {
  let keptSeen = false;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    if (!axes.includes(d)) keptSeen = true;
    else if (keptSeen) return false;
  }
  return true;
}

/**
 * Sums the rows of `x` read as `[rows, cols]` (the bias gradients of Dense and Conv2D:
 * a sum over the batch and pixels): one pass down the rows into double-precision column
 * sums, instead of a transpose and then a pass per column. Four rows are added together
 * before each column sum is updated, which quarters the loads and stores of the sums
 * (measured about 2x faster for a conv layer's `[128 * 24 * 24, 32]`). The reference of
 * `sumRowsWasm`, which runs instead where the vector loops are WebAssembly (the same bits,
 * about 2-2.5x faster again).
 */
export function sumLeading(x: TypedArray, cols: number): Float32Array {
  if (x instanceof Float32Array && useVectorLoops() && sumRowsFits(cols)) return sumRowsWasm(x, cols);
  const acc = new Float64Array(cols);
  const rows = cols === 0 ? 0 : x.length / cols;
  let i = 0;
  for (let r = 0; r + 4 <= rows; r += 4, i += 4 * cols) {
    const [i1, i2, i3] = [i + cols, i + 2 * cols, i + 3 * cols];
    for (let j = 0; j < cols; j++) acc[j] += x[i + j] + x[i1 + j] + x[i2 + j] + x[i3 + j];
  }
  for (; i < x.length; i += cols) for (let j = 0; j < cols; j++) acc[j] += x[i + j];
  return Float32Array.from(acc);
}

function reduceConfig<K extends ReduceKernelName>(kernelName: K): KernelConfig<K, CpuBackend> {
  const byDType = REDUCERS[kernelName];
  const dtypes = Object.keys(byDType) as DType[];
  return {
    kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs: [x], attrs, backend }) => {
      backend.assertDType(kernelName, x, dtypes);
      const axes = checkAxes(kernelName, attrs.axes, x.shape.length);
      const reduce = byDType[x.dtype]!;
      const outShape = util.reducedShape(x.shape, axes);
      if (kernelName === 'Sum' && x.dtype === 'float32' && reducesLeadingAxes(x.shape, axes)) {
        return backend.output(sumLeading(backend.values(x), util.sizeFromShape(outShape)), outShape, x.dtype);
      }
      const { values, outer, inner } = moveAxesLast(backend.values(x), x.shape, x.dtype, axes);
      const out = util.makeTypedArray(x.dtype, outer);
      for (let o = 0; o < outer; o++) out[o] = reduce(values, o * inner, inner);
      return backend.output(out, outShape, x.dtype);
    },
  };
}

/**
 * The CPU configs of `REDUCE_KERNELS`: Sum, Prod, Max, Min on float32 or int32, All and
 * Any on bool, over sorted `attrs.axes`; the output drops those axes. Reduced axes are
 * moved innermost, then each contiguous run is reduced. Empty runs give 0, 1,
 * -Infinity, +Infinity (int32: its min and max), true and false; Max and Min propagate NaN.
 */
export const reduceConfigs = (Object.keys(REDUCERS) as ReduceKernelName[]).map((name) => reduceConfig(name));
