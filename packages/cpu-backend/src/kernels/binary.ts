import {
  DTypeError,
  util,
  type BinaryKernelName,
  type ComparisonKernelName,
  type DType,
  type KernelConfig,
  type TypedArray,
} from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { BINARY_OPS, COMPARE_OPS, addRowsFits, addRowsWasm, binaryWasm, compareScalarWasm, useVectorLoops } from '../util/elementwise_wasm.js';
import { forEachBroadcastRow } from '../util/rows.js';

/**
 * One row of a binary kernel: `out[o + k] = a[i + k*sa] OP b[j + k*sb]` for `k < n`.
 * Each kernel has its own row function with its operation written inline, so V8
 * compiles one tight loop per kernel; {@link forEachBroadcastRow} supplies the rows
 * (a single row when the shapes are equal or one side is a scalar).
 */
type Row = (out: TypedArray, o: number, n: number, a: TypedArray, i: number, sa: number, b: TypedArray, j: number, sb: number) => void;

/** `a ** b`, except that 1 ** anything and (-1) ** +-Infinity are 1, as in C and NumPy (JS says NaN). */
function powFloat(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b);
}

/** `a ** b` in wrapping int32 arithmetic; a negative exponent gives the truncated `1 / a ** -b`. */
function powInt(base: number, exp: number): number {
  if (exp < 0) return base === 1 ? 1 : base === -1 ? (exp & 1 ? -1 : 1) : 0;
  let r = 1;
  for (; exp > 0; exp >>>= 1) {
    if (exp & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

/** Python's `%`: the result has the sign of the divisor (a zero too, as NumPy: -6 % 3 is +0, 6 % -3 is -0). */
function floorMod(x: number, y: number): number {
  const r = x % y;
  if (r === 0) return y < 0 ? -0 : 0;
  return r < 0 !== y < 0 ? r + y : r;
}

/*
 * Rows of the arithmetic kernels. The same code serves int32 where plain double
 * arithmetic is exact and the Int32Array store wraps it (Add, Sub, Maximum, Minimum,
 * FloorDiv, Mod; x/0 and 0/0 store as 0); Mul, Div, Pow and SquaredDifference have
 * int32 rows of their own.
 */
const FLOAT_ROWS: { readonly [K in BinaryKernelName]: Row } = {
  // The four that training runs most (optimizer updates, dropout, losses) have loops of
  // their own for the two common rows, equal shapes and a scalar on either side: a loop
  // with one index measured 1.6-2x faster than the strided one (~1.2 vs ~2 ns an element).
  Add: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 1) for (let k = 0; k < n; k++) out[o + k] = a[i + k] + b[j + k];
    else if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = a[i + k] + y; }
    else if (sa === 0 && sb === 1) { const x = a[i]; for (let k = 0; k < n; k++) out[o + k] = x + b[j + k]; }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] + b[j];
  },
  Sub: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 1) for (let k = 0; k < n; k++) out[o + k] = a[i + k] - b[j + k];
    else if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = a[i + k] - y; }
    else if (sa === 0 && sb === 1) { const x = a[i]; for (let k = 0; k < n; k++) out[o + k] = x - b[j + k]; }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] - b[j];
  },
  Mul: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 1) for (let k = 0; k < n; k++) out[o + k] = a[i + k] * b[j + k];
    else if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = a[i + k] * y; }
    else if (sa === 0 && sb === 1) { const x = a[i]; for (let k = 0; k < n; k++) out[o + k] = x * b[j + k]; }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] * b[j];
  },
  Div: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 1) for (let k = 0; k < n; k++) out[o + k] = a[i + k] / b[j + k];
    else if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = a[i + k] / y; }
    else if (sa === 0 && sb === 1) { const x = a[i]; for (let k = 0; k < n; k++) out[o + k] = x / b[j + k]; }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] / b[j];
  },
  Pow: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = powFloat(a[i], b[j]); },
  Maximum: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = Math.max(a[i], b[j]); },
  Minimum: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = Math.min(a[i], b[j]); },
  SquaredDifference: (out, o, n, a, i, sa, b, j, sb) => {
    for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = (a[i] - b[j]) * (a[i] - b[j]);
  },
  FloorDiv: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = Math.floor(a[i] / b[j]); },
  Mod: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = floorMod(a[i], b[j]); },
};

const INT_ROWS: { readonly [K in BinaryKernelName]: Row } = {
  ...FLOAT_ROWS,
  Mul: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = Math.imul(a[i], b[j]); },
  // Truncates toward zero, as C and TensorFlow's integer Div (FloorDiv floors).
  Div: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = (a[i] / b[j]) | 0; },
  Pow: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = powInt(a[i], b[j]); },
  SquaredDifference: (out, o, n, a, i, sa, b, j, sb) => {
    for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = Math.imul((a[i] - b[j]) | 0, (a[i] - b[j]) | 0);
  },
};

// `+(x < y)` compiles without a branch: on unpredictable data it measured 12x faster than `x < y ? 1 : 0`.
// The ordered comparisons have a loop of their own against a scalar (relu's gradient, dropout's mask).
const COMPARISON_ROWS: { readonly [K in ComparisonKernelName]: Row } = {
  Equal: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] === b[j]); },
  NotEqual: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] !== b[j]); },
  Less: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = +(a[i + k] < y); }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] < b[j]);
  },
  LessEqual: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = +(a[i + k] <= y); }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] <= b[j]);
  },
  Greater: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = +(a[i + k] > y); }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] > b[j]);
  },
  GreaterEqual: (out, o, n, a, i, sa, b, j, sb) => {
    if (sa === 1 && sb === 0) { const y = b[j]; for (let k = 0; k < n; k++) out[o + k] = +(a[i + k] >= y); }
    else for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] >= b[j]);
  },
  LogicalAnd: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] !== 0) & +(b[j] !== 0); },
  LogicalOr: (out, o, n, a, i, sa, b, j, sb) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = +(a[i] !== 0) | +(b[j] !== 0); },
};

