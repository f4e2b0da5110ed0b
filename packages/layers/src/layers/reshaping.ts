import { pad, resizeBilinear, resizeNearestNeighbor, slice, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import {
  assertInputRank,
  fromChannelsLast,
  normalizeDataFormat,
  normalizeTuple,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  single,
  toChannelsLast,
  type DataFormat,
} from './conv_utils.js';

/** Amounts for the two spatial axes: `n` (all sides), `[h, w]` (symmetric) or `[[top, bottom], [left, right]]`. */
export type Amount2D = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

/** Keras's 2-D padding/cropping argument as `[[top, bottom], [left, right]]`. */
function normalizeAmount2D(value: Amount2D, arg: string, layer: string): [[number, number], [number, number]] {
  const bad = () => new ValueError(`${layer}: expected \`${arg}\` as an int, [h, w] or [[top, bottom], [left, right]] of non-negative integers but got ${JSON.stringify(value)}`);
  const check = (v: unknown): number => {
    if (!Number.isInteger(v) || (v as number) < 0) throw bad();
    return v as number;
  };
  if (typeof value === 'number') return [[check(value), value], [value, value]];
  if (!Array.isArray(value) || value.length !== 2) throw bad();
  if (typeof value[0] === 'number') {
    const [h, w] = value as readonly [number, number];
    return [[check(h), h], [check(w), w]];
  }
  const [[t, b], [l, r]] = value as readonly [readonly [number, number], readonly [number, number]];
  return [[check(t), check(b)], [check(l), check(r)]];
}

const add = (d: number | null, n: number) => (d === null ? null : d + n);

/**
 * Pads the rows and columns of images with zeros.
 * @example
 * ```ts
 * new ZeroPadding2D({ padding: [[1, 2], [3, 4]] }); // (None, 8, 8, 3) -> (None, 11, 15, 3)
 * ```
 */
export class ZeroPadding2D extends Layer {
  static override readonly className = 'ZeroPadding2D';
  readonly padding: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;

  constructor(args: LayerArgs & { padding?: Amount2D; dataFormat?: DataFormat } = {}) {
    super(args);
    this.padding = normalizeAmount2D(args.padding ?? 1, 'padding', this.name);
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
  }

  override build(inputShape: LayerShape): void {
    this.computeOutputShape(inputShape); // checks the rank
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    const [h, w] = this.padding;
    return this.dataFormat === 'channels_last' ? pad(x, [[0, 0], h, w, [0, 0]]) : pad(x, [[0, 0], [0, 0], h, w]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    assertInputRank(inputShape, 4, this.name, this.dataFormat === 'channels_last' ? '(batch, rows, cols, channels)' : '(batch, channels, rows, cols)');
    const [n, rows, cols, c] = shapeToChannelsLast(inputShape, this.dataFormat);
    const [[t, b], [l, r]] = this.padding;
    return shapeFromChannelsLast([n, add(rows, t + b), add(cols, l + r), c], this.dataFormat);
  }

  override getConfig() {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), data_format: this.dataFormat };
  }
}

/**
 * Crops rows and columns off the edges of images.
 * @example
 * ```ts
 * new Cropping2D({ cropping: [[2, 2], [4, 4]] }); // (None, 28, 28, 3) -> (None, 24, 20, 3)
 * ```
 */
export class Cropping2D extends Layer {
  static override readonly className = 'Cropping2D';
  readonly cropping: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;

  constructor(args: LayerArgs & { cropping?: Amount2D; dataFormat?: DataFormat } = {}) {
    super(args);
    this.cropping = normalizeAmount2D(args.cropping ?? 0, 'cropping', this.name);
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
  }

  override build(inputShape: LayerShape): void {
    this.computeOutputShape(inputShape); // checks the rank
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = toChannelsLast(single(inputs), this.dataFormat);
    const [n, h, w, c] = x.shape;
    const [[t, b], [l, r]] = this.cropping;
    return fromChannelsLast(slice(x, [0, t, l, 0], [n, h - t - b, w - l - r, c]), this.dataFormat);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    assertInputRank(inputShape, 4, this.name, this.dataFormat === 'channels_last' ? '(batch, rows, cols, channels)' : '(batch, channels, rows, cols)');
    const [n, rows, cols, c] = shapeToChannelsLast(inputShape, this.dataFormat);
    const [[t, b], [l, r]] = this.cropping;
    if ((rows !== null && t + b >= rows) || (cols !== null && l + r >= cols)) {
      throw new ShapeError(
        `${this.name}: cropping ${JSON.stringify(this.cropping)} leaves nothing of an input of ${rows ?? 'None'} x ${cols ?? 'None'}`,
      );
    }
    return shapeFromChannelsLast([n, add(rows, -t - b), add(cols, -l - r), c], this.dataFormat);
  }

  override getConfig() {
    return { ...super.getConfig(), cropping: this.cropping.map((p) => [...p]), data_format: this.dataFormat };
  }
}

/** Options of {@link UpSampling2D}. */
export interface UpSampling2DArgs extends LayerArgs {
  /** Factor for rows and columns (default 2). */
  size?: number | readonly [number, number];
  dataFormat?: DataFormat;
  /** `'nearest'` repeats pixels (default); `'bilinear'` interpolates (half-pixel centers, as Keras 3). */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * Enlarges images by repeating (or interpolating) rows and columns.
 * @example
 * ```ts
 * new UpSampling2D({ size: 2 }); // (None, 7, 7, 64) -> (None, 14, 14, 64)
 * ```
 */
export class UpSampling2D extends Layer {
  static override readonly className = 'UpSampling2D';
  readonly size: [number, number];
  readonly dataFormat: DataFormat;
  readonly interpolation: 'nearest' | 'bilinear';

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    this.size = normalizeTuple(args.size ?? 2, 2, 'size', this.name) as [number, number];
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
    const interpolation = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw new ValueError(`${this.name}: unsupported interpolation '${interpolation}'; supported: 'nearest', 'bilinear'`);
    }
    this.interpolation = interpolation;
  }

  override build(inputShape: LayerShape): void {
    this.computeOutputShape(inputShape); // checks the rank
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = toChannelsLast(single(inputs), this.dataFormat);
    const [, h, w] = x.shape;
    const size = [h * this.size[0], w * this.size[1]] as const;
    // Nearest with the default flags repeats each pixel; bilinear uses half-pixel centers as Keras 3 (tf.image.resize).
    const y =
      this.interpolation === 'nearest' ? resizeNearestNeighbor(x, size) : resizeBilinear(x, size, { halfPixelCenters: true });
    return fromChannelsLast(y, this.dataFormat);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    assertInputRank(inputShape, 4, this.name, this.dataFormat === 'channels_last' ? '(batch, rows, cols, channels)' : '(batch, channels, rows, cols)');
    const [n, rows, cols, c] = shapeToChannelsLast(inputShape, this.dataFormat);
    const [sh, sw] = this.size;
    return shapeFromChannelsLast([n, rows === null ? null : rows * sh, cols === null ? null : cols * sw, c], this.dataFormat);
  }

  override getConfig() {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat, interpolation: this.interpolation };
  }
}
