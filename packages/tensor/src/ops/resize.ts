import { registerGradient } from '../autodiff/registry.js';
import { ShapeError, ValueError } from '../errors.js';
import type { ResizeAttrs, Shape4D } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { formatShape } from '../util/shape.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { reshape } from './reshape.js';
import { checkGradShape, imageArg, shape4Arg } from './window.js';

/**
 * How a resize places output pixels over the input (TensorFlow's raw-op flags). The
 * defaults (both false) are TensorFlow 1's `tf.image.resize_*`; TensorFlow 2's
 * `tf.image.resize` (and Keras `Resizing`, `UpSampling2D(interpolation='bilinear')`)
 * corresponds to `halfPixelCenters: true`.
 */
export interface ResizeOptions {
  /** Map the corner pixels of input and output onto each other (scale `(in - 1) / (out - 1)`). Default false. */
  readonly alignCorners?: boolean;
  /** Sample at pixel centers (`(i + 0.5) * scale`), as TensorFlow 2 and PIL. Default false. Not with `alignCorners`. */
  readonly halfPixelCenters?: boolean;
}

type ResizeKernel = 'ResizeNearestNeighbor' | 'ResizeBilinear';

function flags(options: ResizeOptions, opName: string): ResizeAttrs {
  const alignCorners = options.alignCorners ?? false;
  const halfPixelCenters = options.halfPixelCenters ?? false;
  if (typeof alignCorners !== 'boolean' || typeof halfPixelCenters !== 'boolean') {
    throw new ValueError(`${opName}: expected alignCorners and halfPixelCenters to be booleans but got ${JSON.stringify(options)}`);
  }
  if (alignCorners && halfPixelCenters) {
    throw new ValueError(`${opName}: alignCorners and halfPixelCenters cannot both be true (as TensorFlow); pick one`);
  }
  return { alignCorners, halfPixelCenters };
}

function resize(kernel: ResizeKernel, opName: string, x: TensorOrLike, size: readonly [number, number], options: ResizeOptions): Tensor {
  return op(opName, () => {
    const t = toTensor(x, 'x', opName);
    assertDType(t, ['float32'], 'x', opName);
    if (t.rank !== 3 && t.rank !== 4) {
      throw new ShapeError(
        `${opName}: argument 'x' expected rank 4 [batch, height, width, channels] or 3 [height, width, channels] ` +
          `but got shape ${formatShape(t.shape)}`,
      );
    }
    if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ValueError(`${opName}: expected size to be [newHeight, newWidth], two positive integers, but got ${JSON.stringify(size)}`);
    }
    const f = flags(options, opName);
    const x4 = t.rank === 3 ? reshape(t, [1, ...t.shape]) : t;
    if (x4.shape[1] === 0 || x4.shape[2] === 0) {
      throw new ShapeError(`${opName}: cannot resize an image with no pixels: x ${formatShape(t.shape)}`);
    }
    const y = runKernel(kernel, [x4], { ...f, size: [size[0], size[1]] });
    return t.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
  });
}

/**
 * Resizes NHWC images by taking the nearest input pixel (TensorFlow's
 * `ResizeNearestNeighbor`; see {@link ResizeOptions} for the flags, and use
 * `halfPixelCenters: true` for TensorFlow 2's `tf.image.resize(..., 'nearest')`).
 * An integer upscale with the defaults repeats each pixel, as Keras `UpSampling2D`.
 *
 * @param x - `[batch, height, width, channels]` or `[height, width, channels]`, float32.
 * @param size - `[newHeight, newWidth]`.
 * @param options - `alignCorners`, `halfPixelCenters` (both default false).
 * @returns `[batch, newHeight, newWidth, channels]` (or without the batch axis, as `x`).
 * @example
 * ```ts
 * resizeNearestNeighbor(tensor([1, 2, 3, 4], [1, 2, 2, 1]), [4, 4]); // each pixel a 2 x 2 block
 * resizeNearestNeighbor(images, [224, 224], { halfPixelCenters: true });
 * ```
 */
export function resizeNearestNeighbor(x: TensorOrLike, size: readonly [number, number], options: ResizeOptions = {}): Tensor {
  return resize('ResizeNearestNeighbor', 'resizeNearestNeighbor', x, size, options);
}

