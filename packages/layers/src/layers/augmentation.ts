import { expandDims, Prng, randomSeed, ShapeError, squeeze, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { fromChannelsLast, normalizeDataFormat, single, toChannelsLast, type DataFormat } from './conv_utils.js';
import {
  affineTransform,
  checkFillMode,
  checkInterpolation,
  permutePixels,
  type FillMode,
  type Interpolation,
  type Transform,
} from './image_sampling.js';

/** Options every random image layer takes. */
export interface RandomImageArgs extends LayerArgs {
  /** Same seed, same sequence of transforms (each call draws new ones); default from `setRandomSeed` or random. */
  seed?: number;
  dataFormat?: DataFormat;
}

/** A factor as Keras takes it: `f` means `[-f, f]`, a pair is `[lower, upper]`. */
export type Factor = number | readonly [number, number];

/** Keras's factor range: a number `f` gives `[-|f|, |f|]`; a pair is sorted. */
function factorRange(factor: Factor, arg: string, layer: string, limit = 1): [number, number] {
  const pair = typeof factor === 'number' ? [-Math.abs(factor), Math.abs(factor)] : [...factor];
  if (pair.length !== 2 || pair.some((v) => typeof v !== 'number' || !(Math.abs(v) <= limit))) {
    throw new ValueError(`${layer}: expected \`${arg}\` to be a number or a pair of numbers in [-${limit}, ${limit}] but got ${JSON.stringify(factor)}`);
  }
  return pair[0] <= pair[1] ? [pair[0], pair[1]] : [pair[1], pair[0]];
}

const uniform = (rng: Prng, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rng.nextFloat();

/**
 * The shared part of the random image layers: active only when called with
 * `training: true` (inside `fit`), the identity otherwise; batched `[N, H, W, C]` or
 * single `[H, W, C]` images (channels first with `dataFormat`); a seeded generator
 * that draws new transforms on each call.
 */
abstract class RandomImageLayer extends Layer {
  readonly seed?: number;
  readonly dataFormat: DataFormat;
  private readonly rng: Prng;

  constructor(args: RandomImageArgs) {
    super(args);
    this.seed = args.seed;
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
    // Unseeded layers take their seed from the global generator (`setRandomSeed`) when one is set.
    this.rng = new Prng(args.seed ?? randomSeed());
  }

  /** Transforms a channels-last batch with the layer's generator. */
  protected abstract augment(images: Tensor, rng: Prng): Tensor;

  override build(inputShape: LayerShape): void {
    if (inputShape.length !== 3 && inputShape.length !== 4) {
      const layout = this.dataFormat === 'channels_last' ? '(batch, height, width, channels)' : '(batch, channels, height, width)';
      throw new ShapeError(`${this.name} expects images ${layout} (or one image without the batch) but got shape (${inputShape.map((d) => d ?? 'None').join(', ')})`);
    }
    super.build(inputShape);
  }

  call(inputs: Tensors, args: CallArgs): Tensor {
    const x = single(inputs);
    if (!args.training) return x;
    const batched = x.rank === 4 ? x : expandDims(x, 0);
    const out = fromChannelsLast(this.augment(toChannelsLast(batched, this.dataFormat), this.rng), this.dataFormat);
    return x.rank === 4 ? out : squeeze(out, 0);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed ?? null, data_format: this.dataFormat };
  }
}

/** Options of {@link RandomFlip}. */
export interface RandomFlipArgs extends RandomImageArgs {
  /** Default `'horizontal_and_vertical'`. */
  mode?: 'horizontal' | 'vertical' | 'horizontal_and_vertical';
}

/**
 * Flips each image left-right and/or top-bottom with probability 1/2 during training
 * (as Keras 3, `'horizontal_and_vertical'` draws one coin per image for both flips).
 * The identity at inference.
 * @example
 * ```ts
 * const augment = new Sequential([new RandomFlip({ mode: 'horizontal', seed: 1, inputShape: [32, 32, 3] })]);
 * ```
 */
export class RandomFlip extends RandomImageLayer {
  static override readonly className = 'RandomFlip';
  readonly mode: 'horizontal' | 'vertical' | 'horizontal_and_vertical';

  constructor(args: RandomFlipArgs = {}) {
    super(args);
    const mode = args.mode ?? 'horizontal_and_vertical';
    if (!['horizontal', 'vertical', 'horizontal_and_vertical'].includes(mode)) {
      throw new ValueError(`${this.name}: expected mode 'horizontal', 'vertical' or 'horizontal_and_vertical' but got '${mode}'`);
    }
    this.mode = mode;
  }

  protected augment(images: Tensor, rng: Prng): Tensor {
    const [n, h, w] = images.shape;
    const flips = Array.from({ length: n }, () => rng.nextFloat() <= 0.5);
    if (!flips.some(Boolean)) return images;
    const horizontal = this.mode !== 'vertical';
    const vertical = this.mode !== 'horizontal';
    const source = new Int32Array(n * h * w);
    for (let b = 0; b < n; b++) {
      for (let y = 0; y < h; y++) {
        const sy = flips[b] && vertical ? h - 1 - y : y;
        for (let x = 0; x < w; x++) {
          const sx = flips[b] && horizontal ? w - 1 - x : x;
          source[(b * h + y) * w + x] = (b * h + sy) * w + sx;
        }
      }
    }
    return permutePixels(images, source);
  }

  override getConfig() {
    return { ...super.getConfig(), mode: this.mode };
  }
}

/** Options shared by the geometric random layers. */
export interface AffineImageArgs extends RandomImageArgs {
  /** Default `'reflect'`. */
  fillMode?: FillMode;
  /** Default `'bilinear'`. */
  interpolation?: Interpolation;
  /** Value outside the image with `fillMode: 'constant'` (default 0). */
  fillValue?: number;
}

/** A random layer that resamples each image through an affine transform. */
abstract class RandomAffineLayer extends RandomImageLayer {
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;

  constructor(args: AffineImageArgs) {
    super(args);
    this.fillMode = checkFillMode(args.fillMode ?? 'reflect', this.name);
    this.interpolation = checkInterpolation(args.interpolation ?? 'bilinear', this.name);
    this.fillValue = args.fillValue ?? 0;
  }

  /** One output-to-input transform for an image of `h` x `w`. */
  protected abstract transform(h: number, w: number, rng: Prng): Transform;

  protected augment(images: Tensor, rng: Prng): Tensor {
    const [n, h, w] = images.shape;
    const transforms = Array.from({ length: n }, () => this.transform(h, w, rng));
    return affineTransform(images, transforms, this.interpolation, this.fillMode, this.fillValue);
  }

  override getConfig() {
    return { ...super.getConfig(), fill_mode: this.fillMode, interpolation: this.interpolation, fill_value: this.fillValue };
  }
}

/** Options of {@link RandomTranslation}. */
export interface RandomTranslationArgs extends AffineImageArgs {
  /** Vertical shift as a fraction of the height: `f` means `[-f, f]`; positive shifts down. */
  heightFactor: Factor;
  /** Horizontal shift as a fraction of the width: `f` means `[-f, f]`; positive shifts right. */
  widthFactor: Factor;
}

/**
 * Shifts each image by a random fraction of its size during training, filling the
 * uncovered border by `fillMode` (`'reflect'`, `'constant'`, `'nearest'`, `'wrap'`).
 * The identity at inference.
 * @example
 * ```ts
 * new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'constant', seed: 3 });
 * ```
 */
export class RandomTranslation extends RandomAffineLayer {
  static override readonly className = 'RandomTranslation';
  readonly heightFactor: Factor;
  readonly widthFactor: Factor;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    this.heightRange = factorRange(args.heightFactor, 'heightFactor', this.name);
    this.widthRange = factorRange(args.widthFactor, 'widthFactor', this.name);
  }

  protected transform(h: number, w: number, rng: Prng): Transform {
    const dy = uniform(rng, this.heightRange) * h;
    const dx = uniform(rng, this.widthRange) * w;
    return [1, 0, -dx, 0, 1, -dy, 0, 0];
  }

  override getConfig() {
    return { ...super.getConfig(), height_factor: this.heightFactor, width_factor: this.widthFactor };
  }
}

