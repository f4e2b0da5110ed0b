import { add, conv2d, depthwiseConv2d, ShapeError, ValueError, type Tensor, type Variable } from '@tessera/tensor';
import { activationName, getActivation, type ActivationFn, type ActivationId } from '../activations.js';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import {
  assertInputRank,
  assertStridesOrDilation,
  channelsOf,
  convOutputLength,
  fromChannelsLast,
  normalizeDataFormat,
  normalizePadding,
  normalizeTuple,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  single,
  toChannelsLast,
  type DataFormat,
  type PaddingMode,
} from './conv_utils.js';

/** Options of {@link DepthwiseConv2D}. */
export interface DepthwiseConv2DArgs extends LayerArgs {
  kernelSize: number | readonly [number, number];
  strides?: number | readonly [number, number];
  padding?: PaddingMode;
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  dataFormat?: DataFormat;
  dilationRate?: number | readonly [number, number];
  activation?: ActivationId | ActivationFn | null;
  useBias?: boolean;
  depthwiseInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

/**
 * The window arguments shared by the depthwise and separable convolutions, checked
 * as Keras checks them.
 */
abstract class DepthwiseBase extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
  readonly depthMultiplier: number;
  readonly dataFormat: DataFormat;
  readonly dilationRate: [number, number];
  readonly useBias: boolean;
  protected readonly activationId: ActivationId | ActivationFn | null | undefined;
  protected readonly activation: ActivationFn;

  constructor(args: DepthwiseConv2DArgs) {
    super(args);
    this.kernelSize = normalizeTuple(args.kernelSize, 2, 'kernelSize', this.name) as [number, number];
    this.strides = normalizeTuple(args.strides ?? 1, 2, 'strides', this.name) as [number, number];
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, 2, 'dilationRate', this.name) as [number, number];
    assertStridesOrDilation(this.strides, this.dilationRate, this.name);
    this.padding = normalizePadding(args.padding, ['valid', 'same'] as const, this.name);
    const dm = args.depthMultiplier ?? 1;
    if (!Number.isInteger(dm) || dm <= 0) throw new ValueError(`${this.name}: expected a positive integer depthMultiplier but got ${dm}`);
    this.depthMultiplier = dm;
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
    this.useBias = args.useBias ?? true;
    this.activationId = args.activation;
    this.activation = getActivation(args.activation);
  }

  protected get layout(): string {
    return this.dataFormat === 'channels_last' ? '(batch, rows, cols, channels)' : '(batch, channels, rows, cols)';
  }

  /** Output channels for `inChannels` input channels. */
  protected abstract outChannels(inChannels: number): number;

  /** The depthwise step on channels-last input. */
  protected depthwise(x: Tensor, kernel: Tensor): Tensor {
    return depthwiseConv2d(x, kernel, { strides: this.strides, padding: this.padding, dilations: this.dilationRate });
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    assertInputRank(inputShape, 4, this.name, this.layout);
    const [n, rows, cols, c] = shapeToChannelsLast(inputShape, this.dataFormat);
    const out = [rows, cols].map((d, i) => convOutputLength(d, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i]));
    if (out.some((d) => d !== null && d <= 0)) {
      throw new ShapeError(
        `${this.name}: a kernel of ${this.kernelSize.join(' x ')} does not fit input of shape (${inputShape.map((d) => d ?? 'None').join(', ')}) with padding '${this.padding}'`,
      );
    }
    return shapeFromChannelsLast([n, ...out, c === null ? null : this.outChannels(c)], this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      depth_multiplier: this.depthMultiplier,
      activation: activationName(this.activationId),
      use_bias: this.useBias,
    };
  }
}

/**
 * Depthwise 2-D convolution: each input channel is convolved with its own
 * `depthMultiplier` filters, with no mixing across channels. Kernel
 * `[kh, kw, in, depthMultiplier]` (named `kernel`, as Keras 3), bias `[in * depthMultiplier]`.
 * @example
 * ```ts
 * new DepthwiseConv2D({ kernelSize: 3, padding: 'same' }); // (None, 32, 32, 16) -> (None, 32, 32, 16)
 * ```
 */
export class DepthwiseConv2D extends DepthwiseBase {
  static override readonly className = 'DepthwiseConv2D';
  private readonly depthwiseInitializer: InitializerIdentifier;
  private readonly biasInitializer: InitializerIdentifier;
  private readonly depthwiseRegularizer?: Regularizer;
  private readonly biasRegularizer?: Regularizer;
  kernel?: Variable;
  bias?: Variable;