/**
 * Resizes NHWC images by bilinear interpolation (TensorFlow's `ResizeBilinear`; use
 * `halfPixelCenters: true` for TensorFlow 2's `tf.image.resize`, whose default method
 * is bilinear).
 *
 * @param x - `[batch, height, width, channels]` or `[height, width, channels]`, float32.
 * @param size - `[newHeight, newWidth]`.
 * @param options - `alignCorners`, `halfPixelCenters` (both default false).
 * @returns `[batch, newHeight, newWidth, channels]` (or without the batch axis, as `x`).
 * @example
 * ```ts
 * resizeBilinear(tensor([0, 1], [1, 1, 2, 1]), [1, 4]);                         // [0, 0.5, 1, 1]
 * resizeBilinear(tensor([0, 1], [1, 1, 2, 1]), [1, 4], { alignCorners: true }); // [0, 1/3, 2/3, 1]
 * ```
 */
export function resizeBilinear(x: TensorOrLike, size: readonly [number, number], options: ResizeOptions = {}): Tensor {
  return resize('ResizeBilinear', 'resizeBilinear', x, size, options);
}

function resizeGrad(
  kernel: 'ResizeNearestNeighborGrad' | 'ResizeBilinearGrad',
  opName: string,
  dy: TensorOrLike,
  inputShape: Shape,
  options: ResizeOptions,
): Tensor {
  return op(opName, () => {
    const g = imageArg(dy, 4, 'dy', opName, '[batch, newHeight, newWidth, channels]');
    const xs = shape4Arg(inputShape, 'inputShape', opName);
    const f = flags(options, opName);
    checkGradShape(opName, g, [xs[0], g.shape[1], g.shape[2], xs[3]], () => `dy ${formatShape(g.shape)}, inputShape ${formatShape(xs)}`);
    return runKernel(kernel, [g], { ...f, inputShape: xs });
  });
}

/**
 * The gradient of {@link resizeNearestNeighbor} with respect to its input: each value
 * of `dy` added to the input pixel it was copied from.
 *
 * @param dy - `[batch, newHeight, newWidth, channels]`.
 * @param inputShape - the resized images' shape `[batch, height, width, channels]`.
 * @param options - the resize's flags.
 * @returns the input gradient, of `inputShape`.
 * @example
 * ```ts
 * resizeNearestNeighborGrad(ones([1, 4, 4, 1]), [1, 2, 2, 1]); // fours
 * ```
 */
export function resizeNearestNeighborGrad(dy: TensorOrLike, inputShape: Shape, options: ResizeOptions = {}): Tensor {
  return resizeGrad('ResizeNearestNeighborGrad', 'resizeNearestNeighborGrad', dy, inputShape, options);
}

/**
 * The gradient of {@link resizeBilinear} with respect to its input: each value of `dy`
 * spread over its four source pixels by their interpolation weights.
 *
 * @param dy - `[batch, newHeight, newWidth, channels]`.
 * @param inputShape - the resized images' shape.
 * @param options - the resize's flags.
 * @returns the input gradient, of `inputShape`.
 * @example
 * ```ts
 * resizeBilinearGrad(ones([1, 1, 4, 1]), [1, 1, 2, 1]); // [[1.5, 2.5]]
 * ```
 */
export function resizeBilinearGrad(dy: TensorOrLike, inputShape: Shape, options: ResizeOptions = {}): Tensor {
  return resizeGrad('ResizeBilinearGrad', 'resizeBilinearGrad', dy, inputShape, options);
}

const flagsOf = (attrs: Readonly<Record<string, unknown>>): ResizeAttrs => ({
  alignCorners: attrs.alignCorners as boolean,
  halfPixelCenters: attrs.halfPixelCenters as boolean,
});
const shape4 = (t: Tensor) => [...t.shape] as Shape4D;

// Each resize is linear in x and its gradient kernel is its adjoint, so the gradient of
// the gradient kernel is the resize again.
registerGradient('ResizeNearestNeighbor', (dy, [x], _y, attrs) => [
  runKernel('ResizeNearestNeighborGrad', [dy], { ...flagsOf(attrs), inputShape: shape4(x) }),
]);
registerGradient('ResizeNearestNeighborGrad', (g, [dy], _y, attrs) => [
  runKernel('ResizeNearestNeighbor', [g], { ...flagsOf(attrs), size: [dy.shape[1], dy.shape[2]] }),
]);
registerGradient('ResizeBilinear', (dy, [x], _y, attrs) => [
  runKernel('ResizeBilinearGrad', [dy], { ...flagsOf(attrs), inputShape: shape4(x) }),
]);
registerGradient('ResizeBilinearGrad', (g, [dy], _y, attrs) => [
  runKernel('ResizeBilinear', [g], { ...flagsOf(attrs), size: [dy.shape[1], dy.shape[2]] }),
]);
