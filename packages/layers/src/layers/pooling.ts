import { avgPool1d, avgPool2d, maxPool1d, maxPool2d, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import {
  assertInputRank,
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

/** Options of the pooling layers. */
export interface PoolingArgs extends LayerArgs {
  /** Window size (default 2). */
  poolSize?: number | readonly number[];
  /** Step of the window (default: `poolSize`). */
  strides?: number | readonly number[] | null;
  /** `'valid'` (default) or `'same'`. */
  padding?: PaddingMode;
  dataFormat?: DataFormat;
}

/** A pooling op on channels-last input, with the layer's window. */
type PoolFn = (x: Tensor, poolSize: number[], strides: number[], padding: PaddingMode) => Tensor;

const pool1d =
  (op: typeof maxPool1d): PoolFn =>
  (x, poolSize, strides, padding) =>
    op(x, { poolSize: poolSize[0], strides: strides[0], padding });

const pool2d =
  (op: typeof maxPool2d): PoolFn =>
  (x, poolSize, strides, padding) =>
    op(x, { poolSize: poolSize as [number, number], strides: strides as [number, number], padding });

/** What max and average pooling share (Keras's `BasePooling`). */
abstract class BasePooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dataFormat: DataFormat;

  constructor(
    protected readonly rank: number,
    private readonly pool: PoolFn,
    args: PoolingArgs,
  ) {
    super(args);
    this.poolSize = normalizeTuple(args.poolSize ?? 2, rank, 'poolSize', this.name);
    this.strides = normalizeTuple(args.strides ?? this.poolSize, rank, 'strides', this.name);
    this.padding = normalizePadding(args.padding, ['valid', 'same'] as const, this.name);
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
  }

  protected get layout(): string {
    const spatial = this.rank === 1 ? 'steps' : 'rows, cols';
    return this.dataFormat === 'channels_last' ? `(batch, ${spatial}, channels)` : `(batch, channels, ${spatial})`;
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, this.rank + 2, this.name, this.layout);
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    // The layer's own check first: its message names the layer and poolSize, not an op.
    this.computeOutputShape([null, ...single(inputs).shape.slice(1)]);
    const x = toChannelsLast(single(inputs), this.dataFormat);
    return fromChannelsLast(this.pool(x, this.poolSize, this.strides, this.padding), this.dataFormat);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    assertInputRank(inputShape, this.rank + 2, this.name, this.layout);
    const last = shapeToChannelsLast(inputShape, this.dataFormat);
    const spatial = last.slice(1, -1).map((d, i) => convOutputLength(d, this.poolSize[i], this.padding, this.strides[i]));
    if (spatial.some((d) => d !== null && d <= 0)) {
      throw new ShapeError(
        `${this.name}: a pool of ${this.poolSize.join(' x ')} does not fit input of shape (${inputShape.map((d) => d ?? 'None').join(', ')}) with padding '${this.padding}'`,
      );
    }
    return shapeFromChannelsLast([last[0], ...spatial, last[last.length - 1]], this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      pool_size: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      data_format: this.dataFormat,
    };
  }
}

/**
 * The maximum over windows of sequences `[batch, steps, channels]`.
 * @example
 * ```ts
 * new MaxPooling1D({ poolSize: 2 }); // (None, 100, 64) -> (None, 50, 64)
 * ```
 */
export class MaxPooling1D extends BasePooling {
  static override readonly className = 'MaxPooling1D';
  constructor(args: PoolingArgs = {}) {
    super(1, pool1d(maxPool1d), args);
  }
}

/**
 * The maximum over windows of images `[batch, rows, cols, channels]`.
 * @example
 * ```ts
 * new MaxPooling2D({ poolSize: 2 }); // (None, 24, 24, 32) -> (None, 12, 12, 32)
 * ```
 */
export class MaxPooling2D extends BasePooling {
  static override readonly className = 'MaxPooling2D';
  constructor(args: PoolingArgs = {}) {
    super(2, pool2d(maxPool2d), args);
  }
}

/**
 * The mean over windows of sequences `[batch, steps, channels]` (with `'same'`,
 * padding is not counted).
 * @example
 * ```ts
 * new AveragePooling1D({ poolSize: 4 }); // (None, 100, 8) -> (None, 25, 8)
 * ```
 */
export class AveragePooling1D extends BasePooling {
  static override readonly className = 'AveragePooling1D';
  constructor(args: PoolingArgs = {}) {
    super(1, pool1d(avgPool1d), args);
  }
}

/**
 * The mean over windows of images `[batch, rows, cols, channels]` (with `'same'`,
 * padding is not counted).
 * @example
 * ```ts
 * new AveragePooling2D({ poolSize: 2, strides: 2 }); // (None, 28, 28, 6) -> (None, 14, 14, 6)
 * ```
 */
export class AveragePooling2D extends BasePooling {
  static override readonly className = 'AveragePooling2D';
  constructor(args: PoolingArgs = {}) {
    super(2, pool2d(avgPool2d), args);
  }
}
