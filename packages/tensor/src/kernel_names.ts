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

/**
 * The window of a 2-D convolution over NHWC images. The op resolves `'same'`/`'valid'`
 * into explicit zero padding, so every backend computes the same thing from numbers
 * alone: output height `floor((H + top + bottom - ((kh - 1) * dilationH + 1)) / strideH) + 1`
 * (see `util.convOutputSize`), and likewise for the width.
 */
export interface Conv2DAttrs {
  /** `[strideH, strideW]`, each >= 1. */
  strides: [number, number];
  /** `[dilationH, dilationW]`, each >= 1: filter taps sit `dilation` pixels apart. */
  dilations: [number, number];
  /** Zero padding `[top, bottom, left, right]`, each >= 0. */
  pad: [number, number, number, number];
}

/** The window of a 2-D pooling over NHWC images; `pad` as in {@link Conv2DAttrs} (never part of a max or a mean). */
export interface PoolAttrs {
  /** `[poolH, poolW]`, each >= 1. */
  poolSize: [number, number];
  /** `[strideH, strideW]`, each >= 1. */
  strides: [number, number];
  /** Padding `[top, bottom, left, right]`: positions that no max or average counts. */
  pad: [number, number, number, number];
}

/**
 * How a resize maps output pixels to input coordinates, as TensorFlow's raw ops:
 * `scale = alignCorners && out > 1 ? (in - 1) / (out - 1) : in / out`; the source of
 * output index `i` is `i * scale`, or with `halfPixelCenters` `(i + 0.5) * scale`
 * (nearest) and `(i + 0.5) * scale - 0.5` (bilinear). Nearest takes `floor` of it
 * (`round` with `alignCorners`), clamped to `[0, in - 1]`.
 */
export interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/**
 * The activations a fused kernel applies as it writes each output, after the bias:
 * `'linear'` (none), `'relu'`, `'relu6'`, `'sigmoid'`, `'tanh'`, `'elu'` and
 * `'leakyRelu'` (slope `alpha` below 0), each as the unary kernel of that name.
 */
export const FUSED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leakyRelu'] as const;

/** One of {@link FUSED_ACTIVATIONS}. */
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/** The epilogue of a fused kernel: `activation(y + bias)` for each output `y` of its product. */
export interface FusedActivationAttrs {
  activation: FusedActivation;
  /** The slope of `'leakyRelu'` below 0, >= 0 (so the sign of an output is that of its input); the others ignore it. */
  alpha: number;
}

/** An NHWC shape `[batch, height, width, channels]`. */
export type Shape4D = [number, number, number, number];

/**
 * What the update kernels share. With `inPlace` the kernel may write the new values of the
 * variable and of its slots over their own buffers and return those buffers as its outputs:
 * the ops set it only where each of those tensors is the one handle to its buffer and no
 * gradient tape records (nothing else could see the values change). A backend may ignore
 * it and return new buffers; the values are the same either way.
 */
export interface UpdateInPlaceAttrs {
  /** Write over the variable's and slots' buffers where the op allows it (default false: new buffers). */
  inPlace?: boolean;
}

/**
 * Keras's SGD step (`ApplySGD`). With `momentum` 0 the inputs are `[variable, gradient]`
 * and the output the new variable; otherwise the momentum slot follows the gradient and
 * its new value the variable's.
 */
export interface ApplySGDAttrs extends UpdateInPlaceAttrs {
  learningRate: number;
  /** In `[0, 1]`; 0 means no momentum slot. */
  momentum: number;
  nesterov: boolean;
}

/** Keras's Adam step (`ApplyAdam`); the slot `vHat` is an input and an output only with `amsgrad`. */
export interface ApplyAdamAttrs extends UpdateInPlaceAttrs {
  /** The bias-corrected step size `lr * sqrt(1 - beta2^t) / (1 - beta1^t)`, `t` counting from 1. */
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad: boolean;
}

/** Keras's RMSprop step (`ApplyRMSProp`); `momentum` slot only when momentum > 0, `averageGradient` only when centered. */
export interface ApplyRMSPropAttrs extends UpdateInPlaceAttrs {
  learningRate: number;
  rho: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
}

/**
 * A dropout mask (`DropoutMask`), float32 of `shape`: element i is `scale` where draw i of
 * `new Prng(seed)` (its `nextFloat`) is at least `rate`, else 0, bit for bit
 * `Prng.fillMask`. The one kernel without inputs: a backend that lacks it leaves the op
 * to draw the mask on the host.
 */
