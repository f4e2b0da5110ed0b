import { add, conv1d, conv2d, conv2dTranspose, fusedConv2d, ShapeError, ValueError, type Conv2DOptions, type Tensor, type Variable } from '@tessera/tensor';
import { activationName, fusedActivationOf, getActivation, type ActivationFn, type ActivationId } from '../activations.js';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import {
  assertInputRank,
  assertStridesOrDilation,
  channelsOf,
  convOutputLength,
  deconvOutputLength,
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

/** Options of the convolution layers (Keras's `BaseConv` arguments, camelCase). */
export interface ConvArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: one number for every spatial axis, or one per axis. */
  kernelSize: number | readonly number[];
  /** Step of the window (default 1). */
  strides?: number | readonly number[];
  /** `'valid'` (default): no padding; `'same'`: pad so that stride 1 keeps the size. */
  padding?: PaddingMode;
  /** `'channels_last'` (default, `[batch, ...spatial, channels]`) or `'channels_first'`. */
  dataFormat?: DataFormat;
  /** Spacing of the filter taps (default 1); cannot be combined with strides > 1. */
  dilationRate?: number | readonly number[];
  /** Only 1 (ungrouped) is supported. */
  groups?: number;
  activation?: ActivationId | ActivationFn | null;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

/**
 * What every convolution shares (Keras's `BaseConv`): argument checks, a kernel and a
 * bias, channels-first handled by transposing to the ops' channels-last layout and back,
 * the output shape, and the config.
 */
abstract class BaseConv extends Layer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode | 'causal';
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly useBias: boolean;
  protected readonly activationId: ActivationId | ActivationFn | null | undefined;
  protected readonly activation: ActivationFn;
  protected readonly kernelInitializer: InitializerIdentifier;
  protected readonly biasInitializer: InitializerIdentifier;
  protected readonly kernelRegularizer?: Regularizer;
  protected readonly biasRegularizer?: Regularizer;
  kernel?: Variable;
  bias?: Variable;

  constructor(
    protected readonly rank: number,
    args: ConvArgs,
    paddings: readonly (PaddingMode | 'causal')[] = ['valid', 'same'],
  ) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters <= 0) {
      throw new ValueError(`${this.name}: expected a positive integer number of filters but got ${args.filters}`);
    }
    if ((args.groups ?? 1) !== 1) throw new ValueError(`${this.name}: groups other than 1 are not supported (got ${args.groups})`);
    this.filters = args.filters;
    this.kernelSize = normalizeTuple(args.kernelSize, rank, 'kernelSize', this.name);
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides', this.name);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilationRate', this.name);
    assertStridesOrDilation(this.strides, this.dilationRate, this.name);
    this.padding = normalizePadding(args.padding, paddings, this.name);
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
    this.useBias = args.useBias ?? true;
    this.activationId = args.activation;
    this.activation = getActivation(args.activation);
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
  }

  /** `(batch, rows, cols, channels)` and the like, for messages. */
  protected get layout(): string {
    const spatial = ['steps', 'rows, cols', 'dim1, dim2, dim3'][this.rank - 1];
    return this.dataFormat === 'channels_last' ? `(batch, ${spatial}, channels)` : `(batch, channels, ${spatial})`;
  }

  /** The kernel shape for `inChannels` input channels. */
  protected kernelShape(inChannels: number): number[] {
    return [...this.kernelSize, inChannels, this.filters];
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, this.rank + 2, this.name, this.layout);
    const inChannels = channelsOf(inputShape, this.dataFormat, this.name);
    this.kernel = this.addWeight('kernel', this.kernelShape(inChannels), this.kernelInitializer, { regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, { regularizer: this.biasRegularizer });
    super.build(inputShape);
  }

  /** The convolution itself, on channels-last input. */
  protected abstract convolve(x: Tensor): Tensor;

  /**
   * The convolution plus the bias, on channels-last input, and the activation too where a
   * layer fuses it into one kernel; says whether the activation was applied.
   */
  protected convolveWithBias(x: Tensor): { y: Tensor; activated: boolean } {
    const y = this.convolve(x);
    return { y: this.bias ? add(y, this.bias) : y, activated: false };
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    // The layer's own check first: its message names the layer and kernelSize, not an op.
    this.computeOutputShape([null, ...x.shape.slice(1)]);
    const { y, activated } = this.convolveWithBias(toChannelsLast(x, this.dataFormat));
    return fromChannelsLast(activated ? y : this.activation(y), this.dataFormat);
  }

  /** One output spatial length from one input length. */
  protected outputLength(length: number | null, axis: number): number | null {
    return convOutputLength(length, this.kernelSize[axis], this.padding, this.strides[axis], this.dilationRate[axis]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    assertInputRank(inputShape, this.rank + 2, this.name, this.layout);
    const last = shapeToChannelsLast(inputShape, this.dataFormat);
    const spatial = last.slice(1, -1).map((d, i) => this.outputLength(d, i));
    if (spatial.some((d) => d !== null && d <= 0)) {
      throw new ShapeError(
        `${this.name}: a kernel of ${this.kernelSize.join(' x ')} does not fit input of shape (${inputShape.map((d) => d ?? 'None').join(', ')}) with padding '${this.padding}'`,
      );
    }
    return shapeFromChannelsLast([last[0], ...spatial, this.filters], this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      groups: 1,
      activation: activationName(this.activationId),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(getInitializer(this.kernelInitializer)),
      bias_initializer: serializeInitializer(getInitializer(this.biasInitializer)),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}

/** Options of {@link Conv1D}: as {@link ConvArgs}, and `padding` may also be `'causal'`. */
export interface Conv1DArgs extends Omit<ConvArgs, 'padding'> {
  /** `'valid'` (default), `'same'`, or `'causal'` (output `t` sees inputs up to `t` only). */
  padding?: PaddingMode | 'causal';
}

/**
 * 1-D convolution over sequences `[batch, steps, channels]`; kernel `[k, in, filters]`
 * as Keras.
 * @example
 * ```ts
 * new Conv1D({ filters: 64, kernelSize: 3, activation: 'relu', inputShape: [100, 8] }); // (None, 98, 64)
 * ```
 */
export class Conv1D extends BaseConv {
  static override readonly className = 'Conv1D';

  constructor(args: Conv1DArgs) {
    super(1, args as ConvArgs, ['valid', 'same', 'causal']);
  }

  protected convolve(x: Tensor): Tensor {
    return conv1d(x, this.kernel!, { stride: this.strides[0], padding: this.padding, dilation: this.dilationRate[0] });
  }
}

/**
 * 2-D convolution over images `[batch, rows, cols, channels]`; kernel
 * `[kh, kw, in, filters]` as Keras.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Conv2D({ filters: 32, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }), // (None, 24, 24, 32)
 *   new MaxPooling2D({ poolSize: 2 }),                                                       // (None, 12, 12, 32)
 * ]);
 * model.layers[0].getWeights()[0].shape; // [5, 5, 1, 32]
 * ```
 */
export class Conv2D extends BaseConv {
  static override readonly className = 'Conv2D';

  constructor(args: ConvArgs) {
    super(2, args);
  }

  private get window(): Conv2DOptions {
    return { strides: this.strides as [number, number], padding: this.padding as PaddingMode, dilations: this.dilationRate as [number, number] };
  }

  protected convolve(x: Tensor): Tensor {
    return conv2d(x, this.kernel!, this.window);
  }

  /** One fused kernel: the convolution, the bias and (when it is in the fused set) the activation. */
  protected override convolveWithBias(x: Tensor): { y: Tensor; activated: boolean } {
    const fused = fusedActivationOf(this.activationId);
    const y = fusedConv2d(x, this.kernel!, { ...this.window, bias: this.bias, ...fused });
    return { y, activated: fused !== undefined };
  }
}

/** Options of {@link Conv2DTranspose}. */
export interface Conv2DTransposeArgs extends Omit<ConvArgs, 'groups'> {
  /**
   * Extra rows/columns on the bottom/right of the output (each < its stride); default
   * `null`: Keras's natural size (`in * stride`, plus `max(k - stride, 0)` with `'valid'`).
   */
  outputPadding?: number | readonly number[] | null;
}

/**
 * Transposed 2-D convolution (the gradient of a Conv2D for its input): upsamples
 * `[batch, rows, cols, channels]`. Kernel `[kh, kw, filters, in]` as Keras.
 * @example
 * ```ts
 * new Conv2DTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same' }); // (None, 7, 7, 64) -> (None, 14, 14, 32)
 * ```
 */
export class Conv2DTranspose extends BaseConv {
  static override readonly className = 'Conv2DTranspose';
  readonly outputPadding: number[] | null;

  constructor(args: Conv2DTransposeArgs) {
    super(2, args);
    const op = args.outputPadding ?? null;
    this.outputPadding = op === null ? null : normalizeTuple(op, 2, 'outputPadding', this.name, true);
    this.outputPadding?.forEach((p, i) => {
      if (p >= this.strides[i]) {
        throw new ValueError(`${this.name}: outputPadding must be smaller than strides but got outputPadding [${this.outputPadding!.join(', ')}], strides [${this.strides.join(', ')}]`);
      }
    });
  }

  protected override kernelShape(inChannels: number): number[] {
    return [...this.kernelSize, this.filters, inChannels];
  }

  protected override outputLength(length: number | null, axis: number): number | null {
    return deconvOutputLength(
      length,
      this.kernelSize[axis],
      this.padding as PaddingMode,
      this.strides[axis],
      this.outputPadding ? this.outputPadding[axis] : null,
      this.dilationRate[axis],
    );
  }

  protected convolve(x: Tensor): Tensor {
    const [n, h, w] = x.shape;
    const outShape = [n, this.outputLength(h, 0)!, this.outputLength(w, 1)!, this.filters];
    return conv2dTranspose(x, this.kernel!, outShape, {
      strides: this.strides as [number, number],
      padding: this.padding as PaddingMode,
      dilations: this.dilationRate as [number, number],
    });
  }

  override getConfig(): Record<string, unknown> {
    const { groups: _unused, ...config } = super.getConfig();
    return { ...config, output_padding: this.outputPadding ? [...this.outputPadding] : null };
  }
}
