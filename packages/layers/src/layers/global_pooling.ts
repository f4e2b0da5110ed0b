import { cast, div, expandDims, max, mean, mul, sum, type Tensor } from '@tessera/tensor';
import { Layer, type CallArgs, type LayerArgs, type Mask, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { assertInputRank, normalizeDataFormat, single, type DataFormat } from './conv_utils.js';

/** Options of the global pooling layers. */
export interface GlobalPoolingArgs extends LayerArgs {
  dataFormat?: DataFormat;
  /** Keep the pooled axes with length 1 (default false). */
  keepdims?: boolean;
}

type Reducer = (x: Tensor, axes: number[], keepdims: boolean) => Tensor;

/** Reduces every spatial axis of `[batch, ...spatial, channels]` (or channels first) to one value per channel. */
abstract class GlobalPooling extends Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;

  constructor(
    private readonly spatialRank: number,
    private readonly reduce: Reducer,
    args: GlobalPoolingArgs,
  ) {
    super(args);
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
    this.keepdims = args.keepdims ?? false;
  }

  private get axes(): number[] {
    const first = this.dataFormat === 'channels_last' ? 1 : 2;
    return Array.from({ length: this.spatialRank }, (_, i) => first + i);
  }

  override build(inputShape: LayerShape): void {
    this.computeOutputShape(inputShape); // checks the rank
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    return this.reduce(single(inputs), this.axes, this.keepdims);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    const layout = this.dataFormat === 'channels_last' ? '(batch, ...spatial, channels)' : '(batch, channels, ...spatial)';
    assertInputRank(inputShape, this.spatialRank + 2, this.name, layout);
    const axes = this.axes;
    if (this.keepdims) return inputShape.map((d, i) => (axes.includes(i) ? 1 : d));
    return inputShape.filter((_, i) => !axes.includes(i));
  }

  override getConfig() {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

/**
 * Averages over the steps of `[batch, steps, channels]`.
 * @example
 * ```ts
 * new GlobalAveragePooling1D(); // (None, 100, 64) -> (None, 64)
 * ```
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  static override readonly className = 'GlobalAveragePooling1D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(1, mean, args);
    this.supportsMasking = true;
  }

  /** With a mask (Embedding's `maskZero`, Masking), the mean of the unmasked steps only, as Keras. */
  override call(inputs: Tensors, args: CallArgs = {}): Tensor {
    if (!args.mask) return super.call(inputs);
    const x = single(inputs);
    const axis = this.dataFormat === 'channels_last' ? 1 : 2;
    const m = expandDims(cast(args.mask, 'float32'), this.dataFormat === 'channels_last' ? 2 : 1);
    return div(sum(mul(x, m), axis, this.keepdims), sum(m, axis, this.keepdims));
  }

  /** The steps are pooled away, and the mask with them. */
  override computeMask(): Mask {
    return undefined;
  }
}

/**
 * Averages over rows and columns of `[batch, rows, cols, channels]`.
 * @example
 * ```ts
 * new GlobalAveragePooling2D(); // (None, 7, 7, 512) -> (None, 512)
 * ```
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  static override readonly className = 'GlobalAveragePooling2D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(2, mean, args);
  }
}

/**
 * Takes the maximum over the steps of `[batch, steps, channels]`.
 * @example
 * ```ts
 * new GlobalMaxPooling1D(); // (None, 100, 64) -> (None, 64)
 * ```
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  static override readonly className = 'GlobalMaxPooling1D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(1, max, args);
  }
}

/**
 * Takes the maximum over rows and columns of `[batch, rows, cols, channels]`.
 * @example
 * ```ts
 * new GlobalMaxPooling2D({ keepdims: true }); // (None, 7, 7, 512) -> (None, 1, 1, 512)
 * ```
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  static override readonly className = 'GlobalMaxPooling2D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(2, max, args);
  }
}