  constructor(args: DepthwiseConv2DArgs) {
    super(args);
    this.depthwiseInitializer = args.depthwiseInitializer ?? 'glorot_uniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
  }

  protected outChannels(inChannels: number): number {
    return inChannels * this.depthMultiplier;
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, 4, this.name, this.layout);
    const c = channelsOf(inputShape, this.dataFormat, this.name);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, c, this.depthMultiplier], this.depthwiseInitializer, {
      regularizer: this.depthwiseRegularizer,
    });
    if (this.useBias) this.bias = this.addWeight('bias', [c * this.depthMultiplier], this.biasInitializer, { regularizer: this.biasRegularizer });
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    let y = this.depthwise(toChannelsLast(single(inputs), this.dataFormat), this.kernel!);
    if (this.bias) y = add(y, this.bias);
    return fromChannelsLast(this.activation(y), this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depthwise_initializer: serializeInitializer(getInitializer(this.depthwiseInitializer)),
      bias_initializer: serializeInitializer(getInitializer(this.biasInitializer)),
      depthwise_regularizer: serializeRegularizer(this.depthwiseRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      depthwise_constraint: null,
      bias_constraint: null,
    };
  }
}

/** Options of {@link SeparableConv2D}. */
export interface SeparableConv2DArgs extends DepthwiseConv2DArgs {
  /** Output channels of the pointwise step. */
  filters: number;
  pointwiseInitializer?: InitializerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier;
}

/**
 * Depthwise separable 2-D convolution: a depthwise convolution (each channel on its
 * own) followed by a 1x1 pointwise convolution mixing the channels into `filters`.
 * Weights as Keras: `depthwise_kernel` `[kh, kw, in, depthMultiplier]`,
 * `pointwise_kernel` `[1, 1, in * depthMultiplier, filters]`, `bias` `[filters]`.
 * @example
 * ```ts
 * new SeparableConv2D({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' });
 * ```
 */
export class SeparableConv2D extends DepthwiseBase {
  static override readonly className = 'SeparableConv2D';
  readonly filters: number;
  private readonly depthwiseInitializer: InitializerIdentifier;
  private readonly pointwiseInitializer: InitializerIdentifier;
  private readonly biasInitializer: InitializerIdentifier;
  private readonly depthwiseRegularizer?: Regularizer;
  private readonly pointwiseRegularizer?: Regularizer;
  private readonly biasRegularizer?: Regularizer;
  depthwiseKernel?: Variable;
  pointwiseKernel?: Variable;
  bias?: Variable;

  constructor(args: SeparableConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters <= 0) {
      throw new ValueError(`${this.name}: expected a positive integer number of filters but got ${args.filters}`);
    }
    this.filters = args.filters;
    this.depthwiseInitializer = args.depthwiseInitializer ?? 'glorot_uniform';
    this.pointwiseInitializer = args.pointwiseInitializer ?? 'glorot_uniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer);
    this.pointwiseRegularizer = getRegularizer(args.pointwiseRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
  }

  protected outChannels(): number {
    return this.filters;
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, 4, this.name, this.layout);
    const c = channelsOf(inputShape, this.dataFormat, this.name);
    const dm = this.depthMultiplier;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, dm], this.depthwiseInitializer, {
      regularizer: this.depthwiseRegularizer,
    });
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, c * dm, this.filters], this.pointwiseInitializer, {
      regularizer: this.pointwiseRegularizer,
    });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, { regularizer: this.biasRegularizer });
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const depthwise = this.depthwise(toChannelsLast(single(inputs), this.dataFormat), this.depthwiseKernel!);
    let y = conv2d(depthwise, this.pointwiseKernel!);
    if (this.bias) y = add(y, this.bias);
    return fromChannelsLast(this.activation(y), this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      depthwise_initializer: serializeInitializer(getInitializer(this.depthwiseInitializer)),
      pointwise_initializer: serializeInitializer(getInitializer(this.pointwiseInitializer)),
      bias_initializer: serializeInitializer(getInitializer(this.biasInitializer)),
      depthwise_regularizer: serializeRegularizer(this.depthwiseRegularizer),
      pointwise_regularizer: serializeRegularizer(this.pointwiseRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      depthwise_constraint: null,
      pointwise_constraint: null,
      bias_constraint: null,
    };
  }
}
