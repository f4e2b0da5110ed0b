import { registerGradient } from '../autodiff/registry.js';
import { ShapeError } from '../errors.js';
import type { Conv2DAttrs, Shape4D } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { formatShape } from '../util/shape.js';
import type { TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { reshape } from './reshape.js';
import {
  checkPadding,
  convAttrsOf,
  convWindow,
  filterGradArgs,
  imageArg,
  invertibleRange,
  resolveWindow,
  shape4Arg,
  single,
  type Conv2DOptions,
  type FilterGradLayout,
  type Padding,
} from './window.js';

export type { Conv2DOptions, Padding, Size2D } from './window.js';

const X_LAYOUT = '[batch, height, width, inChannels]';
/** conv2d's filter gradient: x of {@link X_LAYOUT}, dy of the filter's output channels (see {@link filterGradArgs}). */
export const CONV_FILTER_GRAD: FilterGradLayout = { x: X_LAYOUT, dy: '[batch, outHeight, outWidth, outChannels]', outChannels: (fs) => fs[3] };
const FILTER_LAYOUT = '[filterHeight, filterWidth, inChannels, outChannels]';

/**
 * 2-D convolution (cross-correlation, as TensorFlow and Keras) of NHWC images.
 *
 * @param x - images `[batch, height, width, inChannels]`, float32.
 * @param filter - `[filterHeight, filterWidth, inChannels, outChannels]` (the Keras Conv2D kernel layout).
 * @param options - `strides` (default 1), `padding` (`'valid'`, the default, or `'same'`:
 *   TensorFlow's padding, `pad_total = max((ceil(H / s) - 1) * s + (k - 1) * d + 1 - H, 0)`,
 *   the smaller half on top/left), `dilations` (default 1).
 * @returns `[batch, outHeight, outWidth, outChannels]`; with `'same'`, `outHeight = ceil(height / strideH)`.
 * @example
 * ```ts
 * const x = randomNormal([8, 28, 28, 1]);
 * const w = randomNormal([5, 5, 1, 32]);
 * conv2d(x, w);                                   // [8, 24, 24, 32]
 * conv2d(x, w, { strides: 2, padding: 'same' });  // [8, 14, 14, 32]
 * ```
 */
export function conv2d(x: TensorOrLike, filter: TensorOrLike, options: Conv2DOptions = {}): Tensor {
  return op('conv2d', () => {
    const { t, f, attrs } = conv2dArgs(x, filter, options, 'conv2d');
    return runKernel('Conv2D', [t, f], attrs);
  });
}

/**
 * Converts and checks the arguments of a 2-D convolution (ranks, dtypes, channels,
 * options, the window fitting), throwing errors that name `opName`; returns the tensors
 * and the kernel's window attributes.
 */
export function conv2dArgs(
  x: TensorOrLike,
  filter: TensorOrLike,
  options: Conv2DOptions,
  opName: string,
): { t: Tensor; f: Tensor; attrs: Conv2DAttrs } {
  const t = imageArg(x, 4, 'x', opName, X_LAYOUT);
  const f = imageArg(filter, 4, 'filter', opName, FILTER_LAYOUT);
  const describe = () => `x ${formatShape(t.shape)}, filter ${formatShape(f.shape)}`;
  if (f.shape[2] !== t.shape[3]) {
    throw new ShapeError(`${opName}: filter expects ${f.shape[2]} input channels but x has ${t.shape[3]} (${describe()})`);
  }
  const { attrs } = convWindow(opName, [t.shape[1], t.shape[2]], [f.shape[0], f.shape[1]], options, describe);
  return { t, f, attrs };
}

/** Options of {@link conv1d}. */
export interface Conv1DOptions {
  /** Step of the window. Default 1. */
  readonly stride?: number;
  /**
   * `'valid'` (default), `'same'` (TensorFlow's), or `'causal'` (Keras: `(k - 1) * dilation`
   * zeros on the left only, so output `t` sees inputs up to `t`).
   */
  readonly padding?: Padding | 'causal';
  /** Spacing of the filter taps. Default 1. */
  readonly dilation?: number;
}

/**
 * 1-D convolution of sequences `[batch, width, inChannels]`, computed as a
 * {@link conv2d} of height 1.
 *
 * @param x - `[batch, width, inChannels]`, float32.
 * @param filter - `[filterWidth, inChannels, outChannels]` (the Keras Conv1D kernel layout).
 * @param options - `stride`, `padding` (`'valid'`, `'same'` or `'causal'`), `dilation`.
 * @returns `[batch, outWidth, outChannels]`.
 * @example
 * ```ts
 * conv1d(randomNormal([4, 100, 8]), randomNormal([3, 8, 16]));                        // [4, 98, 16]
 * conv1d(randomNormal([4, 100, 8]), randomNormal([3, 8, 16]), { padding: 'causal' }); // [4, 100, 16]
 * ```
 */
export function conv1d(x: TensorOrLike, filter: TensorOrLike, options: Conv1DOptions = {}): Tensor {
  return op('conv1d', () => {
    const t = imageArg(x, 3, 'x', 'conv1d', '[batch, width, inChannels]');
    const f = imageArg(filter, 3, 'filter', 'conv1d', '[filterWidth, inChannels, outChannels]');
    const describe = () => `x ${formatShape(t.shape)}, filter ${formatShape(f.shape)}`;
    if (f.shape[1] !== t.shape[2]) {
      throw new ShapeError(`conv1d: filter expects ${f.shape[1]} input channels but x has ${t.shape[2]} (${describe()})`);
    }
    const stride = single(options.stride, 'stride', 'conv1d');
    const dilation = single(options.dilation, 'dilation', 'conv1d');
    const padding = checkPadding<Padding | 'causal'>(options.padding, ['valid', 'same', 'causal'], 'conv1d');
    if (f.shape[0] < 1) throw new ShapeError(`conv1d: expected a filter of at least 1 tap but got ${describe()}`);
    const [n, w, cin] = t.shape;
    const { pad, out } = resolveWindow('conv1d', [1, w], [1, f.shape[0]], [1, stride], [1, dilation], padding, describe);
    const y = runKernel('Conv2D', [reshape(t, [n, 1, w, cin]), reshape(f, [1, ...f.shape])], {
      strides: [1, stride],
      dilations: [1, dilation],
      pad,
    });
    return reshape(y, [n, out[1], f.shape[2]]);
  });
}

/**
 * Transposed 2-D convolution (sometimes called deconvolution): the gradient of
 * {@link conv2d} with respect to its input, used to upsample. `outputShape` is needed
 * because several input sizes give one conv2d output size when strides exceed 1.
 *
 * @param x - `[batch, height, width, inChannels]`, float32.
 * @param filter - `[filterHeight, filterWidth, outChannels, inChannels]` (the Keras
 *   Conv2DTranspose kernel layout: it is the filter of the conv2d this op transposes).
 * @param outputShape - `[batch, outHeight, outWidth, outChannels]`; a conv2d of this shape
 *   with the same options must give `x`'s height and width.
 * @param options - `strides`, `padding`, `dilations` of that conv2d.
 * @returns `[batch, outHeight, outWidth, outChannels]`.
 * @example
 * ```ts
 * const x = randomNormal([1, 7, 7, 64]);
 * conv2dTranspose(x, randomNormal([3, 3, 32, 64]), [1, 14, 14, 32], { strides: 2, padding: 'same' }); // [1, 14, 14, 32]
 * ```
 */
export function conv2dTranspose(x: TensorOrLike, filter: TensorOrLike, outputShape: Shape, options: Conv2DOptions = {}): Tensor {
  return op('conv2dTranspose', () => {
    const t = imageArg(x, 4, 'x', 'conv2dTranspose', X_LAYOUT);
    const f = imageArg(filter, 4, 'filter', 'conv2dTranspose', '[filterHeight, filterWidth, outChannels, inChannels]');
    const out = shape4Arg(outputShape, 'outputShape', 'conv2dTranspose');
    const describe = () => `x ${formatShape(t.shape)}, filter ${formatShape(f.shape)}, outputShape ${formatShape(out)}`;
    if (f.shape[3] !== t.shape[3]) {
      throw new ShapeError(`conv2dTranspose: filter expects ${f.shape[3]} input channels (its last axis) but x has ${t.shape[3]} (${describe()})`);
    }
    if (out[3] !== f.shape[2]) {
      throw new ShapeError(`conv2dTranspose: outputShape has ${out[3]} channels but the filter makes ${f.shape[2]} (its third axis) (${describe()})`);
    }
    if (out[0] !== t.shape[0]) {
      throw new ShapeError(`conv2dTranspose: outputShape has batch ${out[0]} but x has ${t.shape[0]} (${describe()})`);
    }
    const { attrs, out: back } = convWindow('conv2dTranspose', [out[1], out[2]], [f.shape[0], f.shape[1]], options, describe);
    for (const i of [0, 1] as const) {
      if (back[i] !== t.shape[i + 1]) {
        const padding = options.padding ?? 'valid';
        const [lo, hi] = invertibleRange(t.shape[i + 1], f.shape[i], attrs.strides[i], attrs.dilations[i], padding);
        const axis = i === 0 ? 'height' : 'width';
        throw new ShapeError(
          `conv2dTranspose: a conv2d of outputShape's ${axis} ${out[i + 1]} gives ${back[i]}, not x's ${t.shape[i + 1]}; ` +
            `expected an output ${axis} from ${lo} to ${hi} with strides ${attrs.strides[i]} and padding '${padding}' (${describe()})`,
        );
      }
    }
    return runKernel('Conv2DBackpropInput', [t, f], { ...attrs, inputShape: out });
  });
}

/**
 * The gradient of {@link conv2d} with respect to its filter: the correlation of the
 * input with the output gradient. For custom layers and backend tests; `grads` of a
 * conv2d calls the same kernel.
 *
 * @param x - the conv2d input `[batch, height, width, inChannels]`.
 * @param dy - the gradient of the conv2d output `[batch, outHeight, outWidth, outChannels]`.
 * @param filterShape - `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @param options - the conv2d's `strides`, `padding`, `dilations`.
 * @returns the filter gradient, of `filterShape`.
 * @example
 * ```ts
 * const x = randomNormal([2, 5, 5, 3]);
 * conv2dBackpropFilter(x, ones([2, 3, 3, 4]), [3, 3, 3, 4]); // [3, 3, 3, 4]
 * ```
 */
export function conv2dBackpropFilter(x: TensorOrLike, dy: TensorOrLike, filterShape: Shape, options: Conv2DOptions = {}): Tensor {
  const opName = 'conv2dBackpropFilter';
  return op(opName, () => {
    const { t, g, fs, attrs } = filterGradArgs(x, dy, filterShape, options, opName, CONV_FILTER_GRAD);
    return runKernel('Conv2DBackpropFilter', [t, g], { ...attrs, filterShape: fs });
  });
}

/** A 4-D tensor's shape as the kernels' attribute type. */
export const shape4 = (t: Tensor) => [...t.shape] as Shape4D;

// All three kernels are bilinear in their two inputs, so each one's gradients are the
// other two kernels with the same window: second derivatives come for free.
registerGradient('Conv2D', (dy, [x, filter], _y, attrs, needed) => {
  const a = convAttrsOf(attrs);
  return [
    needed?.[0] === false ? null : runKernel('Conv2DBackpropInput', [dy, filter], { ...a, inputShape: shape4(x) }),
    needed?.[1] === false ? null : runKernel('Conv2DBackpropFilter', [x, dy], { ...a, filterShape: shape4(filter) }),
  ];
});
registerGradient('Conv2DBackpropInput', (g, [dy, filter], _y, attrs, needed) => {
  const a = convAttrsOf(attrs);
  return [
    needed?.[0] === false ? null : runKernel('Conv2D', [g, filter], a),
    needed?.[1] === false ? null : runKernel('Conv2DBackpropFilter', [g, dy], { ...a, filterShape: shape4(filter) }),
  ];
});
registerGradient('Conv2DBackpropFilter', (g, [x, dy], _y, attrs, needed) => {
  const a = convAttrsOf(attrs);
  return [
    needed?.[0] === false ? null : runKernel('Conv2DBackpropInput', [dy, g], { ...a, inputShape: shape4(x) }),
    needed?.[1] === false ? null : runKernel('Conv2D', [x, g], a),
  ];
});
