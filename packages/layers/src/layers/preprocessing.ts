import {
  add,
  AxisError,
  cast,
  div,
  maximum,
  mean as reduceMean,
  mul,
  reshape,
  ShapeError,
  slice as sliceTensor,
  sqrt,
  squaredDifference,
  sub,
  tensor,
  tidy,
  ValueError,
  type Tensor,
  type Variable,
} from '@tessera/tensor';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { assertInputRank, normalizeDataFormat, single, type DataFormat } from './conv_utils.js';
import { aspectCrop, aspectPad, resizeImages, RESIZE_INTERPOLATIONS, type ResizeInterpolation } from './image_resize.js';

const asFloat = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : cast(x, 'float32'));

/** A number or a nested list of numbers, as Keras configs hold arrays. */
export type NumberArray = number | readonly NumberArray[];

/** Shape and row-major values of a nested number list, or an error naming the argument. */
function flattenNested(value: NumberArray, arg: string, layer: string): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  for (let v: NumberArray = value; Array.isArray(v); v = (v as readonly NumberArray[])[0]) shape.push((v as readonly NumberArray[]).length);
  const values: number[] = [];
  const walk = (v: NumberArray, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new ValueError(`${layer}: expected \`${arg}\` to be a number or a (nested) list of numbers but got ${JSON.stringify(value)}`);
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ValueError(`${layer}: expected \`${arg}\` to be a rectangular (nested) list of numbers but got ${JSON.stringify(value)}`);
    }
    for (const e of v as readonly NumberArray[]) walk(e, depth + 1);
  };
  walk(value, 0);
  return { shape, values };
}

/** Options of {@link Rescaling}. */
export interface RescalingArgs extends LayerArgs {
  /** Multiplies the inputs: a number, or one per channel (last axis). */
  scale: number | readonly number[];
  /** Then added: a number, or one per channel (default 0). */
  offset?: number | readonly number[];
}

/**
 * Rescales inputs as `x * scale + offset`, in training and at inference (e.g. pixels in
 * [0, 255] to [0, 1] with `scale: 1 / 255`). Integer inputs become float32.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Rescaling({ scale: 1 / 127.5, offset: -1, inputShape: [32, 32, 3] }), // to [-1, 1]
 *   new Conv2D({ filters: 16, kernelSize: 3 }),
 * ]);
 * ```
 */
export class Rescaling extends Layer {
  static override readonly className = 'Rescaling';
  readonly scale: number | number[];
  readonly offset: number | number[];

  constructor(args: RescalingArgs) {
    super(args);
    this.supportsMasking = true;
    this.scale = checkFactor(args.scale, 'scale', this.name);
    this.offset = checkFactor(args.offset ?? 0, 'offset', this.name);
  }

  call(inputs: Tensors): Tensor {
    const x = asFloat(single(inputs));
    const factor = (v: number | number[]) => (typeof v === 'number' ? v : tensor(v, [v.length]));
    return add(mul(x, factor(this.scale)), factor(this.offset));
  }

  override getConfig(): Record<string, unknown> {
    const copy = (v: number | number[]) => (typeof v === 'number' ? v : [...v]);
    return { ...super.getConfig(), scale: copy(this.scale), offset: copy(this.offset) };
  }
}

function checkFactor(v: unknown, arg: string, layer: string): number | number[] {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'number' && Number.isFinite(e))) return [...(v as number[])];
  throw new ValueError(`${layer}: expected \`${arg}\` to be a number or a list of numbers (one per channel) but got ${JSON.stringify(v)}`);
}

/** Options of {@link Normalization}. */
export interface NormalizationArgs extends LayerArgs {
  /**
   * The axis or axes that keep their own mean and variance (default -1: one per feature);
   * `null` or `[]` for one mean and variance over everything.
   */
  axis?: number | readonly number[] | null;
  /** A fixed mean (a number, or an array broadcast to the kept axes); `variance` must be given too. Without it, call `adapt`. */
  mean?: NumberArray | null;
  /** A fixed variance, of the same shape as `mean`. */
  variance?: NumberArray | null;
  /** Undo a normalization instead: `mean + x * sqrt(variance)` (default false). */
  invert?: boolean;
}

