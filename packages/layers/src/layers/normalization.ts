import { add, AxisError, batchNorm, moments, mul, reshape, ShapeError, tidy, ValueError, type Tensor, type Variable } from '@tessera/tensor';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { AffineNormalization, type AffineArgs } from './affine.js';
import { single } from './conv_utils.js';

/** Resolves a (possibly negative) axis against a rank, naming the layer when it is out of range. */
function resolveAxis(axis: number, rank: number, layer: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new AxisError(`${layer}: axis ${axis} is out of range for inputs of rank ${rank}`);
  return a;
}

/** Options of {@link BatchNormalization}. */
export interface BatchNormalizationArgs extends LayerArgs {
  /** The features axis, normalized per entry (default -1: channels last). */
  axis?: number;
  /** Weight of the old value in the moving averages (default 0.99). */
  momentum?: number;
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
  /** Learn an offset `beta` (default true). */
  center?: boolean;
  /** Learn a scale `gamma` (default true). */
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
}

/**
 * Normalizes each feature to zero mean and unit variance, then scales by `gamma` and
 * shifts by `beta`. In training (inside `fit`) it uses the batch's statistics and
 * updates `moving_mean` and `moving_variance` as
 * `moving = moving * momentum + batch * (1 - momentum)`; at inference (and when the
 * layer is frozen, as Keras 3) it uses the moving statistics. Weights, in Keras's
 * order: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance` (not trainable).
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Conv2D({ filters: 32, kernelSize: 3, inputShape: [28, 28, 1] }),
 *   new BatchNormalization(),
 *   new Activation({ activation: 'relu' }),
 * ]);
 * ```
 */
export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly initializers: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', InitializerIdentifier>;
  private readonly betaRegularizer?: Regularizer;
  private readonly gammaRegularizer?: Regularizer;
  gamma?: Variable;
  beta?: Variable;
  movingMean?: Variable;
  movingVariance?: Variable;
  private resolvedAxis = -1;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new ValueError(`${this.name}: expected an integer axis but got ${String(args.axis)}`);
    this.momentum = args.momentum ?? 0.99;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`${this.name}: expected momentum to be a number in [0, 1] but got ${JSON.stringify(args.momentum)}`);
    }
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new ValueError(`${this.name}: expected epsilon to be a positive number but got ${JSON.stringify(args.epsilon)}`);
    }
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.initializers = {
      beta: args.betaInitializer ?? 'zeros',
      gamma: args.gammaInitializer ?? 'ones',
      movingMean: args.movingMeanInitializer ?? 'zeros',
      movingVariance: args.movingVarianceInitializer ?? 'ones',
    };
    this.betaRegularizer = getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer);
  }

  override build(inputShape: LayerShape): void {
    this.resolvedAxis = resolveAxis(this.axis, inputShape.length, this.name);
    const dim = inputShape[this.resolvedAxis];
    if (dim === null) {
      throw new ShapeError(`${this.name}: axis ${this.axis} of the input must be known but got shape (${inputShape.map((d) => d ?? 'None').join(', ')})`);
    }
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], this.initializers.gamma, { regularizer: this.gammaRegularizer });
    if (this.center) this.beta = this.addWeight('beta', [dim], this.initializers.beta, { regularizer: this.betaRegularizer });
    this.movingMean = this.addWeight('moving_mean', [dim], this.initializers.movingMean, { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [dim], this.initializers.movingVariance, { trainable: false });
    super.build(inputShape);
  }

  call(inputs: Tensors, args: CallArgs): Tensor {
    const x = single(inputs);
    const axis = this.resolvedAxis;
    const dim = x.shape[axis];
    const reductionAxes = x.shape.map((_, i) => i).filter((i) => i !== axis);
    // Parameters of shape [dim] broadcast against x once they sit on the features axis.
    const toBroadcast = (t: Tensor | undefined) =>
      t && axis !== x.rank - 1 ? reshape(t, x.shape.map((d, i) => (i === axis ? d : 1))) : t;
    if (args.training && this.trainable) {
      const { mean, variance } = moments(x, reductionAxes, true);
      this.updateMovingAverages(reshape(mean, [dim]), reshape(variance, [dim]));
      return batchNorm(x, mean, variance, toBroadcast(this.beta), toBroadcast(this.gamma), this.epsilon);
    }
    return batchNorm(x, toBroadcast(this.movingMean)!, toBroadcast(this.movingVariance)!, toBroadcast(this.beta), toBroadcast(this.gamma), this.epsilon);
  }

  /**
   * `moving = moving * momentum + batch * (1 - momentum)`, in place. Runs inside
   * `fit`'s gradient closure: assigning is not differentiated, and the tidy frees the
   * temporaries (the variables keep the new values).
   */
  private updateMovingAverages(batchMean: Tensor, batchVariance: Tensor): void {
    tidy(() => {
      const m = this.momentum;
      this.movingMean!.assign(add(mul(this.movingMean!, m), mul(batchMean, 1 - m)));
      this.movingVariance!.assign(add(mul(this.movingVariance!, m), mul(batchVariance, 1 - m)));
    });
  }

  override getConfig() {
    const init = (id: InitializerIdentifier) => serializeInitializer(getInitializer(id));
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: init(this.initializers.beta),
      gamma_initializer: init(this.initializers.gamma),
      moving_mean_initializer: init(this.initializers.movingMean),
      moving_variance_initializer: init(this.initializers.movingVariance),
      beta_regularizer: serializeRegularizer(this.betaRegularizer),
      gamma_regularizer: serializeRegularizer(this.gammaRegularizer),
      beta_constraint: null,
      gamma_constraint: null,
      synchronized: false,
    };
  }
}

