import { util, type KernelConfig, type TypedArray, type UnaryKernelName } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { bitsOf } from '../util/bits.js';
import { reluWasm, useVectorLoops } from '../util/elementwise_wasm.js';
import { elu, erf, relu6, roundHalfToEven, sign, sigmoid, softplus } from '../util/scalar_math.js';

/**
 * One unary kernel over a whole array: `out[i] = f(x[i])`. Each kernel has its own loop,
 * written out below, because V8 inlines `f` only into a loop that calls nothing else:
 * one shared loop over a table of scalar functions measured 15 ns per element for Relu,
 * against about 1 ns here.
 */
type UnaryLoop = (x: TypedArray, out: TypedArray) => void;

// Keras's SELU constants (Klambauer et al. 2017).
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const selu = (v: number) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
const softsign = (v: number) => v / (1 + Math.abs(v));

/**
 * Relu on the bit patterns: a set sign bit (negative numbers, -0) clears the value to +0
 * unless it is a NaN, which passes as Math.max would pass it. Branch-free: `Math.max(v, 0)`
 * branches on the sign, which mispredicts on a layer's mixed signs (about 6x slower).
 * The same on WebAssembly SIMD unless `setVectorImplementation('js')`.
 */
function reluBits(x: TypedArray, o: TypedArray): void {
  if (useVectorLoops()) return reluWasm(x as Float32Array, o as Float32Array);
  const [xi, oi] = [bitsOf(x), bitsOf(o)];
  for (let i = 0; i < xi.length; i++) {
    const v = xi[i];
    const notNaN = +((v & 0x7fffffff) > 0x7f800000) - 1;
    oi[i] = v & ~((v >> 31) & notNaN);
  }
}

/** The float32 loops of the unary kernels. */
const FLOAT_LOOPS: { readonly [K in UnaryKernelName]: UnaryLoop } = {
  Neg: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = -x[i]; },
  Abs: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.abs(x[i]); },
  Exp: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]); },
  Log: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.log(x[i]); },
  Log1p: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.log1p(x[i]); },
  Sqrt: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]); },
  Rsqrt: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = 1 / Math.sqrt(x[i]); },
  Square: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = x[i] * x[i]; },
  Sign: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = sign(x[i]); },
  Floor: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.floor(x[i]); },
  Ceil: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.ceil(x[i]); },
  Round: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = roundHalfToEven(x[i]); },
  Relu: reluBits,
  Relu6: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = relu6(x[i]); },
  Elu: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = elu(x[i]); },
  Selu: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = selu(x[i]); },
  Sigmoid: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = sigmoid(x[i]); },
  Tanh: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.tanh(x[i]); },
  Softplus: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = softplus(x[i]); },
  Softsign: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = softsign(x[i]); },
  Erf: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = erf(x[i]); },
};

/**
 * The kernels that also take int32, with int32 out. Storing into an Int32Array wraps,
 * so -(-2^31) and |-2^31| give -2^31 as in int32 arithmetic; Square needs Math.imul
 * because a double product loses the low bits past 2^53.
 */
const INT_LOOPS: { readonly [K in UnaryKernelName]?: UnaryLoop } = {
  Neg: FLOAT_LOOPS.Neg,
  Abs: FLOAT_LOOPS.Abs,
  Sign: FLOAT_LOOPS.Sign,
  Square: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.imul(x[i], x[i]); },
};

function unaryConfig<K extends UnaryKernelName>(kernelName: K): KernelConfig<K, CpuBackend> {
  const dtypes = INT_LOOPS[kernelName] ? (['float32', 'int32'] as const) : (['float32'] as const);
  return {
    kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs: [x], backend }) => {
      backend.assertDType(kernelName, x, dtypes);
      const loop = x.dtype === 'int32' ? INT_LOOPS[kernelName]! : FLOAT_LOOPS[kernelName];
      const out = backend.alloc(x.dtype, util.sizeFromShape(x.shape));
      loop(backend.values(x), out);
      return backend.output(out, x.shape, x.dtype);
    },
  };
}

/** The CPU configs of every kernel in `UNARY_KERNELS` (float32 in and out; Neg, Abs, Square, Sign also int32). */
export const unaryConfigs = (Object.keys(FLOAT_LOOPS) as UnaryKernelName[]).map((name) => unaryConfig(name));
