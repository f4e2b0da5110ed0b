import { registerGradient } from '../autodiff/registry.js';
import type { Tensor } from '../tensor.js';
import { conv2dArgs, shape4 } from './conv.js';
import type { TensorOrLike } from './convert.js';
import { activationGrad, biasArg, biasGrad, fusedActivationAttrs, type FusedActivationOptions } from './fused_activation.js';
import { op, runKernel } from './op.js';
import { convAttrsOf, type Conv2DOptions } from './window.js';

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

registerGradient('FusedConv2D', (dy, [x, filter, bias], y, attrs, needed) => {
  const dz = activationGrad(dy, y, attrs);
  const a = convAttrsOf(attrs);
  const dx = needed?.[0] === false ? null : runKernel('Conv2DBackpropInput', [dz, filter], { ...a, inputShape: shape4(x) });
  const df = needed?.[1] === false ? null : runKernel('Conv2DBackpropFilter', [x, dz], { ...a, filterShape: shape4(filter) });
  if (!bias) return [dx, df];
  return [dx, df, needed?.[2] === false ? null : biasGrad(dz, bias)];
});
