/**
 * The one list of kernels. A backend implements these by name; ops call them through
 * `engine.runKernel`. Each entry says which inputs the kernel takes, its attributes
 * (in {@link KernelAttrs}) and whether autodiff differentiates through it. The
 * conformance suite checks every name here against every backend's manifest.
 *
 * Gradients are written with ops above the backends, so a backend author writes
 * forward kernels only.
 */
import type { DType } from './types.js';

/** Elementwise kernels of one float input and no attributes. */
export const UNARY_KERNELS = [
  'Neg', 'Abs', 'Exp', 'Log', 'Log1p', 'Sqrt', 'Rsqrt', 'Square', 'Sign', 'Floor', 'Ceil',
  'Round', 'Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus', 'Softsign', 'Erf',
] as const;

/** Elementwise kernels of two broadcast inputs that keep the input dtype. */
export const BINARY_KERNELS = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Maximum', 'Minimum', 'SquaredDifference', 'FloorDiv', 'Mod',
] as const;

/** Elementwise kernels of two broadcast inputs that return `bool`. */
export const COMPARISON_KERNELS = [
  'Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr',
] as const;

/** Reductions over `attrs.axes`; the output drops those axes (ops add keepDims). */
export const REDUCE_KERNELS = ['Sum', 'Prod', 'Max', 'Min', 'All', 'Any'] as const;

export type UnaryKernelName = (typeof UNARY_KERNELS)[number];
export type BinaryKernelName = (typeof BINARY_KERNELS)[number];
export type ComparisonKernelName = (typeof COMPARISON_KERNELS)[number];
export type ReduceKernelName = (typeof REDUCE_KERNELS)[number];

type NoAttrs = Record<string, never>;

/** The attributes of every kernel, by name. */
export interface KernelAttrs
  extends Record<UnaryKernelName | BinaryKernelName | ComparisonKernelName, NoAttrs>,
    Record<ReduceKernelName, { axes: number[] }> {
  LogicalNot: NoAttrs;
  LeakyRelu: { alpha: number };
  ClipByValue: { min: number; max: number };
  Cast: { dtype: DType };
  Select: NoAttrs;
  ArgMax: { axis: number };
  ArgMin: { axis: number };
  MatMul: { transposeA: boolean; transposeB: boolean };
  Transpose: { perm: number[] };
  Concat: { axis: number };
  Slice: { begin: number[]; size: number[] };
  Gather: { axis: number };
  Pad: { paddings: Array<[number, number]>; constantValue: number };
  Tile: { reps: number[] };
  Reverse: { axes: number[] };
  OneHot: { depth: number; onValue: number; offValue: number; dtype: DType };
  UnsortedSegmentSum: { numSegments: number };
}

/** Every kernel name. */
export type KernelName = keyof KernelAttrs;

/** What the list says of one kernel. */
export interface KernelSpec {
  /** Input names, in order. `'...'` means any number of inputs (Concat). */
  readonly inputs: readonly string[];
  /** Whether autodiff differentiates through it (has a registered gradient). */
  readonly differentiable: boolean;
  /** One line for docs and the coverage table. */
  readonly doc: string;
}

const unary = (doc: string): KernelSpec => ({ inputs: ['x'], differentiable: true, doc });
const binary = (doc: string, differentiable = true): KernelSpec => ({ inputs: ['a', 'b'], differentiable, doc });

/** The kernel list: name -> spec. */
export const KERNELS: { readonly [K in KernelName]: KernelSpec } = {
  Neg: unary('-x'),
  Abs: unary('|x|'),
  Exp: unary('e^x'),
  Log: unary('natural log'),
  Log1p: unary('log(1 + x), accurate near 0'),
  Sqrt: unary('square root'),
  Rsqrt: unary('1 / sqrt(x)'),
  Square: unary('x * x'),
  Sign: unary('-1, 0 or 1 (0 for NaN-free zero)'),
  Floor: unary('round down'),
  Ceil: unary('round up'),
  Round: unary('round half to even, as TensorFlow'),
  Relu: unary('max(x, 0)'),
  Relu6: unary('min(max(x, 0), 6)'),
  Elu: unary('x > 0 ? x : e^x - 1'),
  Selu: unary('scale * (x > 0 ? x : alpha * (e^x - 1)), Keras constants'),
  Sigmoid: unary('1 / (1 + e^-x)'),
  Tanh: unary('hyperbolic tangent'),
  Softplus: unary('log(1 + e^x), stable for large |x|'),
  Softsign: unary('x / (1 + |x|)'),
  Erf: unary('the error function'),
  LogicalNot: { inputs: ['x'], differentiable: false, doc: 'boolean not' },
  LeakyRelu: unary('x > 0 ? x : alpha * x'),
  ClipByValue: unary('min(max(x, min), max)'),
  Cast: { inputs: ['x'], differentiable: true, doc: 'convert to attrs.dtype (float to int truncates)' },
  Add: binary('a + b'),
  Sub: binary('a - b'),
  Mul: binary('a * b'),
  Div: binary('a / b'),
  Pow: binary('a ^ b'),
  Maximum: binary('max(a, b)'),
  Minimum: binary('min(a, b)'),
  SquaredDifference: binary('(a - b)^2'),
  FloorDiv: binary('floor(a / b)', false),
  Mod: binary('a - floor(a / b) * b (sign of b, as Python)'),
  Equal: binary('a == b', false),
  NotEqual: binary('a != b', false),
  Less: binary('a < b', false),
  LessEqual: binary('a <= b', false),
  Greater: binary('a > b', false),
  GreaterEqual: binary('a >= b', false),
  LogicalAnd: binary('a && b', false),
  LogicalOr: binary('a || b', false),
  Select: { inputs: ['condition', 'a', 'b'], differentiable: true, doc: 'condition ? a : b, broadcast' },
  Sum: unary('sum over axes'),
  Prod: unary('product over axes'),
  Max: unary('maximum over axes'),
  Min: unary('minimum over axes'),
  All: { inputs: ['x'], differentiable: false, doc: 'logical and over axes' },
  Any: { inputs: ['x'], differentiable: false, doc: 'logical or over axes' },
  ArgMax: { inputs: ['x'], differentiable: false, doc: 'index of the first maximum along axis (int32)' },
  ArgMin: { inputs: ['x'], differentiable: false, doc: 'index of the first minimum along axis (int32)' },
  MatMul: binary('batched matrix product, batch dims broadcast'),
  Transpose: unary('permute axes'),
  Concat: { inputs: ['...'], differentiable: true, doc: 'join along axis' },
  Slice: unary('contiguous block at begin of size'),
  Gather: { inputs: ['x', 'indices'], differentiable: true, doc: 'take slices along axis at int32 indices' },
  Pad: unary('constant padding'),
  Tile: unary('repeat reps times per axis'),
  Reverse: unary('reverse along axes'),
  OneHot: { inputs: ['indices'], differentiable: false, doc: 'one-hot encode int32 indices' },
  UnsortedSegmentSum: {
    inputs: ['x', 'segmentIds'],
    differentiable: true,
    doc: 'sum rows of x (axis 0) into numSegments buckets by int32 segmentIds',
  },
};

/** All kernel names, in list order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];
