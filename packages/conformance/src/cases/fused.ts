import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, ValueError, type FusedActivation, type KernelName, type Tensor } from '@tessera/tensor';
import { biasActivationRef, conv2dRef, matMulRef, type RefTensor, type WindowRef } from '../reference/index.js';
import { ints, rand, vals } from './inputs.js';
import { ACCUMULATION_TOLERANCE } from './matmul.js';
import type { ErrorCase, InputSpec, KernelCases, ValueCase } from './types.js';

/** Every fused activation, each tested with and without a bias (written out: the list under test is not trusted). */
const ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leakyRelu'];

/** The kernels each activation's gradient runs (read off the saved output). */
const ACTIVATION_GRAD_NEEDS: { readonly [A in FusedActivation]: readonly KernelName[] } = {
  linear: [],
  relu: ['Greater', 'Select'],
  relu6: ['Greater', 'Less', 'LogicalAnd', 'Select'],
  sigmoid: ['Mul', 'Sub'],
  tanh: ['Mul', 'Sub', 'Square'],
  elu: ['Greater', 'Select', 'Mul', 'Add'],
  leakyRelu: ['Greater', 'Select', 'Mul'],
};

/** The epilogue of a case: activation, its slope, and whether a bias input (the third) is given. */
interface Epilogue {
  readonly activation: FusedActivation;
  readonly alpha?: number;
  readonly bias?: boolean;
}

const r = (shape: number[]) => rand(shape);

/**
 * Inputs of a gradient case. Finite differences must not cross a kink of the activation
 * (or of its derivative, for elu), which sits at a pre-activation of 0 (and 6): with operands in [-0.25, 0.25] every product
 * here stays within ±1.2 of its bias, and biases cycling through -4, 3 and 9 keep each
 * column in one region (below 0, inside (0, 6), above 6), every region visited.
 * Smooth activations take operands in [-1, 1] and a random bias.
 */
const KINKED: ReadonlySet<FusedActivation> = new Set(['relu', 'relu6', 'leakyRelu', 'elu']);
const gradOperand = (shape: number[], e: Epilogue) => rand(shape, KINKED.has(e.activation) ? [-0.25, 0.25] : [-1, 1]);
const gradBias = (n: number, e: Epilogue) =>
  KINKED.has(e.activation) ? vals(Array.from({ length: n }, (_, i) => [-4, 3, 9][i % 3])) : rand([n], [-1, 1]);

/** Gradient cases need the activation's gradient kernels, Sum for the bias, and `base`. */
const gradNeeds = (e: Epilogue, base: readonly KernelName[]): KernelName[] => [
  ...base,
  ...ACTIVATION_GRAD_NEEDS[e.activation],
  ...(e.bias ? (['Sum'] as const) : []),
];

const describeEpilogue = (e: Epilogue) => `${e.activation}${e.alpha !== undefined ? ` (alpha ${e.alpha})` : ''}, ${e.bias ? 'bias' : 'no bias'}`;