/** Keras's `backend.epsilon()`: the floor of the standard deviation. */
const EPSILON = 1e-7;

/**
 * Shifts and scales inputs to zero mean and unit variance: `(x - mean) / sqrt(variance)`
 * (with the standard deviation floored at 1e-7), per entry of `axis`. The statistics are
 * given (`mean`, `variance`) or learned from data with {@link Normalization.adapt}; adapted
 * ones are weights `mean`, `variance` and `count` (an int32 scalar Keras keeps for old files),
 * not trainable, saved in that order as Keras does.
 * @example
 * ```ts
 * const norm = new Normalization();
 * norm.adapt(trainFeatures); // per-feature mean and variance
 * const model = new Sequential([norm, new Dense({ units: 1 })]);
 * ```
 */
export class Normalization extends Layer {
  static override readonly className = 'Normalization';
  readonly axis: number[];
  readonly invert: boolean;
  private readonly inputMean?: NumberArray;
  private readonly inputVariance?: NumberArray;
  /** The adapted statistics (absent when `mean` and `variance` were given). */
  adaptMean?: Variable;
  adaptVariance?: Variable;
  count?: Variable;
  private keepAxes: number[] = [];
  private broadcastShape: number[] = [];
  private fixed?: { mean: Float32Array; variance: Float32Array };

