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
 * Keras's SGD step (`ApplySGD`). With `momentum` 0 the inputs are `[variable, gradient]`
 * and the output the new variable; otherwise the momentum slot follows the gradient and
 * its new value the variable's.
 */
export interface ApplySGDAttrs {
  learningRate: number;
  /** In `[0, 1]`; 0 means no momentum slot. */
  momentum: number;
  nesterov: boolean;
}

/** Keras's Adam step (`ApplyAdam`); the slot `vHat` is an input and an output only with `amsgrad`. */
export interface ApplyAdamAttrs {
  /** The bias-corrected step size `lr * sqrt(1 - beta2^t) / (1 - beta1^t)`, `t` counting from 1. */
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad: boolean;
}

/** Keras's RMSprop step (`ApplyRMSProp`); `momentum` slot only when momentum > 0, `averageGradient` only when centered. */
export interface ApplyRMSPropAttrs {
  learningRate: number;
  rho: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
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
  FusedMatMul: {
    inputs: ['a', 'b', 'bias?'],
    differentiable: true,
    doc: 'activation(MatMul(a, b) + bias), float32: bias [N] (optional) and activation applied as each output is written',
  },
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
  Conv2D: {
    inputs: ['x', 'filter'],
    differentiable: true,
    doc: 'x [N, H, W, Cin] (*) filter [kh, kw, Cin, Cout] -> [N, OH, OW, Cout]: cross-correlation, as TensorFlow',
  },
  Conv2DBackpropInput: {
    inputs: ['dy', 'filter'],
    differentiable: true,
    doc: 'gradient of Conv2D for x: dy [N, OH, OW, Cout], filter [kh, kw, Cin, Cout] -> inputShape (also conv2dTranspose)',
  },
  Conv2DBackpropFilter: {
    inputs: ['x', 'dy'],
    differentiable: true,
    doc: 'gradient of Conv2D for the filter: x [N, H, W, Cin], dy [N, OH, OW, Cout] -> filterShape',
  },
  FusedActivationGrad: {
    inputs: ['dy', 'y'],
    differentiable: true,
    fallback: true,
    doc: "the gradient of a fused op's pre-activation from dy and its output y, in one pass (relu: y > 0 ? dy : 0; sigmoid: dy * y * (1 - y); ...)",
  },
  FusedConv2D: {
    inputs: ['x', 'filter', 'bias?'],
    differentiable: true,
    doc: 'activation(Conv2D(x, filter) + bias): bias [Cout] (optional) and activation applied as each output is written',
  },
  DepthwiseConv2D: {
    inputs: ['x', 'filter'],
    differentiable: true,
    doc: 'x [N, H, W, C], filter [kh, kw, C, M] -> [N, OH, OW, C * M]: channel c feeds outputs c * M .. c * M + M - 1',
  },
  DepthwiseConv2DBackpropInput: {
    inputs: ['dy', 'filter'],
    differentiable: true,
    doc: 'gradient of DepthwiseConv2D for x: dy [N, OH, OW, C * M], filter [kh, kw, C, M] -> inputShape',
  },
  DepthwiseConv2DBackpropFilter: {
    inputs: ['x', 'dy'],
    differentiable: true,
    doc: 'gradient of DepthwiseConv2D for the filter: x [N, H, W, C], dy [N, OH, OW, C * M] -> filterShape',
  },
  MaxPool: { inputs: ['x'], differentiable: true, doc: 'maximum over each window of x [N, H, W, C], padding never chosen' },
  MaxPoolGrad: {
    inputs: ['dy', 'x'],
    differentiable: false,
    doc: 'gradient of MaxPool: each dy goes to the first maximum of its window (row-major scan), as TensorFlow',
  },
  AvgPool: {
    inputs: ['x'],
    differentiable: true,
    doc: 'mean over each window of x [N, H, W, C], dividing by the count of non-padding positions, as TensorFlow',
  },
  AvgPoolGrad: { inputs: ['dy'], differentiable: true, doc: 'gradient of AvgPool: each dy spread evenly over its window -> inputShape' },
  ResizeNearestNeighbor: { inputs: ['x'], differentiable: true, doc: 'resize x [N, H, W, C] to size by the nearest pixel' },
  ResizeNearestNeighborGrad: {
    inputs: ['dy'],
    differentiable: true,
    doc: 'gradient of ResizeNearestNeighbor: each dy added to its source pixel -> inputShape',
  },
  ResizeBilinear: { inputs: ['x'], differentiable: true, doc: 'resize x [N, H, W, C] to size by bilinear interpolation' },
  ResizeBilinearGrad: {
    inputs: ['dy'],
    differentiable: true,
    doc: 'gradient of ResizeBilinear: each dy spread over its four source pixels by their weights -> inputShape',
  },
  SoftmaxCrossEntropyWithLogits: {
    inputs: ['logits', 'labels'],
    differentiable: true,
    doc: 'logits [N, C], labels [N, C] -> [N]: -sum(labels * logSoftmax(logits)) per row, by a stable log-sum-exp',
  },
  SoftmaxCrossEntropyWithLogitsGrad: {
    inputs: ['dy', 'logits', 'labels'],
    differentiable: false,
    doc: 'gradient of SoftmaxCrossEntropyWithLogits for the logits: dy [N] -> dy * (softmax(logits) * sum(labels) - labels) [N, C]',
  },
  // The optimizer updates: one pass over a variable, its gradient and its slots, returning
  // their new values (float32 arithmetic in the order of the op-by-op Keras update).
  ApplySGD: {
    inputs: ['variable', 'gradient', 'momentum?'],
    outputs: ['variable', 'momentum?'],
    differentiable: false,
    doc: "Keras's SGD step: w - lr*g; with momentum m' = mu*m - lr*g, w + m' (nesterov: w + mu*m' - lr*g)",
  },
  ApplyAdam: {
    inputs: ['variable', 'gradient', 'm', 'v', 'vHat?'],
    outputs: ['variable', 'm', 'v', 'vHat?'],
    differentiable: false,
    doc: "Keras's Adam step: m += (g - m)(1 - b1), v += (g^2 - v)(1 - b2), [vHat = max(vHat, v)], w -= alpha*m / (sqrt(v) + eps)",
  },
  ApplyRMSProp: {
    inputs: ['variable', 'gradient', 'velocity', 'momentum?', 'averageGradient?'],
    outputs: ['variable', 'velocity', 'momentum?', 'averageGradient?'],
    differentiable: false,
    doc: "Keras's RMSprop step: v = rho*v + (1 - rho)g^2, [centered avg], inc = lr*g / sqrt(v [- avg^2] + eps), w -= inc or momentum",
  },
  // The recurrent cells: one timestep's recurrent product and cell update in one kernel.
  // Each saves the gate activations its gradient kernel reads.
  LSTMCell: {
    inputs: ['xw', 'h', 'c', 'recurrentKernel'],
    outputs: ['h', 'c', 'gates'],
    differentiable: true,
    fallback: true,
    doc: "Keras's LSTM step: z = xw + h @ recurrentKernel [u, 4u], gates i, f, g, o = sigmoid, sigmoid, tanh, sigmoid (gates [b, 4u]); c' = f*c + i*g, h' = o*tanh(c')",
  },
  LSTMCellGrad: {
    inputs: ['dh', 'dc', 'c', 'gates', 'cNext'],
    outputs: ['dz', 'dc'],
    differentiable: false,
    fallback: true,
    doc: "gradient of LSTMCell's cell update: dh, dc of h', c' [b, u] -> dz [b, 4u] (of the pre-activations z, hence of xw) and dc of c",
  },
  GRUCell: {
    inputs: ['xw', 'h', 'recurrentKernel', 'recurrentBias'],
    outputs: ['h', 'gates'],
    differentiable: true,
    fallback: true,
    doc: "Keras's GRU step (reset_after): hz = h @ recurrentKernel + recurrentBias [3u]; z, r = sigmoid(xw + hz), hh = tanh(xw_h + r*hz_h); h' = z*h + (1-z)*hh; gates [b, 4u] = z, r, hh, hz_h",
  },
  GRUCellGrad: {
    inputs: ['dh', 'h', 'gates'],
    outputs: ['dxw', 'dhz', 'dh'],
    differentiable: false,
    fallback: true,
    doc: "gradient of GRUCell's update: dh of h' [b, u] -> dxw [b, 3u], dhz [b, 3u] (of h @ recurrentKernel + recurrentBias) and dh*z (h's direct part)",
  },
};

/** All kernel names, in list order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];
