import { registerGradient } from '../autodiff/registry.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { formatShape } from '../util/shape.js';
import type { TensorOrLike } from './convert.js';
import { shape4 } from './conv.js';
import { op, runKernel } from './op.js';
import { checkGradShape, convAttrsOf, convWindow, filterGradArgs, imageArg, shape4Arg, type Conv2DOptions, type FilterGradLayout } from './window.js';

const X_LAYOUT = '[batch, height, width, channels]';
const FILTER_LAYOUT = '[filterHeight, filterWidth, channels, multiplier]';
/** depthwiseConv2dBackpropFilter's arguments: dy has channels * multiplier channels (see filterGradArgs). */
const FILTER_GRAD: FilterGradLayout = { x: X_LAYOUT, dy: '[batch, outHeight, outWidth, channels * multiplier]', outChannels: (fs) => fs[2] * fs[3] };

/**
 * Depthwise 2-D convolution: each input channel is convolved with its own
 * `multiplier` filters, without mixing channels (Keras DepthwiseConv2D, the first
 * half of a separable convolution). Output channel `c * multiplier + m` comes from
 * input channel `c` and filter `[:, :, c, m]`.
 *
 * @param x - `[batch, height, width, channels]`, float32.
 * @param filter - `[filterHeight, filterWidth, channels, multiplier]`.
 * @param options - `strides`, `padding` (`'valid'` or `'same'`), `dilations`, as {@link conv2d}.
 * @returns `[batch, outHeight, outWidth, channels * multiplier]`.
 * @example
 * ```ts
 * depthwiseConv2d(randomNormal([2, 32, 32, 3]), randomNormal([3, 3, 3, 2]), { padding: 'same' }); // [2, 32, 32, 6]
 * ```
 */
export function depthwiseConv2d(x: TensorOrLike, filter: TensorOrLike, options: Conv2DOptions = {}): Tensor {
  const opName = 'depthwiseConv2d';
  return op(opName, () => {
    const t = imageArg(x, 4, 'x', opName, X_LAYOUT);
    const f = imageArg(filter, 4, 'filter', opName, FILTER_LAYOUT);
    const describe = () => `x ${formatShape(t.shape)}, filter ${formatShape(f.shape)}`;
    if (f.shape[2] !== t.shape[3]) {
      throw new ShapeError(`${opName}: filter expects ${f.shape[2]} input channels but x has ${t.shape[3]} (${describe()})`);
    }
    const { attrs } = convWindow(opName, [t.shape[1], t.shape[2]], [f.shape[0], f.shape[1]], options, describe);
    return runKernel('DepthwiseConv2D', [t, f], attrs);
  });
}

/**
 * The gradient of {@link depthwiseConv2d} with respect to its input. For custom layers
 * and backend tests; `grads` of a depthwiseConv2d calls the same kernel.
 *
 * @param dy - `[batch, outHeight, outWidth, channels * multiplier]`.
 * @param filter - `[filterHeight, filterWidth, channels, multiplier]`.
 * @param inputShape - the depthwiseConv2d input's shape `[batch, height, width, channels]`.
 * @param options - the depthwiseConv2d's options.
 * @returns the input gradient, of `inputShape`.
 * @example
 * ```ts
 * depthwiseConv2dBackpropInput(ones([1, 3, 3, 4]), ones([3, 3, 2, 2]), [1, 5, 5, 2]); // [1, 5, 5, 2]
 * ```
 */
export function depthwiseConv2dBackpropInput(dy: TensorOrLike, filter: TensorOrLike, inputShape: Shape, options: Conv2DOptions = {}): Tensor {
  const opName = 'depthwiseConv2dBackpropInput';
  return op(opName, () => {
    const g = imageArg(dy, 4, 'dy', opName, '[batch, outHeight, outWidth, channels * multiplier]');
    const f = imageArg(filter, 4, 'filter', opName, FILTER_LAYOUT);
    const xs = shape4Arg(inputShape, 'inputShape', opName);
    const describe = () => `dy ${formatShape(g.shape)}, filter ${formatShape(f.shape)}, inputShape ${formatShape(xs)}`;
    if (f.shape[2] !== xs[3]) throw new ShapeError(`${opName}: filter expects ${f.shape[2]} input channels but inputShape has ${xs[3]} (${describe()})`);
    const { attrs, out } = convWindow(opName, [xs[1], xs[2]], [f.shape[0], f.shape[1]], options, describe);
    checkGradShape(opName, g, [xs[0], out[0], out[1], xs[3] * f.shape[3]], describe);
    return runKernel('DepthwiseConv2DBackpropInput', [g, f], { ...attrs, inputShape: xs });
  });
}

/**
 * The gradient of {@link depthwiseConv2d} with respect to its filter.
 *
 * @param x - the depthwiseConv2d input `[batch, height, width, channels]`.
 * @param dy - `[batch, outHeight, outWidth, channels * multiplier]`.
 * @param filterShape - `[filterHeight, filterWidth, channels, multiplier]`.
 * @param options - the depthwiseConv2d's options.
 * @returns the filter gradient, of `filterShape`.
 * @example
 * ```ts
 * depthwiseConv2dBackpropFilter(ones([1, 5, 5, 2]), ones([1, 3, 3, 4]), [3, 3, 2, 2]); // [3, 3, 2, 2] of nines
 * ```
 */
export function depthwiseConv2dBackpropFilter(x: TensorOrLike, dy: TensorOrLike, filterShape: Shape, options: Conv2DOptions = {}): Tensor {
  const opName = 'depthwiseConv2dBackpropFilter';
  return op(opName, () => {
    const { t, g, fs, attrs } = filterGradArgs(x, dy, filterShape, options, opName, FILTER_GRAD);
    return runKernel('DepthwiseConv2DBackpropFilter', [t, g], { ...attrs, filterShape: fs });
  });
}


// Bilinear like the dense convolutions: each kernel's gradients are the other two.
registerGradient('DepthwiseConv2D', (dy, [x, filter], _y, attrs, needed) => {
  const a = convAttrsOf(attrs);
  return [
    needed?.[0] === false ? null : runKernel('DepthwiseConv2DBackpropInput', [dy, filter], { ...a, inputShape: shape4(x) }),
    needed?.[1] === false ? null : runKernel('DepthwiseConv2DBackpropFilter', [x, dy], { ...a, filterShape: shape4(filter) }),
  ];
});
registerGradient('DepthwiseConv2DBackpropInput', (g, [dy, filter], _y, attrs, needed) => {
  const a = convAttrsOf(attrs);
  return [
    needed?.[0] === false ? null : runKernel('DepthwiseConv2D', [g, filter], a),
    needed?.[1] === false ? null : runKernel('DepthwiseConv2DBackpropFilter', [g, dy], { ...a, filterShape: shape4(filter) }),
  ];
});
registerGradient('DepthwiseConv2DBackpropFilter', (g, [x, dy], _y, attrs, needed) => {
  const a = convAttrsOf(attrs);
  return [
    needed?.[0] === false ? null : runKernel('DepthwiseConv2DBackpropInput', [dy, g], { ...a, inputShape: shape4(x) }),
    needed?.[1] === false ? null : runKernel('DepthwiseConv2D', [x, g], a),
  ];
});