/** Options of {@link LayerNormalization}. */
export interface LayerNormalizationArgs extends LayerArgs, AffineArgs {
  /** Axis or axes normalized within each sample (default -1). */
  axis?: number | readonly number[];
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
}

/**
 * Normalizes each sample over `axis` (by default its features) to zero mean and unit
 * variance, then applies a learned `gamma` and `beta` of the normalized axes' shape.
 * Training and inference compute the same thing.
 * @example
 * ```ts
 * new LayerNormalization({ epsilon: 1e-6 }); // as in a transformer block
 * ```
 */
export class LayerNormalization extends AffineNormalization {
  static override readonly className = 'LayerNormalization';
  readonly axis: number | number[];
  readonly epsilon: number;
  private axes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.axis = typeof args.axis === 'number' || args.axis === undefined ? (args.axis ?? -1) : [...args.axis];
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new ValueError(`${this.name}: expected epsilon to be a positive number but got ${JSON.stringify(args.epsilon)}`);
    }
  }

  override build(inputShape: LayerShape): void {
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    this.axes = list.map((a) => resolveAxis(a, inputShape.length, this.name)).sort((a, b) => a - b);
    if (this.axes.includes(0) || new Set(this.axes).size !== this.axes.length) {
      throw new AxisError(`${this.name}: axis must name distinct non-batch axes but got ${JSON.stringify(this.axis)}`);
    }
    const shape = this.axes.map((a) => inputShape[a]);
    if (shape.some((d) => d === null)) {
      throw new ShapeError(`${this.name}: the normalized axes must be known but got shape (${inputShape.map((d) => d ?? 'None').join(', ')})`);
    }
    this.buildAffine(shape as number[]);
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    const axes = this.axes;
    const trailing = axes.every((a, i) => a === x.rank - axes.length + i);
    const toBroadcast = (t: Tensor | undefined) =>
      t && !trailing ? reshape(t, x.shape.map((d, i) => (axes.includes(i) ? d : 1))) : t;
    const { mean, variance } = moments(x, axes, true);
    return batchNorm(x, mean, variance, toBroadcast(this.beta), toBroadcast(this.gamma), this.epsilon);
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rms_scaling: false,
      ...this.affineConfig(),
    };
  }
}