export interface DropoutMaskAttrs {
  shape: number[];
  /** A uint32 (Prng takes `seed >>> 0`). */
  seed: number;
  /** In `[0, 1)`. */
  rate: number;
  /** The value of a kept element, `1 / (1 - rate)` for inverted dropout (as a float32). */
  scale: number;
}

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
  FusedMatMul: { transposeA: boolean; transposeB: boolean } & FusedActivationAttrs;
  FusedActivationGrad: FusedActivationAttrs;
  Transpose: { perm: number[] };
  Concat: { axis: number };
  Slice: { begin: number[]; size: number[] };
  Gather: { axis: number };
  Pad: { paddings: Array<[number, number]>; constantValue: number };
  Tile: { reps: number[] };
  Reverse: { axes: number[] };
  OneHot: { depth: number; onValue: number; offValue: number; dtype: DType };
  UnsortedSegmentSum: { numSegments: number };
  Conv2D: Conv2DAttrs;
  Conv2DBackpropInput: Conv2DAttrs & { inputShape: Shape4D };
  Conv2DBackpropFilter: Conv2DAttrs & { filterShape: Shape4D };
  FusedConv2D: Conv2DAttrs & FusedActivationAttrs;
  FusedConv2DBackpropFilter: Conv2DAttrs & FusedActivationAttrs & { filterShape: Shape4D; bias: boolean };
  DepthwiseConv2D: Conv2DAttrs;
  DepthwiseConv2DBackpropInput: Conv2DAttrs & { inputShape: Shape4D };
  DepthwiseConv2DBackpropFilter: Conv2DAttrs & { filterShape: Shape4D };
  MaxPool: PoolAttrs;
  MaxPoolGrad: PoolAttrs;
  AvgPool: PoolAttrs;
  AvgPoolGrad: PoolAttrs & { inputShape: Shape4D };
  ResizeNearestNeighbor: ResizeAttrs & { size: [number, number] };
  ResizeNearestNeighborGrad: ResizeAttrs & { inputShape: Shape4D };
  ResizeBilinear: ResizeAttrs & { size: [number, number] };
  ResizeBilinearGrad: ResizeAttrs & { inputShape: Shape4D };
  SoftmaxCrossEntropyWithLogits: NoAttrs;
  SoftmaxCrossEntropyWithLogitsGrad: NoAttrs;
  ApplySGD: ApplySGDAttrs;
  ApplyAdam: ApplyAdamAttrs;
  ApplyRMSProp: ApplyRMSPropAttrs;
  LSTMCell: NoAttrs;
  LSTMCellGrad: NoAttrs;
  GRUCell: NoAttrs;
  GRUCellGrad: NoAttrs;
  DropoutMask: DropoutMaskAttrs;
}

/** Every kernel name. */
export type KernelName = keyof KernelAttrs;

/** What the list says of one kernel. */
export interface KernelSpec {
  /**
   * Input names, in order. `'...'` means any number of inputs (Concat). A name ending in `?`
   * is optional: an optimizer's slot is there only when the attributes ask for it, and an
   * optional last input (a fused bias) only when given.
   */
  readonly inputs: readonly string[];
  /**
   * Output names, in order, for the kernels that return several tensors (run them with
   * `runKernelOutputs`); absent for the usual single output. `?` as for inputs.
   */
  readonly outputs?: readonly string[];
  /** Whether autodiff differentiates through it (has a registered gradient). */
  readonly differentiable: boolean;
  /**
   * Whether its op computes the same with other kernels where a backend lacks this one
   * (a fused kernel's composite fallback); the conformance suite then also runs its cases
   * with the kernel taken away.
   */
  readonly fallback?: boolean;
}

const UNARY: KernelSpec = { inputs: ['x'], differentiable: true };
const binary = (differentiable: boolean): KernelSpec => ({ inputs: ['a', 'b'], differentiable });
const BINARY = binary(true);

