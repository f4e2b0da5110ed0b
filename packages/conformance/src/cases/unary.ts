import * as tf from '@tessera/tensor';
import { ValueError, type Tensor, type UnaryKernelName } from '@tessera/tensor';
import { UNARY_FNS } from '../reference/index.js';
import { unaryKernel } from './builders.js';
import { near, nearMultiple, rand } from './inputs.js';
import type { KernelCases } from './types.js';

/** Only relative error counts: tiny exact results must come out tiny, not 0. */
const RELATIVE = { atol: 0 } as const;

/** Cases of the one-input elementwise kernels, LeakyRelu and ClipByValue. */
export const UNARY_CASES: Record<UnaryKernelName | 'LeakyRelu' | 'ClipByValue', KernelCases> = {
  Neg: unaryKernel({ op: 'neg', run: tf.neg, fn: UNARY_FNS.Neg, int32: true, special: [0, Infinity, -Infinity], int32Special: [16777217, -2147483647] }),
  Abs: unaryKernel({ op: 'abs', run: tf.abs, fn: UNARY_FNS.Abs, int32: true, special: [-0, -Infinity, 2.5], int32Special: [-16777217, 2147483647], kinks: near(0) }),
  Exp: unaryKernel({ op: 'exp', run: tf.exp, fn: UNARY_FNS.Exp, special: [-100, 0, 1, 20, 88, 89, -Infinity] }),
  Log: unaryKernel({
    op: 'log',
    run: tf.log,
    fn: UNARY_FNS.Log,
    domain: [0.05, 5],
    special: [0, 1, Math.E, 1e-30, 1e30, Infinity, -1],
    gradDomain: [0.5, 3],
  }),
  Log1p: unaryKernel({
    op: 'log1p',
    run: tf.log1p,
    fn: UNARY_FNS.Log1p,
    domain: [-0.9, 3],
    special: [1e-7, -1e-7, 1e-20, 0, -1],
    specialTolerance: RELATIVE,
    gradDomain: [-0.5, 3],
  }),
  Sqrt: unaryKernel({ op: 'sqrt', run: tf.sqrt, fn: UNARY_FNS.Sqrt, domain: [0, 5], special: [0, 4, 1e-8, 1e30, Infinity, -1], gradDomain: [0.5, 3] }),
  Rsqrt: unaryKernel({ op: 'rsqrt', run: tf.rsqrt, fn: UNARY_FNS.Rsqrt, domain: [0.1, 5], special: [0, 0.25, 4, 1e-30, Infinity], gradDomain: [0.5, 3] }),
  Square: unaryKernel({ op: 'square', run: tf.square, fn: UNARY_FNS.Square, int32: true, special: [-1e20, 1e20, -Infinity], int32Special: [46340, -4097] }),
  Sign: unaryKernel({ op: 'sign', run: tf.sign, fn: UNARY_FNS.Sign, int32: true, special: [0, -3, 1e-30, -Infinity, Infinity], int32Special: [-2147483648, 0, 2147483647], kinks: near(0) }),
  Floor: unaryKernel({ op: 'floor', run: tf.floor, fn: UNARY_FNS.Floor, special: [-1.5, -1, -0.5, 0, 0.5, 1, 2.999, -1e7 - 1], kinks: nearMultiple(1) }),
  Ceil: unaryKernel({ op: 'ceil', run: tf.ceil, fn: UNARY_FNS.Ceil, special: [-1.5, -1, -0.5, 0, 0.5, 1, 2.001, 1e7 + 1], kinks: nearMultiple(1) }),
  Round: unaryKernel({
    op: 'round',
    run: tf.round,
    fn: UNARY_FNS.Round,
    // Half to even at every tie, and the largest float32 below 0.5 (a naive floor(x + 0.5) gives 1).
    special: [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49999997, -1.7, 2.2, 8388609],
    kinks: nearMultiple(1, 0.5),
  }),
  Relu: unaryKernel({ op: 'relu', run: tf.relu, fn: UNARY_FNS.Relu, special: [-Infinity, -1e-30, 0, 1e-30, Infinity], kinks: near(0) }),
  Relu6: unaryKernel({ op: 'relu6', run: tf.relu6, fn: UNARY_FNS.Relu6, domain: [-2, 8], special: [-1, 0, 3, 6, 7, Infinity], kinks: near(0, 6) }),
  Elu: unaryKernel({ op: 'elu', run: tf.elu, fn: UNARY_FNS.Elu, special: [-50, -1e-6, 0, 1e-6, 50], kinks: near(0) }),
  Selu: unaryKernel({ op: 'selu', run: tf.selu, fn: UNARY_FNS.Selu, special: [-50, -1, 0, 1, 50], kinks: near(0) }),
  Sigmoid: unaryKernel({ op: 'sigmoid', run: tf.sigmoid, fn: UNARY_FNS.Sigmoid, special: [-100, -20, 0, 20, 100, -Infinity, Infinity] }),
  Tanh: unaryKernel({ op: 'tanh', run: tf.tanh, fn: UNARY_FNS.Tanh, special: [-50, -20, -1e-4, 0, 1e-4, 20, 50, Infinity] }),
  Softplus: unaryKernel({
    op: 'softplus',
    run: tf.softplus,
    fn: UNARY_FNS.Softplus,
    // log(1 + e^x) computed naively gives 0 at -50 and overflows past 88.
    special: [-50, -20, 0, 20, 50, 100],
    specialTolerance: RELATIVE,
  }),
  Softsign: unaryKernel({ op: 'softsign', run: tf.softsign, fn: UNARY_FNS.Softsign, special: [-1e30, -1, 0, 1, 1e30] }),
  Erf: unaryKernel({ op: 'erf', run: tf.erf, fn: UNARY_FNS.Erf, special: [0, 1e-5, 0.5, -1, 2, 3, -5, Infinity] }),
  LeakyRelu: unaryKernel({
    op: 'leakyRelu',
    run: (x: Tensor) => tf.leakyRelu(x, 0.1),
    fn: (v) => (v > 0 ? v : 0.1 * v),
    special: [-50, 0, 50],
    kinks: near(0),
  }),
  ClipByValue: unaryKernel({
    op: 'clipByValue',
    run: (x: Tensor) => tf.clipByValue(x, -1, 1.5),
    fn: (v) => Math.min(Math.max(v, -1), 1.5),
    special: [-Infinity, -1, 0, 1.5, 2, Infinity],
    kinks: near(-1, 1.5),
    errors: [
      { name: 'min > max throws ValueError', inputs: [rand([3])], run: (x) => tf.clipByValue(x, 1, -1), error: ValueError },
    ],
  }),
};