/**
 * The size of `shape` when, leading 1s aside, it is the trailing dimensions of `outShape`
 * (so it repeats along the leading ones: a bias); 0 otherwise.
 */
function trailingSize(shape: readonly number[], outShape: readonly number[]): number {
  let d = 0;
  while (d < shape.length && shape[d] === 1) d++;
  const tail = shape.length - d;
  if (tail === 0 || tail > outShape.length) return 0;
  for (let k = 0; k < tail; k++) if (shape[d + k] !== outShape[outShape.length - tail + k]) return 0;
  return util.sizeFromShape(shape);
}

/**
 * The float32 passes that run on WebAssembly SIMD (unless `setVectorImplementation('js')`):
 * Add, Sub, Mul, Div of whole arrays or with a scalar, a bias added to every row (`a`
 * whole, `b` its trailing `inner` values), and comparisons against a scalar (relu's
 * gradient mask, dropout's). Returns false for anything else, which the rows below compute.
 */
function vectorPath(kernelName: string, av: Float32Array, bv: Float32Array, out: TypedArray, inner: number): boolean {
  if (!useVectorLoops() || out.length <= 1) return false;
  const n = out.length;
  if (kernelName in BINARY_OPS && (av.length === n || av.length === 1) && (bv.length === n || bv.length === 1)) {
    binaryWasm(av, bv, kernelName as keyof typeof BINARY_OPS, out as Float32Array);
    return true;
  }
  if (kernelName === 'Add' && inner > 1 && inner === bv.length && addRowsFits(inner)) {
    addRowsWasm(av, bv, out as Float32Array);
    return true;
  }
  if (kernelName in COMPARE_OPS && av.length === n && bv.length === 1) {
    compareScalarWasm(av, bv[0], kernelName as keyof typeof COMPARE_OPS, out as Uint8Array);
    return true;
  }
  return false;
}

const NUMERIC: readonly DType[] = ['float32', 'int32'];
const ANY: readonly DType[] = ['float32', 'int32', 'bool'];
const BOOL: readonly DType[] = ['bool'];

function binaryConfig<K extends BinaryKernelName | ComparisonKernelName>(
  kernelName: K,
  dtypes: readonly DType[],
  rowFor: (dtype: DType) => Row,
  outDType: (dtype: DType) => DType,
): KernelConfig<K, CpuBackend> {
  return {
    kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs: [a, b], backend }) => {
      if (a.dtype !== b.dtype || !dtypes.includes(a.dtype)) {
        throw new DTypeError(
          `${kernelName} (cpu): expected a and b of the same dtype, ${dtypes.join(' or ')}, but got ${a.dtype} and ${b.dtype}`,
        );
      }
      const outShape = util.broadcastShapes(kernelName, a.shape, b.shape);
      const dtype = outDType(a.dtype);
      const out = backend.alloc(dtype, util.sizeFromShape(outShape));
      const row = rowFor(a.dtype);
      const av = backend.values(a);
      const bv = backend.values(b);
      const inner = util.shapesEqual(a.shape, outShape) ? trailingSize(b.shape, outShape) : 0;
      const innerA = inner === 0 && util.shapesEqual(b.shape, outShape) ? trailingSize(a.shape, outShape) : 0;
      if (a.dtype === 'float32' && vectorPath(kernelName, av as Float32Array, bv as Float32Array, out, inner)) {
        return backend.output(out, outShape, dtype);
      }
      // A bias added to every row ([n, c] + [c], [n, h, w, c] + [c]): rows of `inner` in a plain loop.
      if (inner > 1) for (let o = 0; o < out.length; o += inner) row(out, o, inner, av, o, 1, bv, 0, 1);
      else if (innerA > 1) for (let o = 0; o < out.length; o += innerA) row(out, o, innerA, av, 0, 1, bv, o, 1);
      else forEachBroadcastRow(outShape, [a.shape, b.shape], (n, off, st) => row(out, off[0], n, av, off[1], st[1], bv, off[2], st[2]));
      return backend.output(out, outShape, dtype);
    },
  };
}

const sameDType = (dtype: DType) => dtype;
const toBool = () => 'bool' as const;

/** The CPU configs of `BINARY_KERNELS`: float32 or int32 pairs, NumPy broadcasting, same dtype out. */
export const binaryConfigs = (Object.keys(FLOAT_ROWS) as BinaryKernelName[]).map((name) =>
  binaryConfig(name, NUMERIC, (dtype) => (dtype === 'int32' ? INT_ROWS : FLOAT_ROWS)[name], sameDType),
);

/** The CPU configs of `COMPARISON_KERNELS`: bool out; LogicalAnd/LogicalOr take bool, the others any dtype pair. */
export const comparisonConfigs = (Object.keys(COMPARISON_ROWS) as ComparisonKernelName[]).map((name) =>
  binaryConfig(name, name === 'LogicalAnd' || name === 'LogicalOr' ? BOOL : ANY, () => COMPARISON_ROWS[name], toBool),
);