  constructor(args: NormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const axis = args.axis === undefined ? -1 : args.axis;
    const list = axis === null ? [] : typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list) || !list.every((a) => Number.isInteger(a))) {
      throw new ValueError(`${this.name}: expected \`axis\` to be an integer, a list of integers or null but got ${JSON.stringify(axis)}`);
    }
    this.axis = [...list];
    this.invert = args.invert ?? false;
    if (typeof this.invert !== 'boolean') throw new ValueError(`${this.name}: expected \`invert\` to be a boolean but got ${JSON.stringify(args.invert)}`);
    const m = args.mean ?? undefined;
    const v = args.variance ?? undefined;
    if ((m === undefined) !== (v === undefined)) {
      throw new ValueError(`${this.name}: when setting values directly, both \`mean\` and \`variance\` must be set; got mean=${JSON.stringify(m)} and variance=${JSON.stringify(v)}`);
    }
    if (m !== undefined && v !== undefined) {
      const ms = flattenNested(m, 'mean', this.name).shape;
      const vs = flattenNested(v, 'variance', this.name).shape;
      if (ms.length !== vs.length || ms.some((d, i) => d !== vs[i])) {
        throw new ValueError(`${this.name}: \`mean\` and \`variance\` must have the same shape but got [${ms.join(', ')}] and [${vs.join(', ')}]`);
      }
      if (ms.length > this.axis.length) {
        throw new ValueError(`${this.name}: the rank of \`mean\` (${ms.length}) must be at most the number of axes (${this.axis.length}); axis=${JSON.stringify(this.axis)}`);
      }
      this.inputMean = m;
      this.inputVariance = v;
    }
  }

  override build(inputShape: LayerShape): void {
    const ndim = inputShape.length;
    const bad = this.axis.find((a) => a < -ndim || a >= ndim);
    if (bad !== undefined) throw new AxisError(`${this.name}: axis ${bad} is out of range for inputs of rank ${ndim} (axis=${JSON.stringify(this.axis)})`);
    this.keepAxes = [...new Set(this.axis.map((a) => (a < 0 ? a + ndim : a)))].sort((a, b) => a - b);
    for (const d of this.keepAxes) {
      if (inputShape[d] === null) {
        throw new ShapeError(`${this.name}: the kept axes must have a known size but axis ${d} of (${inputShape.map((s) => s ?? 'None').join(', ')}) is unknown`);
      }
    }
    this.broadcastShape = inputShape.map((d, i) => (this.keepAxes.includes(i) ? (d as number) : 1));
    const statShape = this.keepAxes.map((d) => inputShape[d] as number);
    if (this.inputMean === undefined) {
      this.adaptMean = this.addWeight('mean', statShape, 'zeros', { trainable: false });
      this.adaptVariance = this.addWeight('variance', statShape, 'ones', { trainable: false });
      this.count = this.addWeight('count', [], 'zeros', { trainable: false, dtype: 'int32' });
    } else {
      this.fixed = {
        mean: this.broadcastStat(this.inputMean, 'mean'),
        variance: this.broadcastStat(this.inputVariance!, 'variance'),
      };
    }
    super.build(inputShape);
  }

  /** A given statistic broadcast to the kept axes (its dims align with them from the right), as Keras. */
  private broadcastStat(value: NumberArray, arg: string): Float32Array {
    const { shape, values } = flattenNested(value, arg, this.name);
    const expanded = this.broadcastShape.map(() => 1);
    for (let i = 1; i <= shape.length; i++) expanded[this.keepAxes[this.keepAxes.length - i]] = shape[shape.length - i];
    const ok = expanded.every((d, i) => d === 1 || d === this.broadcastShape[i]);
    if (!ok) {
      throw new ShapeError(`${this.name}: \`${arg}\` of shape [${shape.join(', ')}] does not broadcast to the kept axes of shape [${this.keepAxes.map((a) => this.broadcastShape[a]).join(', ')}]`);
    }
    const out = new Float32Array(this.broadcastShape.reduce((a, b) => a * b, 1));
    const rank = this.broadcastShape.length;
    const idx = new Array<number>(rank).fill(0);
    for (let flat = 0; flat < out.length; flat++) {
      let src = 0;
      for (let d = 0; d < rank; d++) src = src * expanded[d] + (expanded[d] === 1 ? 0 : idx[d]);
      out[flat] = values[src];
      for (let d = rank - 1; d >= 0; d--) {
        if (++idx[d] < this.broadcastShape[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  }

  private statistics(): { mean: Tensor; variance: Tensor } {
    if (this.fixed) {
      return { mean: tensor(this.fixed.mean, this.broadcastShape), variance: tensor(this.fixed.variance, this.broadcastShape) };
    }
    return { mean: reshape(this.adaptMean!, this.broadcastShape), variance: reshape(this.adaptVariance!, this.broadcastShape) };
  }

  call(inputs: Tensors): Tensor {
    const x = asFloat(single(inputs));
    const { mean, variance } = this.statistics();
    const std = maximum(sqrt(variance), EPSILON);
    return this.invert ? add(mean, mul(x, std)) : div(sub(x, mean), std);
  }

  /**
   * Computes the mean and variance of `data` over every axis but the kept ones, as
   * Keras: from one tensor at once, or from a list of batches with Keras's running
   * update. Builds the layer from the data's shape if needed.
   * @param data - all the samples `[n, ...features]`, or batches of them.
   * @example
   * ```ts
   * const norm = new Normalization({ axis: -1 });
   * norm.adapt(tensor([[0, 10], [2, 30]])); // mean [1, 20], variance [1, 100]
   * ```
   */
  adapt(data: Tensor | readonly Tensor[]): void {
    if (this.inputMean !== undefined) {
      throw new ValueError(`${this.name}: adapt() cannot be used when \`mean\` and \`variance\` were given to the constructor`);
    }
    const batches = Array.isArray(data) ? (data as readonly Tensor[]) : [data as Tensor];
    if (batches.length === 0) throw new ValueError(`${this.name}: adapt() received no batches; pass a tensor or a non-empty list of tensors`);
    const first = batches[0].shape;
    if (!this.built) this.build([null, ...first.slice(1)]);
    for (const b of batches) {
      const ok = b.rank === this.broadcastShape.length && this.keepAxes.every((d) => b.shape[d] === this.broadcastShape[d]);
      if (!ok) {
        throw new ShapeError(
          `${this.name}: adapt() got data of shape [${b.shape.join(', ')}] but the layer expects rank ${this.broadcastShape.length} ` +
            `with axes [${this.keepAxes.join(', ')}] of sizes [${this.keepAxes.map((d) => this.broadcastShape[d]).join(', ')}]`,
        );
      }
    }
    const statShape = this.keepAxes.map((d) => this.broadcastShape[d]);
    tidy(() => {
      let totalMean: Tensor | undefined;
      let totalVar: Tensor | undefined;
      let totalCount = 0;
      for (const raw of batches) {
        const b = asFloat(raw);
        const reduce = b.shape.map((_, i) => i).filter((i) => !this.keepAxes.includes(i));
        const batchMean = reduce.length ? reduceMean(b, reduce, true) : b;
        const batchVar = reduce.length ? reduceMean(squaredDifference(b, batchMean), reduce) : mul(b, 0);
        const m = reshape(batchMean, statShape);
        const v = reshape(batchVar, statShape);
        if (batches.length === 1 || !totalMean || !totalVar) {
          totalMean = m;
          totalVar = v;
          totalCount = reduce.reduce((n, d) => n * b.shape[d], 1);
          continue;
        }
        // Keras's running update (lack-of-fit sum of squares).
        const count = reduce.reduce((n, d) => n * b.shape[d], 1);
        totalCount += count;
        const bw = count / totalCount;
        const ew = 1 - bw;
        const newMean = add(mul(totalMean, ew), mul(m, bw));
        totalVar = add(mul(add(totalVar, squaredDifference(totalMean, newMean)), ew), mul(add(v, squaredDifference(m, newMean)), bw));
        totalMean = newMean;
      }
      this.adaptMean!.assign(totalMean!);
      this.adaptVariance!.assign(totalVar!);
    });
  }

  override getConfig(): Record<string, unknown> {
    const copy = (v: NumberArray | undefined) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
    return { ...super.getConfig(), axis: [...this.axis], invert: this.invert, mean: copy(this.inputMean), variance: copy(this.inputVariance) };
  }
}

/** What the image-size layers ({@link Resizing}, {@link CenterCrop}) take. */
export interface ImageSizeArgs extends LayerArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
  dataFormat?: DataFormat;
}

/**
 * The base of the layers that make image batches `[height, width]`: the sizes, the data
 * format, the rank check, the output shape and those three config keys.
 */
abstract class ImageSizeLayer extends Layer {
  readonly height: number;
  readonly width: number;
  readonly dataFormat: DataFormat;

  constructor(args: ImageSizeArgs) {
    super(args);
    this.height = sizeArg(args.height, 'height', this.name);
    this.width = sizeArg(args.width, 'width', this.name);
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.name);
  }

  /** The height axis of a batch. */
  protected get hAxis(): number {
    return this.dataFormat === 'channels_last' ? 1 : 2;
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, 4, this.name, this.dataFormat === 'channels_last' ? '(batch, height, width, channels)' : '(batch, channels, height, width)');
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    const out = [...inputShape];
    out[this.hAxis] = this.height;
    out[this.hAxis + 1] = this.width;
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, height: this.height, width: this.width };
  }
}

