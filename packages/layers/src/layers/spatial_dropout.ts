import type { LayerArgs } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { assertInputRank, normalizeDataFormat, type DataFormat } from './conv_utils.js';
import { Dropout } from './core.js';

/** Options of {@link SpatialDropout1D} and {@link SpatialDropout2D}. */
export interface SpatialDropoutArgs extends LayerArgs {
  /** Fraction of channels to drop, in [0, 1). */
  rate: number;
  seed?: number;
  dataFormat?: DataFormat;
}

/**
 * Dropout of whole feature maps: during training each channel of each sample is
 * zeroed with probability `rate` (the rest scaled by `1 / (1 - rate)`), so nearby
 * pixels, which are strongly correlated, are dropped together. The identity at inference.
 * @example
 * ```ts
 * new SpatialDropout2D({ rate: 0.2 }); // mask of shape [batch, 1, 1, channels]
 * ```
 */
export class SpatialDropout2D extends Dropout {
  static override readonly className: string = 'SpatialDropout2D';
  readonly dataFormat: DataFormat;

  constructor(args: SpatialDropoutArgs) {
    const dataFormat = normalizeDataFormat(args.dataFormat, 'SpatialDropout2D');
    super({ ...args, noiseShape: dataFormat === 'channels_last' ? [null, 1, 1, null] : [null, null, 1, 1] });
    this.dataFormat = dataFormat;
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, 4, this.name, this.dataFormat === 'channels_last' ? '(batch, rows, cols, channels)' : '(batch, channels, rows, cols)');
    super.build(inputShape);
  }

  override getConfig() {
    // Keras's SpatialDropout constructors take neither `noise_shape` nor `trainable`.
    const { noise_shape: _shape, trainable: _trainable, ...config } = super.getConfig();
    return { ...config, data_format: this.dataFormat };
  }
}

/**
 * Dropout of whole channels of sequences `[batch, steps, channels]`: the mask has
 * shape `[batch, 1, channels]`. The identity at inference.
 * @example
 * ```ts
 * new SpatialDropout1D({ rate: 0.2 });
 * ```
 */
export class SpatialDropout1D extends Dropout {
  static override readonly className: string = 'SpatialDropout1D';

  constructor(args: Omit<SpatialDropoutArgs, 'dataFormat'>) {
    super({ ...args, noiseShape: [null, 1, null] });
    this.supportsMasking = true;
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, 3, this.name, '(batch, steps, channels)');
    super.build(inputShape);
  }

  override getConfig() {
    const { noise_shape: _shape, trainable: _trainable, ...config } = super.getConfig();
    return config;
  }
}
