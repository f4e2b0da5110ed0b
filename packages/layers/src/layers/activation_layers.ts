import {
  add,
  clipByValue,
  elu,
  exp,
  greater,
  leakyRelu,
  logSumExp,
  mul,
  neg,
  relu,
  relu6,
  ShapeError,
  softmax,
  sub,
  ValueError,
  where,
  type Tensor,
  type Variable,
} from '@tessera/tensor';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

const single = (inputs: Tensors): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/** Throws unless `value` is a finite number >= 0 (the check Keras makes of these layers' arguments). */
function nonNegative(className: string, option: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new ValueError(`${className}: expected ${option} >= 0 but got ${String(value)}`);
  }
  return value;
}

/** Options of {@link ReLU} (Keras's arguments, camelCase). */
export interface ReLUArgs extends LayerArgs {
  /** Largest output (`null`: unbounded, the default). */
  maxValue?: number | null;
  /** Slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Inputs at or below it give `negativeSlope * (x - threshold)` (default 0). */
  threshold?: number;
}

/**
 * The rectified linear unit as a layer, with Keras's options: `x` above `threshold`
 * (capped at `maxValue`), `negativeSlope * (x - threshold)` below it.
 * @example
 * ```ts
 * new ReLU({ maxValue: 6 });                 // ReLU6
 * new ReLU({ negativeSlope: 0.1, threshold: 1 });
 * ```
 */
export class ReLU extends Layer {
  static override readonly className = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.maxValue = args.maxValue === undefined || args.maxValue === null ? null : nonNegative('ReLU', 'maxValue', args.maxValue);
    this.negativeSlope = nonNegative('ReLU', 'negativeSlope', args.negativeSlope ?? 0);
    this.threshold = nonNegative('ReLU', 'threshold', args.threshold ?? 0);
  }

  /** Keras's `activations.relu`, step by step, so values agree where its branches differ. */
  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    const { maxValue, negativeSlope: slope, threshold } = this;
    if (slope !== 0 && maxValue === null && threshold === 0) return leakyRelu(x, slope);
    const negativePart = slope !== 0 ? relu(threshold !== 0 ? sub(threshold, x) : neg(x)) : undefined;
    let clip = maxValue !== null;
    let y: Tensor;
    if (threshold !== 0) {
      y = where(greater(x, threshold), x, 0);
    } else if (maxValue === 6) {
      y = relu6(x);
      clip = false;
    } else {
      y = relu(x);
    }
    if (clip) y = clipByValue(y, 0, maxValue as number);
    return negativePart ? sub(y, mul(negativePart, slope)) : y;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }
}

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for negative inputs (default 0.3, Keras's). */
  negativeSlope?: number;
}

/**
 * `x` for `x >= 0`, `negativeSlope * x` below (Keras's default slope 0.3). Keras 2 files
 * call the slope `alpha`; they load as well.
 * @example
 * ```ts
 * new LeakyReLU({ negativeSlope: 0.1 });
 * ```
 */
export class LeakyReLU extends Layer {
  static override readonly className = 'LeakyReLU';
  readonly negativeSlope: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.negativeSlope = nonNegative('LeakyReLU', 'negativeSlope', args.negativeSlope ?? 0.3);
  }

  call(inputs: Tensors): Tensor {
    return leakyRelu(single(inputs), this.negativeSlope);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }
}

/** Options of {@link PReLU}. */
export interface PReLUArgs extends LayerArgs {
  /** Initial slopes (default `'zeros'`, Keras's). */
  alphaInitializer?: InitializerIdentifier;
  alphaRegularizer?: RegularizerIdentifier;
  /**
   * Axes (1-based, the batch is 0) along which one slope is shared: `[1, 2]` for one slope
   * per channel of `[batch, h, w, c]` images.
   */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * A leaky ReLU whose negative slopes are learned: `relu(x) - alpha * relu(-x)`, with a weight
 * `alpha` shaped as one sample (axes in `sharedAxes` of size 1).
 * @example
 * ```ts
 * new PReLU({ sharedAxes: [1, 2] }); // one slope per channel after a Conv2D
 * ```
 */
export class PReLU extends Layer {
  static override readonly className = 'PReLU';
  readonly sharedAxes: number[] | null;
  private readonly alphaInitializer: InitializerIdentifier;
  private readonly alphaRegularizer?: Regularizer;
  alpha?: Variable;

