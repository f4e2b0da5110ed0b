import { registerGradient } from '../autodiff/registry.js';
import { getEngine } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { KernelAttrs } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { formatShape, shapesEqual } from '../util/shape.js';
import { reduceToShape } from './broadcast_grad.js';
import { CONV_FILTER_GRAD, conv2dArgs, shape4 } from './conv.js';
import type { TensorOrLike } from './convert.js';
import { activationGrad, biasArg, biasGrad, fusedActivationAttrs, type FusedActivationOptions } from './fused_activation.js';
import { hasKernel, op, runKernel, runKernelOutputs } from './op.js';
import { convAttrsOf, filterGradArgs, imageArg, type Conv2DOptions } from './window.js';

/** Options of {@link fusedConv2d}: the window of {@link conv2d}, a bias and an activation. */
export interface FusedConv2DOptions extends Conv2DOptions, FusedActivationOptions {
  /** Added to every output pixel: float32 `[outChannels]`. Default none. */
  readonly bias?: TensorOrLike | null;
}

/**
 * `activation(conv2d(x, filter) + bias)` in one kernel: the bias and the activation
 * are applied as each output pixel is written, so no intermediate tensor is made (a
 * Conv2D layer's whole forward pass). Its gradient reads the activation's derivative
 * off the saved output, then runs the ordinary convolution gradient kernels.
 *
 * @param x - images `[batch, height, width, inChannels]`, float32.
 * @param filter - `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @param options - `strides`, `padding`, `dilations` as {@link conv2d}; `bias`
 *   (`[outChannels]`), `activation` (default `'linear'`: `'relu'`, `'relu6'`, `'sigmoid'`,
 *   `'tanh'`, `'elu'`, `'leakyRelu'`) and `alpha` (leakyRelu's slope, default 0.2).
 * @returns `[batch, outHeight, outWidth, outChannels]`.
 * @throws ShapeError for mismatched channels, a window that does not fit or a bias
 *   that is not `[outChannels]`; DTypeError for non-float32 input; ValueError for bad options.
 * @example
 * ```ts
 * const x = randomNormal([8, 28, 28, 1]);
 * const w = randomNormal([5, 5, 1, 32]);
 * fusedConv2d(x, w, { bias: zeros([32]), activation: 'relu', padding: 'same' }); // [8, 28, 28, 32]
 * ```
 */
export function fusedConv2d(x: TensorOrLike, filter: TensorOrLike, options: FusedConv2DOptions = {}): Tensor {
  const opName = 'fusedConv2d';
  const epilogue = fusedActivationAttrs(options, opName);
  return op(opName, () => {
    const { t, f, attrs } = conv2dArgs(x, filter, options, opName);
    const bias = biasArg(options.bias, f.shape[3], 'output channel', opName);
    return runKernel('FusedConv2D', bias ? [t, f, bias] : [t, f], { ...attrs, ...epilogue });
  });
}

/** Options of {@link fusedConv2dBackpropFilter}: the window and epilogue of the {@link fusedConv2d} it differentiates. */
export interface FusedConv2DBackpropFilterOptions extends Conv2DOptions, FusedActivationOptions {
  /** Whether that fusedConv2d added a bias: its gradient is then returned too. Default false. */
  readonly bias?: boolean;
}

/**
 * The gradients of {@link fusedConv2d} for its filter (and its bias) from its input `x`,
 * the gradient `dy` of its output and that output `y`: the activation's gradient read off
 * `y` as dy is read, then the filter gradient of {@link conv2dBackpropFilter} and the bias's
 * (dy's sum per output channel), with no tensor for the pre-activation's gradient in
 * between where the backend has the `FusedConv2DBackpropFilter` kernel. What training runs
 * for a first layer, whose input needs no gradient.
 *
 * @param x - the fusedConv2d input `[batch, height, width, inChannels]`.
 * @param dy - the gradient of its output `[batch, outHeight, outWidth, outChannels]`.
 * @param y - its output, of dy's shape.
 * @param filterShape - `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @param options - the fusedConv2d's `strides`, `padding`, `dilations`, `activation`,
 *   `alpha`, and `bias` (true when it had one).
 * @returns `[filter gradient (of filterShape), bias gradient ([outChannels]) or null]`.
 * @throws ShapeError when dy or y is not the output shape of x and filterShape; DTypeError
 *   for non-float32 input; ValueError for bad options.
 * @example
 * ```ts
 * const x = randomNormal([2, 6, 6, 1]);
 * const w = randomNormal([3, 3, 1, 4]);
 * const y = fusedConv2d(x, w, { activation: 'relu' });
 * const [dw, db] = fusedConv2dBackpropFilter(x, onesLike(y), y, [3, 3, 1, 4], { activation: 'relu', bias: true }); // [3, 3, 1, 4] and [4]
 * ```
 */