interface MatMulFlags {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/** A fusedMatMul case: operand shapes as stored, the epilogue (a bias input of the output width), the transposes. */
function fusedMatMul(name: string, a: number[], b: number[], e: Epilogue, flags: MatMulFlags = {}, grad = false): ValueCase {
  const { transposeA = false, transposeB = false } = flags;
  if (grad && KINKED.has(e.activation) && !e.bias) throw new Error(`conformance: a ${e.activation} gradient case needs a bias to keep off the kinks`);
  const n = b[b.length - (transposeB ? 2 : 1)];
  const operands = grad ? [gradOperand(a, e), gradOperand(b, e)] : [r(a), r(b)];
  const inputs = e.bias ? [...operands, grad ? gradBias(n, e) : r([n])] : operands;
  return {
    name: `${describeEpilogue(e)}: ${name}`,
    tolerance: ACCUMULATION_TOLERANCE,
    inputs,
    op: (x: Tensor, y: Tensor, bias?: Tensor) => tf.fusedMatMul(x, y, { transposeA, transposeB, bias, activation: e.activation, alpha: e.alpha }),
    ref: (x: RefTensor, y: RefTensor, bias?: RefTensor) => biasActivationRef(matMulRef(x, y, transposeA, transposeB), bias, e.activation, e.alpha),
    needs: grad ? gradNeeds(e, ['MatMul']) : undefined,
  };
}

/** The options of a conv case, as the op takes them. */
export interface ConvOpts {
  readonly strides?: number;
  readonly padding?: 'valid' | 'same';
  readonly dilations?: number;
}

export const windowOf = (o: ConvOpts): WindowRef => ({
  strides: [o.strides ?? 1, o.strides ?? 1],
  dilations: [o.dilations ?? 1, o.dilations ?? 1],
  padding: o.padding ?? 'valid',
});

/** A fusedConv2d case: x and filter shapes, the window, the epilogue (a bias input of the filter's output channels). */
function fusedConv(name: string, x: number[], f: number[], o: ConvOpts, e: Epilogue, grad = false): ValueCase {
  if (grad && KINKED.has(e.activation) && !e.bias) throw new Error(`conformance: a ${e.activation} gradient case needs a bias to keep off the kinks`);
  const operands = grad ? [gradOperand(x, e), gradOperand(f, e)] : [r(x), r(f)];
  const inputs = e.bias ? [...operands, grad ? gradBias(f[3], e) : r([f[3]])] : operands;
  return {
    name: `${describeEpilogue(e)}: ${name}`,
    tolerance: ACCUMULATION_TOLERANCE,
    inputs,
    op: (a: Tensor, b: Tensor, bias?: Tensor) => tf.fusedConv2d(a, b, { ...o, bias, activation: e.activation, alpha: e.alpha }),
    ref: (a: RefTensor, b: RefTensor, bias?: RefTensor) => biasActivationRef(conv2dRef(a, b, windowOf(o)), bias, e.activation, e.alpha),
    needs: grad ? gradNeeds(e, ['Conv2DBackpropInput', 'Conv2DBackpropFilter']) : undefined,
  };
}

/** A misuse of a fused op given two or three inputs. */
function misuse(name: string, inputs: InputSpec[], run: (a: Tensor, b: Tensor, c?: Tensor) => unknown, error: ErrorCase['error']): ErrorCase {
  return { name, inputs, run: run as ErrorCase['run'], error };
}

const every = (make: (e: Epilogue) => ValueCase): ValueCase[] =>
  ACTIVATIONS.flatMap((activation) => [make({ activation, bias: true }), make({ activation })]);

const matMulWith = (o: tf.FusedMatMulOptions) => (a: Tensor, b: Tensor, bias?: Tensor) => tf.fusedMatMul(a, b, { bias, ...o });
const convWith = (o: tf.FusedConv2DOptions) => (a: Tensor, b: Tensor, bias?: Tensor) => tf.fusedConv2d(a, b, { bias, ...o });

/** Cases of the fused GEMM kernels: every activation with and without a bias, transposes, batches, edges. */
export const FUSED_CASES: Record<'FusedMatMul' | 'FusedConv2D', KernelCases> = {
  FusedMatMul: {
    op: 'fusedMatMul',
    values: [
      ...every((e) => fusedMatMul('[3, 4] x [4, 5]', [3, 4], [4, 5], e)),
      fusedMatMul('[3, 4] x [4, 5]', [3, 4], [4, 5], { activation: 'leakyRelu', alpha: 0.05, bias: true }),
      fusedMatMul('transposeA: [3, 2]ᵀ x [3, 4]', [3, 2], [3, 4], { activation: 'relu', bias: true }, { transposeA: true }),
      fusedMatMul('transposeB: [2, 3] x [4, 3]ᵀ', [2, 3], [4, 3], { activation: 'sigmoid', bias: true }, { transposeB: true }),
      fusedMatMul('both transposed: [3, 2]ᵀ x [4, 3]ᵀ', [3, 2], [4, 3], { activation: 'tanh', bias: true }, { transposeA: true, transposeB: true }),
      fusedMatMul('batch broadcast [2, 1, 2, 3] x [3, 3, 2]', [2, 1, 2, 3], [3, 3, 2], { activation: 'elu', bias: true }),
      fusedMatMul('batch [4, 2, 3] x [3, 5], past 6', [4, 2, 3], [3, 5], { activation: 'relu6', bias: true }),
      fusedMatMul('inner size 0 gives activation(bias)', [2, 0], [0, 3], { activation: 'sigmoid', bias: true }),
      fusedMatMul('no rows: [0, 3] x [3, 2]', [0, 3], [3, 2], { activation: 'relu', bias: true }),
      fusedMatMul('a row times a column: [1, 5] x [5, 1]', [1, 5], [5, 1], { activation: 'tanh', bias: true }),
      fusedMatMul('sizes off any tile: [17, 33] x [33, 9]', [17, 33], [33, 9], { activation: 'relu', bias: true }),
      fusedMatMul('off any tile, transposed: [33, 5]ᵀ x [9, 33]ᵀ', [33, 5], [9, 33], { activation: 'leakyRelu', bias: true }, { transposeA: true, transposeB: true }),
      fusedMatMul('large enough for tiled GEMMs: [48, 96] x [96, 64]', [48, 96], [96, 64], { activation: 'elu', bias: true }),
    ],
    grads: [
      ...ACTIVATIONS.map((activation) => fusedMatMul('[2, 3] x [3, 4]', [2, 3], [3, 4], { activation, bias: true }, {}, true)),
      fusedMatMul('transposeA', [3, 2], [3, 4], { activation: 'tanh' }, { transposeA: true }, true),
      fusedMatMul('transposeB', [2, 3], [4, 3], { activation: 'sigmoid', bias: true }, { transposeB: true }, true),
      fusedMatMul('both transposed', [3, 2], [4, 3], { activation: 'elu', bias: true }, { transposeA: true, transposeB: true }, true),
      fusedMatMul('batch broadcast [2, 1, 2, 3] x [3, 3, 2]', [2, 1, 2, 3], [3, 3, 2], { activation: 'relu', bias: true }, {}, true),
      fusedMatMul('b shared by the batch: [3, 2, 3] x [4, 3]ᵀ', [3, 2, 3], [4, 3], { activation: 'linear', bias: true }, { transposeB: true }, true),
      fusedMatMul('[2, 3] x [3, 4]', [2, 3], [3, 4], { activation: 'leakyRelu', alpha: 0.3, bias: true }, {}, true),
    ],
    errors: [
      misuse('a bias of 3 for 4 output columns throws ShapeError', [r([2, 3]), r([3, 4]), r([3])], matMulWith({}), ShapeError),
      misuse('a bias of shape [1, 4] throws ShapeError', [r([2, 3]), r([3, 4]), r([1, 4])], matMulWith({}), ShapeError),
      misuse('inner dimensions 3 and 4 throw ShapeError', [r([2, 3]), r([4, 2])], matMulWith({}), ShapeError),
      misuse('a rank-1 operand throws ShapeError', [r([3]), r([3, 2])], matMulWith({}), ShapeError),
      misuse('int32 operands throw DTypeError', [ints([2, 2]), ints([2, 2])], matMulWith({}), DTypeError),
      misuse("activation 'softmax' throws ValueError", [r([2, 2]), r([2, 2])], matMulWith({ activation: 'softmax' as FusedActivation }), ValueError),
      misuse('alpha -0.1 throws ValueError', [r([2, 2]), r([2, 2])], matMulWith({ activation: 'leakyRelu', alpha: -0.1 }), ValueError),
    ],
  },
  FusedConv2D: {
    op: 'fusedConv2d',
    values: [
      ...every((e) => fusedConv('same 3x3: [2, 5, 5, 2] x [3, 3, 2, 3]', [2, 5, 5, 2], [3, 3, 2, 3], { padding: 'same' }, e)),
      fusedConv('valid, strides 2: [2, 7, 7, 2] x [3, 3, 2, 2]', [2, 7, 7, 2], [3, 3, 2, 2], { strides: 2 }, { activation: 'relu', bias: true }),
      fusedConv('dilation 2, same: [2, 6, 5, 1] x [3, 2, 1, 2]', [2, 6, 5, 1], [3, 2, 1, 2], { dilations: 2, padding: 'same' }, { activation: 'elu', bias: true }),
      fusedConv('1 x 1 filter (pointwise)', [1, 4, 3, 3], [1, 1, 3, 2], {}, { activation: 'sigmoid', bias: true }),
      fusedConv('one output pixel, past 6', [2, 3, 4, 2], [3, 4, 2, 2], {}, { activation: 'relu6', bias: true }),
      fusedConv('leakyRelu alpha 0.01', [1, 4, 4, 2], [2, 2, 2, 3], {}, { activation: 'leakyRelu', alpha: 0.01, bias: true }),
      fusedConv('empty batch: [0, 5, 5, 2]', [0, 5, 5, 2], [3, 3, 2, 3], {}, { activation: 'tanh', bias: true }),
    ],
    grads: [
      ...ACTIVATIONS.map((activation) => fusedConv('same, strides 2: [1, 5, 5, 2] x [3, 3, 2, 3]', [1, 5, 5, 2], [3, 3, 2, 3], { strides: 2, padding: 'same' }, { activation, bias: true }, true)),
      fusedConv('valid, dilation 2: [1, 6, 5, 2] x [2, 2, 2, 2]', [1, 6, 5, 2], [2, 2, 2, 2], { dilations: 2 }, { activation: 'tanh' }, true),
      fusedConv('1 x 1 filter (pointwise), batch 2', [2, 3, 3, 2], [1, 1, 2, 2], {}, { activation: 'sigmoid', bias: true }, true),
    ],
    errors: [
      misuse('a bias of 2 for 3 output channels throws ShapeError', [r([1, 3, 3, 2]), r([1, 1, 2, 3]), r([2])], convWith({}), ShapeError),
      misuse('a channel mismatch throws ShapeError', [r([1, 3, 3, 1]), r([1, 1, 2, 3])], convWith({}), ShapeError),
      misuse('int32 x throws DTypeError', [ints([1, 3, 3, 1]), r([1, 1, 1, 1])], convWith({}), DTypeError),
      misuse("activation 'gelu' throws ValueError", [r([1, 3, 3, 1]), r([1, 1, 1, 1])], convWith({ activation: 'gelu' as FusedActivation }), ValueError),
      misuse('strides 0 throws ValueError', [r([1, 3, 3, 1]), r([1, 1, 1, 1])], convWith({ strides: 0 }), ValueError),
    ],
  },
};
