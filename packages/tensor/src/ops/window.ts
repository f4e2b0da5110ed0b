/**
 * Argument checks and padding resolution shared by the convolution and pooling ops:
 * they turn Keras-style options (`strides: 2`, `padding: 'same'`) into the explicit
 * numbers the kernels take, and say what is wrong, naming the op, when they cannot.
 */
import { ShapeError, ValueError } from '../errors.js';
import type { Conv2DAttrs, Shape4D } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { convOutputSize, effectiveFilterSize, samePadding } from '../util/conv.js';
import { formatShape } from '../util/shape.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';

/** How a window treats the borders: `'valid'` never leaves the input, `'same'` pads (TensorFlow's rule) so that `out = ceil(in / stride)`. */
export type Padding = 'valid' | 'same';

/** A size per spatial axis: one number for both, or `[height, width]`. */
export type Size2D = number | readonly [number, number];

/** Turns `2` or `[2, 3]` into a pair of positive integers, or throws a ValueError naming the op and option. */
export function pair(value: Size2D | undefined, fallback: number | readonly [number, number], what: string, opName: string): [number, number] {
  const v = value ?? fallback;
  const p: readonly number[] = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ValueError(`${opName}: expected ${what} to be a positive integer or a pair of them but got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

/** A positive integer option of a 1-D op (a stride, a pool size), or throws a ValueError naming the op. */
export function single(value: number | undefined, what: string, opName: string, fallback = 1): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new ValueError(`${opName}: expected ${what} to be a positive integer but got ${JSON.stringify(value)}`);
  return v;
}

/** Checks a padding option, or throws a ValueError naming the op. */
export function checkPadding<P extends string>(padding: P | undefined, allowed: readonly P[], opName: string): P {
  const p = padding ?? allowed[0];
  if (!allowed.includes(p)) {
    throw new ValueError(`${opName}: expected padding ${allowed.map((a) => `'${a}'`).join(' or ')} but got ${JSON.stringify(padding)}`);
  }
  return p;
}

/** Converts an image argument and checks it is a float32 tensor of the given rank. */
export function imageArg(x: TensorOrLike, rank: number, arg: string, opName: string, layout: string): Tensor {
  const t = toTensor(x, arg, opName);
  assertDType(t, ['float32'], arg, opName);
  if (t.rank !== rank) {
    throw new ShapeError(`${opName}: argument '${arg}' expected rank ${rank} ${layout} but got shape ${formatShape(t.shape)} (rank ${t.rank})`);
  }
  return t;
}

/** Checks that a shape argument has four positive (or, for the batch, non-negative) integers. */
export function shape4Arg(shape: Shape, what: string, opName: string): Shape4D {
  const ok = Array.isArray(shape) && shape.length === 4 && shape.every((d, i) => Number.isInteger(d) && d >= (i === 0 ? 0 : 1));
  if (!ok) {
    throw new ShapeError(`${opName}: expected ${what} to be 4 positive integers [batch, height, width, channels] but got ${JSON.stringify(shape)}`);
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}

/**
 * Resolves padding into `[top, bottom, left, right]` for a window of `filter` taps
 * over an input of `[height, width]`, and computes the output `[height, width]`.
 * Throws a ShapeError naming the op when the window does not fit.
 */
export function resolveWindow(
  opName: string,
  input: readonly [number, number],
  filter: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: Padding | 'causal',
  describe: () => string,
): { pad: Conv2DAttrs['pad']; out: [number, number] } {
  const axis = (i: 0 | 1): [number, number] => {
    if (padding === 'valid') return [0, 0];
    if (padding === 'causal') return [effectiveFilterSize(filter[i], dilations[i]) - 1, 0];
    return samePadding(input[i], filter[i], strides[i], dilations[i]);
  };
  const [top, bottom] = axis(0);
  const [left, right] = axis(1);
  const out: [number, number] = [
    convOutputSize(input[0], filter[0], strides[0], dilations[0], top, bottom),
    convOutputSize(input[1], filter[1], strides[1], dilations[1], left, right),
  ];
  // 'same' on an empty axis gives an empty output, which is fine; a window that does not fit is not.
  for (const i of [0, 1] as const) {
    if (out[i] <= 0 && input[i] > 0) {
      const eff = effectiveFilterSize(filter[i], dilations[i]);
      const span = input[i] + (i === 0 ? top + bottom : left + right);
      const dil = dilations[i] > 1 ? ` (${filter[i]} taps, dilation ${dilations[i]})` : '';
      throw new ShapeError(
        `${opName}: a window of ${eff}${dil} does not fit in the ${i === 0 ? 'height' : 'width'} ${span} of the ` +
          `${padding === 'valid' ? 'unpadded' : 'padded'} input with padding '${padding}' (${describe()}); ` +
          `expected ${i === 0 ? 'height' : 'width'} >= ${eff} or padding 'same'`,
      );
    }
  }
  return { pad: [top, bottom, left, right], out: [Math.max(out[0], 0), Math.max(out[1], 0)] };
}

/** The attributes of a kernel's window without its extra fields (an inputShape, a filterShape). */
export function convAttrsOf(attrs: Readonly<Record<string, unknown>>): Conv2DAttrs {
  return {
    strides: attrs.strides as Conv2DAttrs['strides'],
    dilations: attrs.dilations as Conv2DAttrs['dilations'],
    pad: attrs.pad as Conv2DAttrs['pad'],
  };
}


/** Options of the 2-D convolutions. */
export interface Conv2DOptions {
  /** Step of the window: one number for both axes or `[height, width]`. Default 1. */
  readonly strides?: Size2D;
  /** `'valid'` (default): no padding; `'same'`: TensorFlow's zero padding, `out = ceil(in / stride)`. */
  readonly padding?: Padding;
  /** Spacing of the filter taps (atrous convolution): one number or `[height, width]`. Default 1. */
  readonly dilations?: Size2D;
}

/** Checks conv options and works out the kernel attributes and the output `[height, width]`. */
export function convWindow(
  opName: string,
  input: readonly [number, number],
  filter: readonly [number, number],
  options: Conv2DOptions,
  describe: () => string,
): { attrs: Conv2DAttrs; out: [number, number] } {
  const strides = pair(options.strides, 1, 'strides', opName);
  const dilations = pair(options.dilations, 1, 'dilations', opName);
  const padding = checkPadding<Padding>(options.padding, ['valid', 'same'], opName);
  if (filter[0] < 1 || filter[1] < 1) {
    throw new ShapeError(`${opName}: expected a filter of at least 1 x 1 taps but got ${filter[0]} x ${filter[1]} (${describe()})`);
  }
  const { pad, out } = resolveWindow(opName, input, filter, strides, dilations, padding, describe);
  return { attrs: { strides, dilations, pad }, out };
}

/**
 * The input sizes along one axis that a window maps to `out` positions: what a
 * transposed convolution may produce. For messages.
 */
export function invertibleRange(out: number, filter: number, stride: number, dilation: number, padding: Padding): [number, number] {
  if (padding === 'same') return [(out - 1) * stride + 1, out * stride];
  const eff = effectiveFilterSize(filter, dilation);
  return [(out - 1) * stride + eff, out * stride + eff - 1];
}

/** What a filter gradient's arguments look like: x's and dy's layouts (for messages) and dy's channels from the filter's shape. */
export interface FilterGradLayout {
  readonly x: string;
  readonly dy: string;
  readonly outChannels: (filterShape: Shape4D) => number;
}

/**
 * Converts and checks the arguments of a filter gradient (conv2d's or depthwiseConv2d's): x,
 * dy of the forward output's shape, a filterShape matching x's channels, the window; or
 * throws naming the op.
 */
export function filterGradArgs(x: TensorOrLike, dy: TensorOrLike, filterShape: Shape, options: Conv2DOptions, opName: string, layout: FilterGradLayout) {
  const t = imageArg(x, 4, 'x', opName, layout.x);
  const g = imageArg(dy, 4, 'dy', opName, layout.dy);
  const fs = shape4Arg(filterShape, 'filterShape', opName);
  const describe = () => `x ${formatShape(t.shape)}, dy ${formatShape(g.shape)}, filterShape ${formatShape(fs)}`;
  if (fs[2] !== t.shape[3]) throw new ShapeError(`${opName}: filter expects ${fs[2]} input channels but x has ${t.shape[3]} (${describe()})`);
  const { attrs, out } = convWindow(opName, [t.shape[1], t.shape[2]], [fs[0], fs[1]], options, describe);
  checkGradShape(opName, g, [t.shape[0], out[0], out[1], layout.outChannels(fs)], describe);
  return { t, g, fs, attrs };
}

/** Throws a ShapeError unless `dy` has the shape a forward op of this window gives. */
export function checkGradShape(opName: string, dy: Tensor, expected: readonly number[], describe: () => string): void {
  if (dy.shape.length !== expected.length || dy.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${opName}: expected dy of shape ${formatShape(expected)} (the forward output) but got ${formatShape(dy.shape)} (${describe()})`);
  }
}