/** Options of {@link Resizing}. */
export interface ResizingArgs extends ImageSizeArgs {
  /** `'bilinear'` (default), `'nearest'`, `'bicubic'`, `'lanczos3'` or `'lanczos5'`, as Keras on JAX. */
  interpolation?: ResizeInterpolation;
  /** Crop the largest centered window of the target aspect ratio first, so nothing is distorted (default false). */
  cropToAspectRatio?: boolean;
  /** Pad with `fillValue` to the target aspect ratio first (default false). */
  padToAspectRatio?: boolean;
  /** Only `'constant'`, as Keras on JAX. */
  fillMode?: 'constant';
  /** The value of the padding of `padToAspectRatio` (default 0). */
  fillValue?: number;
  /** Low-pass filter when downsampling, as `jax.image.resize(..., antialias=True)` (default false). */
  antialias?: boolean;
}

/** The positive integer `height` or `width` of an image layer. */
function sizeArg(v: unknown, arg: string, layer: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ValueError(`${layer}: expected \`${arg}\` to be a positive integer but got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Resizes image batches to `[height, width]`, in training and at inference, with the
 * numbers of Keras 3 on JAX (`jax.image.resize`: half-pixel centers; `antialias` widens
 * the kernel when downsampling). Gradients flow to the input. Integer images come out as
 * float32 (Keras rounds them back to their integer dtype; Tessera's layers compute in float32).
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Resizing({ height: 64, width: 64, cropToAspectRatio: true, inputShape: [480, 640, 3] }),
 *   new Conv2D({ filters: 16, kernelSize: 3 }),
 * ]);
 * ```
 */
export class Resizing extends ImageSizeLayer {
  static override readonly className = 'Resizing';
  readonly interpolation: ResizeInterpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillMode: 'constant';
  readonly fillValue: number;
  readonly antialias: boolean;

  constructor(args: ResizingArgs) {
    super(args);
    this.interpolation = args.interpolation ?? 'bilinear';
    if (!RESIZE_INTERPOLATIONS.includes(this.interpolation)) {
      throw new ValueError(
        `${this.name}: interpolation '${String(args.interpolation)}' is not supported (Keras on JAX supports ${RESIZE_INTERPOLATIONS.map((i) => `'${i}'`).join(', ')})`,
      );
    }
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    this.padToAspectRatio = args.padToAspectRatio ?? false;
    if (this.cropToAspectRatio && this.padToAspectRatio) {
      throw new ValueError(`${this.name}: only one of \`cropToAspectRatio\` and \`padToAspectRatio\` can be true`);
    }
    this.fillMode = args.fillMode ?? 'constant';
    if (this.fillMode !== 'constant') throw new ValueError(`${this.name}: fillMode '${String(args.fillMode)}' is not supported; only 'constant' (as Keras on JAX)`);
    this.fillValue = args.fillValue ?? 0;
    if (typeof this.fillValue !== 'number') throw new ValueError(`${this.name}: expected \`fillValue\` to be a number but got ${JSON.stringify(args.fillValue)}`);
    this.antialias = Boolean(args.antialias ?? false);
  }

  call(inputs: Tensors): Tensor {
    let x = asFloat(single(inputs));
    const h = this.hAxis;
    if (this.cropToAspectRatio) x = aspectCrop(x, h, this.height, this.width);
    else if (this.padToAspectRatio) x = aspectPad(x, h, this.height, this.width, this.fillValue);
    return resizeImages(x, h, this.height, this.width, this.interpolation, this.antialias);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      interpolation: this.interpolation,
      crop_to_aspect_ratio: this.cropToAspectRatio,
      pad_to_aspect_ratio: this.padToAspectRatio,
      fill_mode: this.fillMode,
      fill_value: this.fillValue,
      antialias: this.antialias,
    };
  }
}

/** Options of {@link CenterCrop}. */
export type CenterCropArgs = ImageSizeArgs;

/**
 * Crops the central `[height, width]` window of each image, in training and at inference.
 * An image smaller than the target in either direction is first cropped to the target's
 * aspect ratio and then resized bilinearly, as Keras (`smart_resize`).
 * @example
 * ```ts
 * new CenterCrop({ height: 224, width: 224, inputShape: [256, 256, 3] });
 * ```
 */
export class CenterCrop extends ImageSizeLayer {
  static override readonly className = 'CenterCrop';

  constructor(args: CenterCropArgs) {
    super(args);
  }

  call(inputs: Tensors): Tensor {
    const x = asFloat(single(inputs));
    const h = this.hAxis;
    const hDiff = x.shape[h] - this.height;
    const wDiff = x.shape[h + 1] - this.width;
    if (hDiff >= 0 && wDiff >= 0) {
      const begin = x.shape.map(() => 0);
      const size = [...x.shape];
      begin[h] = Math.floor(hDiff / 2);
      begin[h + 1] = Math.floor(wDiff / 2);
      size[h] = this.height;
      size[h + 1] = this.width;
      return sliceOrSelf(x, begin, size);
    }
    return resizeImages(aspectCrop(x, h, this.height, this.width), h, this.height, this.width, 'bilinear', false);
  }
}

function sliceOrSelf(x: Tensor, begin: number[], size: number[]): Tensor {
  return size.every((d, i) => d === x.shape[i]) ? x : sliceTensor(x, begin, size);
}
