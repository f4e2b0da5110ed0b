import { registerGradient } from '../autodiff/registry.js';
import { ValueError } from '../errors.js';
import type { PoolAttrs, Shape4D } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { formatShape } from '../util/shape.js';
import type { TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { reshape } from './reshape.js';
import { checkGradShape, checkPadding, imageArg, pair, resolveWindow, shape4Arg, single, type Padding, type Size2D } from './window.js';

/** Options of the 2-D poolings. */
export interface Pool2DOptions {
  /** Window size: one number for both axes or `[height, width]`. */
  readonly poolSize: Size2D;
  /** Step of the window; default `poolSize` (windows side by side, as Keras). */
  readonly strides?: Size2D;
  /** `'valid'` (default) or `'same'` (TensorFlow's padding; padded positions never count). */
  readonly padding?: Padding;
}

/** Options of the 1-D poolings. */
export interface Pool1DOptions {
  /** Window length. */
  readonly poolSize: number;
  /** Step of the window; default `poolSize`. */
  readonly strides?: number;
  /** `'valid'` (default) or `'same'`. */
  readonly padding?: Padding;
}

const X_LAYOUT = '[batch, height, width, channels]';

/** Checks pool options against an input of `[height, width]`: the kernel attributes and the output size. */
function poolWindow(opName: string, input: readonly [number, number], options: Pool2DOptions | undefined, describe: () => string) {
  if (options?.poolSize === undefined) throw new ValueError(`${opName}: expected options.poolSize (a positive integer or a pair) but got none`);
  const poolSize = pair(options.poolSize, 1, 'poolSize', opName);
  const strides = pair(options.strides, poolSize, 'strides', opName);
  const padding = checkPadding<Padding>(options.padding, ['valid', 'same'], opName);
  const { pad, out } = resolveWindow(opName, input, poolSize, strides, [1, 1], padding, describe);
  const attrs: PoolAttrs = { poolSize, strides, pad };
  return { attrs, out };
}

function pool2d(kernel: 'MaxPool' | 'AvgPool', opName: string, x: TensorOrLike, options: Pool2DOptions): Tensor {
  return op(opName, () => {
    const t = imageArg(x, 4, 'x', opName, X_LAYOUT);
    const { attrs } = poolWindow(opName, [t.shape[1], t.shape[2]], options, () => `x ${formatShape(t.shape)}`);
    return runKernel(kernel, [t], attrs);
  });
}

function pool1d(kernel: 'MaxPool' | 'AvgPool', opName: string, x: TensorOrLike, options: Pool1DOptions): Tensor {
  return op(opName, () => {
    const t = imageArg(x, 3, 'x', opName, '[batch, width, channels]');
    if (options?.poolSize === undefined) throw new ValueError(`${opName}: expected options.poolSize (a positive integer) but got none`);
    const size = single(options.poolSize, 'poolSize', opName);
    const stride = single(options.strides, 'strides', opName, size);
    const [n, w, c] = t.shape;
    const { attrs, out } = poolWindow(opName, [1, w], { poolSize: [1, size], strides: [1, stride], padding: options.padding }, () => `x ${formatShape(t.shape)}`);
    return reshape(runKernel(kernel, [reshape(t, [n, 1, w, c])], attrs), [n, out[1], c]);
  });
}

/**
 * 2-D max pooling of NHWC images: the largest value of each window, per channel.
 *
 * @param x - `[batch, height, width, channels]`, float32.
 * @param options - `poolSize`, `strides` (default `poolSize`), `padding` (`'valid'` or `'same'`).
 * @returns `[batch, outHeight, outWidth, channels]`.
 * @example
 * ```ts
 * maxPool2d(randomNormal([8, 24, 24, 32]), { poolSize: 2 });                     // [8, 12, 12, 32]
 * maxPool2d(randomNormal([1, 7, 5, 3]), { poolSize: 2, padding: 'same' });       // [1, 4, 3, 3]
 * ```
 */
export function maxPool2d(x: TensorOrLike, options: Pool2DOptions): Tensor {
  return pool2d('MaxPool', 'maxPool2d', x, options);
}

/**
 * 2-D average pooling of NHWC images. With `'same'` padding a border window is divided
 * by the number of input positions it covers, not by the full window (as TensorFlow).
 *
 * @param x - `[batch, height, width, channels]`, float32.
 * @param options - `poolSize`, `strides` (default `poolSize`), `padding`.
 * @returns `[batch, outHeight, outWidth, channels]`.
 * @example
 * ```ts
 * avgPool2d(ones([1, 4, 4, 1]), { poolSize: 2 });                                // [1, 2, 2, 1] of ones
 * avgPool2d(ones([1, 3, 3, 1]), { poolSize: 2, strides: 1, padding: 'same' });   // ones too: padding is not averaged in
 * ```
 */
export function avgPool2d(x: TensorOrLike, options: Pool2DOptions): Tensor {
  return pool2d('AvgPool', 'avgPool2d', x, options);
}

/**
 * 1-D max pooling of sequences `[batch, width, channels]`.
 * @example
 * ```ts
 * maxPool1d(randomNormal([4, 100, 8]), { poolSize: 2 }); // [4, 50, 8]
 * ```
 */
export function maxPool1d(x: TensorOrLike, options: Pool1DOptions): Tensor {
  return pool1d('MaxPool', 'maxPool1d', x, options);
}

/**
 * 1-D average pooling of sequences `[batch, width, channels]`.
 * @example
 * ```ts
 * avgPool1d(randomNormal([4, 100, 8]), { poolSize: 3, strides: 1, padding: 'same' }); // [4, 100, 8]
 * ```
 */
export function avgPool1d(x: TensorOrLike, options: Pool1DOptions): Tensor {
  return pool1d('AvgPool', 'avgPool1d', x, options);
}

/**
 * The gradient of {@link maxPool2d} with respect to `x`: each value of `dy` goes to the
 * first maximum of its window (scanning rows, then columns), as TensorFlow. For custom
 * layers and backend tests; `grads` of a maxPool2d calls the same kernel.
 *
 * @param dy - `[batch, outHeight, outWidth, channels]`, the gradient of the pooled output.
 * @param x - the maxPool2d input.
 * @param options - the maxPool2d's options.
 * @returns the gradient of `x`, of its shape.
 * @example
 * ```ts
 * maxPoolGrad(ones([1, 1, 1, 1]), tensor([1, 4, 4, 2], [1, 2, 2, 1]), { poolSize: 2 }); // [[0, 1], [0, 0]]
 * ```
 */
export function maxPoolGrad(dy: TensorOrLike, x: TensorOrLike, options: Pool2DOptions): Tensor {
  const opName = 'maxPoolGrad';
  return op(opName, () => {
    const g = imageArg(dy, 4, 'dy', opName, '[batch, outHeight, outWidth, channels]');
    const t = imageArg(x, 4, 'x', opName, X_LAYOUT);
    const describe = () => `dy ${formatShape(g.shape)}, x ${formatShape(t.shape)}`;
    const { attrs, out } = poolWindow(opName, [t.shape[1], t.shape[2]], options, describe);
    checkGradShape(opName, g, [t.shape[0], out[0], out[1], t.shape[3]], describe);
    return runKernel('MaxPoolGrad', [g, t], attrs);
  });
}

/**
 * The gradient of {@link avgPool2d} with respect to its input: each value of `dy`
 * spread evenly over the input positions of its window.
 *
 * @param dy - `[batch, outHeight, outWidth, channels]`.
 * @param inputShape - the avgPool2d input's shape.
 * @param options - the avgPool2d's options.
 * @returns the input gradient, of `inputShape`.
 * @example
 * ```ts
 * avgPoolGrad(ones([1, 1, 1, 1]), [1, 2, 2, 1], { poolSize: 2 }); // four quarters
 * ```
 */
export function avgPoolGrad(dy: TensorOrLike, inputShape: Shape, options: Pool2DOptions): Tensor {
  const opName = 'avgPoolGrad';
  return op(opName, () => {
    const g = imageArg(dy, 4, 'dy', opName, '[batch, outHeight, outWidth, channels]');
    const xs = shape4Arg(inputShape, 'inputShape', opName);
    const describe = () => `dy ${formatShape(g.shape)}, inputShape ${formatShape(xs)}`;
    const { attrs, out } = poolWindow(opName, [xs[1], xs[2]], options, describe);
    checkGradShape(opName, g, [xs[0], out[0], out[1], xs[3]], describe);
    return runKernel('AvgPoolGrad', [g], { ...attrs, inputShape: xs });
  });
}

const poolAttrsOf = (attrs: Readonly<Record<string, unknown>>): PoolAttrs => ({
  poolSize: attrs.poolSize as PoolAttrs['poolSize'],
  strides: attrs.strides as PoolAttrs['strides'],
  pad: attrs.pad as PoolAttrs['pad'],
});

registerGradient('MaxPool', (dy, [x], _y, attrs) => [runKernel('MaxPoolGrad', [dy, x], poolAttrsOf(attrs))]);
registerGradient('AvgPool', (dy, [x], _y, attrs) => [
  runKernel('AvgPoolGrad', [dy], { ...poolAttrsOf(attrs), inputShape: [...x.shape] as Shape4D }),
]);
// AvgPoolGrad is linear in dy and AvgPool is its adjoint.
registerGradient('AvgPoolGrad', (g, _inputs, _y, attrs) => [runKernel('AvgPool', [g], poolAttrsOf(attrs))]);