/** The kernel list: name -> spec. */
export const KERNELS: { readonly [K in KernelName]: KernelSpec } = {
  Neg: UNARY,
  Abs: UNARY,
  Exp: UNARY,
  Log: UNARY,
  Log1p: UNARY,
  Sqrt: UNARY,
  Rsqrt: UNARY,
  Square: UNARY,
  Sign: UNARY,
  Floor: UNARY,
  Ceil: UNARY,
  Round: UNARY,
  Relu: UNARY,
  Relu6: UNARY,
  Elu: UNARY,
  Selu: UNARY,
  Sigmoid: UNARY,
  Tanh: UNARY,
  Softplus: UNARY,
  Softsign: UNARY,
  Erf: UNARY,
  LogicalNot: { inputs: ['x'], differentiable: false },
  LeakyRelu: UNARY,
  ClipByValue: UNARY,
  Cast: { inputs: ['x'], differentiable: true },
  Add: BINARY,
  Sub: BINARY,
  Mul: BINARY,
  Div: BINARY,
  Pow: BINARY,
  Maximum: BINARY,
  Minimum: BINARY,
  SquaredDifference: BINARY,
  FloorDiv: binary(false),
  Mod: BINARY,
  Equal: binary(false),
  NotEqual: binary(false),
  Less: binary(false),
  LessEqual: binary(false),
  Greater: binary(false),
  GreaterEqual: binary(false),
  LogicalAnd: binary(false),
  LogicalOr: binary(false),
  Select: { inputs: ['condition', 'a', 'b'], differentiable: true },
  Sum: UNARY,
  Prod: UNARY,
  Max: UNARY,
  Min: UNARY,
  All: { inputs: ['x'], differentiable: false },
  Any: { inputs: ['x'], differentiable: false },
  ArgMax: { inputs: ['x'], differentiable: false },
  ArgMin: { inputs: ['x'], differentiable: false },
  MatMul: BINARY,
  FusedMatMul: {
    inputs: ['a', 'b', 'bias?'],
    differentiable: true,
  },
  Transpose: UNARY,
  Concat: { inputs: ['...'], differentiable: true },
  Slice: UNARY,
  Gather: { inputs: ['x', 'indices'], differentiable: true },
  Pad: UNARY,
  Tile: UNARY,
  Reverse: UNARY,
  OneHot: { inputs: ['indices'], differentiable: false },
  UnsortedSegmentSum: {
    inputs: ['x', 'segmentIds'],
    differentiable: true,
  },
  Conv2D: {
    inputs: ['x', 'filter'],
    differentiable: true,
  },
  Conv2DBackpropInput: {
    inputs: ['dy', 'filter'],
    differentiable: true,
  },
  Conv2DBackpropFilter: {
    inputs: ['x', 'dy'],
    differentiable: true,
  },
  FusedActivationGrad: {
    inputs: ['dy', 'y'],
    differentiable: true,
    fallback: true,
  },
  FusedConv2D: {
    inputs: ['x', 'filter', 'bias?'],
    differentiable: true,
  },
  // FusedConv2D's filter and bias gradients where its input's is not needed (a first layer):
  // the activation's gradient applied as dy is read, never stored.
  FusedConv2DBackpropFilter: {
    inputs: ['x', 'dy', 'y'],
    outputs: ['filter', 'bias?'],
    differentiable: false,
    fallback: true,
  },
  DepthwiseConv2D: {
    inputs: ['x', 'filter'],
    differentiable: true,
  },
  DepthwiseConv2DBackpropInput: {
    inputs: ['dy', 'filter'],
    differentiable: true,
  },
  DepthwiseConv2DBackpropFilter: {
    inputs: ['x', 'dy'],
    differentiable: true,
  },
  MaxPool: { inputs: ['x'], differentiable: true },
  MaxPoolGrad: {
    inputs: ['dy', 'x'],
    differentiable: false,
  },
  AvgPool: {
    inputs: ['x'],
    differentiable: true,
  },
  AvgPoolGrad: { inputs: ['dy'], differentiable: true },
  ResizeNearestNeighbor: { inputs: ['x'], differentiable: true },
  ResizeNearestNeighborGrad: {
    inputs: ['dy'],
    differentiable: true,
  },
  ResizeBilinear: { inputs: ['x'], differentiable: true },
  ResizeBilinearGrad: {
    inputs: ['dy'],
    differentiable: true,
  },
  SoftmaxCrossEntropyWithLogits: {
    inputs: ['logits', 'labels'],
    differentiable: true,
  },
  SoftmaxCrossEntropyWithLogitsGrad: {
    inputs: ['dy', 'logits', 'labels'],
    differentiable: false,
  },
  // The optimizer updates: one pass over a variable, its gradient and its slots, returning
  // their new values (float32 arithmetic in the order of the op-by-op Keras update).
  ApplySGD: {
    inputs: ['variable', 'gradient', 'momentum?'],
    outputs: ['variable', 'momentum?'],
    differentiable: false,
  },
  ApplyAdam: {
    inputs: ['variable', 'gradient', 'm', 'v', 'vHat?'],
    outputs: ['variable', 'm', 'v', 'vHat?'],
    differentiable: false,
  },
  ApplyRMSProp: {
    inputs: ['variable', 'gradient', 'velocity', 'momentum?', 'averageGradient?'],
    outputs: ['variable', 'velocity', 'momentum?', 'averageGradient?'],
    differentiable: false,
  },
  // The recurrent cells: one timestep's recurrent product and cell update in one kernel.
  // Each saves the gate activations its gradient kernel reads.
  LSTMCell: {
    inputs: ['xw', 'h', 'c', 'recurrentKernel'],
    outputs: ['h', 'c', 'gates'],
    differentiable: true,
    fallback: true,
  },
  LSTMCellGrad: {
    inputs: ['dh', 'dc', 'c', 'gates', 'cNext'],
    outputs: ['dz', 'dc'],
    differentiable: false,
    fallback: true,
  },
  GRUCell: {
    inputs: ['xw', 'h', 'recurrentKernel', 'recurrentBias'],
    outputs: ['h', 'gates'],
    differentiable: true,
    fallback: true,
  },
  GRUCellGrad: {
    inputs: ['dh', 'h', 'gates'],
    outputs: ['dxw', 'dhz', 'dh'],
    differentiable: false,
    fallback: true,
  },
  // A source: its output comes from the attributes alone, and backprop never reaches it
  // (the op multiplies it in as a constant).
  DropoutMask: { inputs: [], differentiable: false, fallback: true },
};

/** All kernel names, in list order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];