export function fusedConv2dBackpropFilter(
  x: TensorOrLike,
  dy: TensorOrLike,
  y: TensorOrLike,
  filterShape: Shape,
  options: FusedConv2DBackpropFilterOptions = {},
): [Tensor, Tensor | null] {
  const opName = 'fusedConv2dBackpropFilter';
  const epilogue = fusedActivationAttrs(options, opName);
  return op(opName, () => {
    const { t, g, fs, attrs } = filterGradArgs(x, dy, filterShape, options, opName, CONV_FILTER_GRAD);
    const ty = imageArg(y, 4, 'y', opName, '[batch, outHeight, outWidth, outChannels]');
    if (!shapesEqual(ty.shape, g.shape)) {
      throw new ShapeError(`${opName}: expected y of dy's shape ${formatShape(g.shape)} (the forward output) but got ${formatShape(ty.shape)}`);
    }
    return filterGrads([t, g, ty], { ...attrs, ...epilogue, filterShape: fs, bias: options.bias === true });
  });
}

/** The FusedConv2DBackpropFilter kernel, or the same by the activation's gradient, Conv2DBackpropFilter and a sum. */
function filterGrads([x, dy, y]: readonly [Tensor, Tensor, Tensor], attrs: KernelAttrs['FusedConv2DBackpropFilter']): [Tensor, Tensor | null] {
  if (hasKernel('FusedConv2DBackpropFilter')) {
    const [df, db] = runKernelOutputs('FusedConv2DBackpropFilter', [x, dy, y], attrs);
    return [df, db ?? null];
  }
  const dz = activationGrad(dy, y, { activation: attrs.activation, alpha: attrs.alpha });
  const { strides, dilations, pad, filterShape } = attrs;
  const df = runKernel('Conv2DBackpropFilter', [x, dz], { strides, dilations, pad, filterShape });
  return [df, attrs.bias ? reduceToShape(dz, [filterShape[3]]) : null];
}

registerGradient('FusedConv2D', (dy, [x, filter, bias], y, attrs, needed) => {
  // A first layer (x needs no gradient): the filter's and bias's in one kernel where the
  // backend has it. Not under a tape: that kernel has no gradient, the composite has.
  if (needed?.[0] === false && needed[1] !== false && hasKernel('FusedConv2DBackpropFilter') && !getEngine().isRecording) {
    const withBias = bias !== undefined && needed[2] !== false;
    const [df, db] = filterGrads([x, dy, y], {
      ...convAttrsOf(attrs),
      activation: attrs.activation as KernelAttrs['FusedConv2D']['activation'],
      alpha: attrs.alpha as number,
      filterShape: shape4(filter),
      bias: withBias,
    });
    return bias ? [null, df, db] : [null, df];
  }
  const dz = activationGrad(dy, y, attrs);
  const a = convAttrsOf(attrs);
  const dx = needed?.[0] === false ? null : runKernel('Conv2DBackpropInput', [dz, filter], { ...a, inputShape: shape4(x) });
  const df = needed?.[1] === false ? null : runKernel('Conv2DBackpropFilter', [x, dz], { ...a, filterShape: shape4(filter) });
  if (!bias) return [dx, df];
  return [dx, df, needed?.[2] === false ? null : biasGrad(dz, bias)];
});
