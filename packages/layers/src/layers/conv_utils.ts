import { ShapeError, transpose, ValueError, type Tensor } from '@tessera/tensor';
import type { Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';

/** Keras's `data_format`: where the channels sit in an image batch. */
export type DataFormat = 'channels_last' | 'channels_first';
/** Keras's convolution and pooling padding. */
export type PaddingMode = 'valid' | 'same';

/** The one tensor of a single-input layer. */
export const single = (inputs: Tensors): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/**
 * Keras's `standardize_tuple`: an int becomes `n` copies, a list must have `n` positive
 * integers (or non-negative ones with `allowZero`).
 */
export function normalizeTuple(value: number | readonly number[], n: number, arg: string, layer: string, allowZero = false): number[] {
  const list = typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];
  const ok = list.length === n && list.every((v) => Number.isInteger(v) && (allowZero ? v >= 0 : v > 0));
  if (!ok) {
    throw new ValueError(
      `${layer}: expected \`${arg}\` to be ${allowZero ? 'a non-negative' : 'a positive'} integer or a list of ${n} of them but got ${JSON.stringify(value)}`,
    );
  }
  return list;
}

/** Keras's rule: a window is either strided or dilated, not both. */
export function assertStridesOrDilation(strides: readonly number[], dilation: readonly number[], layer: string): void {
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    throw new ValueError(
      `${layer}: strides > 1 cannot be combined with dilationRate > 1 (got strides [${strides.join(', ')}], dilationRate [${dilation.join(', ')}])`,
    );
  }
}

/** Checks a padding string (case-insensitive, as Keras) and returns it in lower case. */
export function normalizePadding<P extends string>(value: string | undefined, allowed: readonly P[], layer: string): P {
  const p = (value ?? 'valid').toLowerCase() as P;
  if (!allowed.includes(p)) throw new ValueError(`${layer}: expected padding ${allowed.map((a) => `'${a}'`).join(' or ')} but got '${value}'`);
  return p;
}

/** Checks a data format string (default channels_last). */
export function normalizeDataFormat(value: string | undefined, layer: string): DataFormat {
  const f = value ?? 'channels_last';
  if (f !== 'channels_last' && f !== 'channels_first') {
    throw new ValueError(`${layer}: expected dataFormat 'channels_last' or 'channels_first' but got '${value}'`);
  }
  return f;
}

/**
 * Output length of a convolution or pooling window along one axis (Keras's
 * `compute_conv_output_shape`): `valid` keeps whole windows, `same` and `causal`
 * pad so that stride 1 keeps the length.
 */
export function convOutputLength(length: number | null, kernel: number, padding: PaddingMode | 'causal', stride: number, dilation = 1): number | null {
  if (length === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return Math.max(0, Math.floor((length - effective) / stride) + 1);
  return Math.ceil(length / stride);
}

/** Output length of a transposed convolution along one axis (Keras's `compute_conv_transpose_output_length`). */
export function deconvOutputLength(
  length: number | null,
  kernel: number,
  padding: PaddingMode,
  stride: number,
  outputPadding: number | null,
  dilation = 1,
): number | null {
  if (length === null) return null;
  const k = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === null) return padding === 'valid' ? length * stride + Math.max(k - stride, 0) : length * stride;
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (length - 1) * stride + k - 2 * pad + outputPadding;
}

/** Permutation moving channels from axis 1 to the end: NCHW -> NHWC. */
function toLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** Permutation moving channels from the end to axis 1: NHWC -> NCHW. */
function toFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** The tensor in channels-last layout (the ops' layout). */
export function toChannelsLast(x: Tensor, format: DataFormat): Tensor {
  return format === 'channels_last' ? x : transpose(x, toLastPerm(x.rank));
}

/** A channels-last result back in the layer's layout. */
export function fromChannelsLast(x: Tensor, format: DataFormat): Tensor {
  return format === 'channels_last' ? x : transpose(x, toFirstPerm(x.rank));
}

/** A shape in channels-last layout. */
export function shapeToChannelsLast(shape: LayerShape, format: DataFormat): LayerShape {
  return format === 'channels_last' ? shape : toLastPerm(shape.length).map((i) => shape[i]);
}

/** A channels-last shape back in the layer's layout. */
export function shapeFromChannelsLast(shape: LayerShape, format: DataFormat): LayerShape {
  return format === 'channels_last' ? shape : toFirstPerm(shape.length).map((i) => shape[i]);
}

/** Checks the rank of an input shape, naming the layer and the layout it expects. */
export function assertInputRank(shape: LayerShape, rank: number, layer: string, layout: string): void {
  if (shape.length !== rank) {
    throw new ShapeError(
      `${layer} expects inputs of rank ${rank} ${layout} but got shape (${shape.map((d) => d ?? 'None').join(', ')})`,
    );
  }
}

/** The channel count of a shape, which must be known to build weights. */
export function channelsOf(shape: LayerShape, format: DataFormat, layer: string): number {
  const c = format === 'channels_last' ? shape[shape.length - 1] : shape[1];
  if (c === null || c === undefined) {
    throw new ShapeError(`${layer}: the channel dimension of the input must be known but got shape (${shape.map((d) => d ?? 'None').join(', ')})`);
  }
  return c;
}