  constructor(args: PReLUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const axes = args.sharedAxes ?? null;
    this.sharedAxes = axes === null ? null : typeof axes === 'number' ? [axes] : [...axes];
    for (const a of this.sharedAxes ?? []) {
      if (!Number.isInteger(a) || a < 1) throw new ValueError(`PReLU: expected sharedAxes of integers >= 1 (the batch axis is 0) but got ${JSON.stringify(axes)}`);
    }
    this.alphaInitializer = args.alphaInitializer ?? 'zeros';
    getInitializer(this.alphaInitializer);
    this.alphaRegularizer = getRegularizer(args.alphaRegularizer);
  }

  override build(inputShape: LayerShape): void {
    const shape = inputShape.slice(1);
    for (const a of this.sharedAxes ?? []) {
      if (a > shape.length) throw new ShapeError(`${this.name}: sharedAxes ${JSON.stringify(this.sharedAxes)} do not fit inputs of rank ${inputShape.length}`);
      shape[a - 1] = 1;
    }
    if (shape.some((d) => d === null)) {
      throw new ShapeError(`${this.name}: every axis not in sharedAxes must have a known size but got input [${inputShape.map((d) => d ?? '*').join(', ')}]`);
    }
    this.alpha = this.addWeight('alpha', shape as number[], this.alphaInitializer, { regularizer: this.alphaRegularizer });
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    return add(relu(x), mul(neg(this.alpha!), relu(neg(x))));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alpha_initializer: serializeInitializer(getInitializer(this.alphaInitializer)),
      alpha_regularizer: serializeRegularizer(this.alphaRegularizer),
      alpha_constraint: null,
      shared_axes: this.sharedAxes ? [...this.sharedAxes] : null,
    };
  }
}

/** Options of {@link ELU}. */
export interface ELUArgs extends LayerArgs {
  /** Scale of the negative part (default 1). */
  alpha?: number;
}

/**
 * The exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` below.
 * @example
 * ```ts
 * new ELU({ alpha: 0.5 });
 * ```
 */
export class ELU extends Layer {
  static override readonly className = 'ELU';
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const alpha = args.alpha ?? 1;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ValueError(`ELU: expected a finite number alpha but got ${String(alpha)}`);
    this.alpha = alpha;
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    return this.alpha === 1 ? elu(x) : where(greater(x, 0), x, mul(elu(x), this.alpha));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/** Options of {@link Softmax}. */
export interface SoftmaxArgs extends LayerArgs {
  /** The axis, or axes, normalized over (default -1). */
  axis?: number | readonly number[];
}

/** Keras's stand-in for minus infinity at masked positions (float32). */
const LARGE_NEGATIVE = -1e9;

/**
 * Softmax over `axis` (or several axes) as a layer. Called with `{mask}` (1 keeps, 0 masks;
 * broadcast to the input), masked positions get probability 0.
 * @example
 * ```ts
 * new Softmax({ axis: -1 });
 * new Softmax().apply(scores, { mask }); // attention weights over the unmasked keys
 * ```
 */
export class Softmax extends Layer {
  static override readonly className = 'Softmax';
  readonly axis: number | number[];

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const axis = args.axis ?? -1;
    const list = typeof axis === 'number' ? [axis] : [...axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a))) throw new ValueError(`Softmax: expected an integer axis or a list of them but got ${JSON.stringify(axis)}`);
    this.axis = typeof axis === 'number' ? axis : list;
  }

  call(inputs: Tensors, args: CallArgs = {}): Tensor {
    let x = single(inputs);
    const mask = args.mask === undefined ? undefined : args.mask.dtype === 'bool' ? args.mask : greater(args.mask, 0.5);
    if (mask) {
      if (mask.rank > x.rank || mask.shape.some((d, i) => d !== 1 && d !== x.shape[x.rank - mask.rank + i])) {
        throw new ShapeError(`${this.name}: the mask must broadcast to the input [${x.shape.join(', ')}] but has shape [${mask.shape.join(', ')}]`);
      }
      x = where(mask, x, LARGE_NEGATIVE);
    }
    const axis = this.axis;
    let y: Tensor;
    if (typeof axis === 'number') y = softmax(x, axis);
    else if (axis.length === 1) y = softmax(x, axis[0]);
    else y = exp(sub(x, logSumExp(x, axis, true)));
    // A fully masked row would otherwise be uniform.
    return mask ? where(mask, y, 0) : y;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }
}