/** Options of {@link RandomRotation}. */
export interface RandomRotationArgs extends AffineImageArgs {
  /** Rotation as a fraction of a full turn (2π): `f` means `[-f, f]`; positive is counter-clockwise. */
  factor: Factor;
}

/**
 * Rotates each image about its center by a random angle during training (a fraction
 * of 2π), filling the corners by `fillMode`. The identity at inference.
 * @example
 * ```ts
 * new RandomRotation({ factor: 0.1, seed: 4 }); // up to ±36°
 * ```
 */
export class RandomRotation extends RandomAffineLayer {
  static override readonly className = 'RandomRotation';
  readonly factor: Factor;
  private readonly range: [number, number];

  constructor(args: RandomRotationArgs) {
    super(args);
    this.factor = args.factor;
    this.range = factorRange(args.factor, 'factor', this.name, Infinity);
  }

  protected transform(h: number, w: number, rng: Prng): Transform {
    const angle = uniform(rng, this.range) * 2 * Math.PI;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    // Rotation about the center ((w-1)/2, (h-1)/2), mapping output to input pixels.
    const xOffset = (w - 1 - (cos * (w - 1) - sin * (h - 1))) / 2;
    const yOffset = (h - 1 - (sin * (w - 1) + cos * (h - 1))) / 2;
    return [cos, -sin, xOffset, sin, cos, yOffset, 0, 0];
  }

  override getConfig() {
    return { ...super.getConfig(), factor: this.factor };
  }
}

/** Options of {@link RandomZoom}. */
export interface RandomZoomArgs extends AffineImageArgs {
  /** Vertical zoom: `f` means `[-f, f]`; positive zooms out, negative zooms in. */
  heightFactor: Factor;
  /** Horizontal zoom; default: the vertical zoom (keeping the aspect ratio). */
  widthFactor?: Factor | null;
}

/**
 * Zooms each image in or out about its center by a random amount during training,
 * filling what the zoom uncovers by `fillMode`. The identity at inference.
 * @example
 * ```ts
 * new RandomZoom({ heightFactor: 0.2, seed: 5 }); // zoom within ±20%, aspect kept
 * ```
 */
export class RandomZoom extends RandomAffineLayer {
  static override readonly className = 'RandomZoom';
  readonly heightFactor: Factor;
  readonly widthFactor: Factor | null;
  private readonly heightRange: [number, number];
  private readonly widthRange?: [number, number];

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor ?? null;
    this.heightRange = factorRange(args.heightFactor, 'heightFactor', this.name);
    if (this.widthFactor !== null) this.widthRange = factorRange(this.widthFactor, 'widthFactor', this.name);
  }

  protected transform(h: number, w: number, rng: Prng): Transform {
    const zy = 1 + uniform(rng, this.heightRange);
    const zx = this.widthRange ? 1 + uniform(rng, this.widthRange) : zy;
    return [zx, 0, ((w - 1) / 2) * (1 - zx), 0, zy, ((h - 1) / 2) * (1 - zy), 0, 0];
  }

  override getConfig() {
    return { ...super.getConfig(), height_factor: this.heightFactor, width_factor: this.widthFactor };
  }
}
