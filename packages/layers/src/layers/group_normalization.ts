import { add, AxisError, moments, mul, neg, reshape, rsqrt, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import type { LayerArgs, Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { AffineNormalization, type AffineArgs } from './affine.js';
import { single } from './conv_utils.js';

/** Options of {@link GroupNormalization}. */
export interface GroupNormalizationArgs extends LayerArgs, AffineArgs {
  /** Number of channel groups (default 32); it must divide the channels. -1 is one group per channel (instance normalization). */
  groups?: number;
  /** The channels axis (default -1). */
  axis?: number;
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
}

/**
 * Splits the channels into `groups` and normalizes each group of each sample (over its
 * channels and every spatial position) to zero mean and unit variance, then applies a
 * per-channel `gamma` and `beta`. Independent of the batch size, so training and
 * inference compute the same thing. Weights, in Keras's order: `gamma`, `beta`.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Conv2D({ filters: 32, kernelSize: 3, inputShape: [28, 28, 1] }),
 *   new GroupNormalization({ groups: 8 }),
 * ]);
 * ```
 */
export class GroupNormalization extends AffineNormalization {
  static override readonly className = 'GroupNormalization';
  /** The number of groups (-1 becomes the channel count when the layer builds, as in Keras). */
  groups: number;
  readonly axis: number;
  readonly epsilon: number;
  private resolvedAxis = -1;

  constructor(args: GroupNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const groups = args.groups ?? 32;
    if (!Number.isInteger(groups) || (groups <= 0 && groups !== -1)) {
      throw new ValueError(`${this.name}: expected \`groups\` to be a positive integer (or -1 for instance normalization) but got ${JSON.stringify(args.groups)}`);
    }
    this.groups = groups;
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new ValueError(`${this.name}: expected an integer \`axis\` but got ${JSON.stringify(args.axis)}`);
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.epsilon !== 'number' || !(this.epsilon >= 0)) {
      throw new ValueError(`${this.name}: expected \`epsilon\` to be a non-negative number but got ${JSON.stringify(args.epsilon)}`);
    }
  }

  override build(inputShape: LayerShape): void {
    const rank = inputShape.length;
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new AxisError(`${this.name}: axis ${this.axis} is out of range for inputs of rank ${rank} (the batch axis cannot be normalized)`);
    const dim = inputShape[a];
    if (dim === null) {
      throw new ShapeError(`${this.name}: axis ${this.axis} of the input must be known but got shape (${inputShape.map((d) => d ?? 'None').join(', ')})`);
    }
    if (this.groups === -1) this.groups = dim;
    if (dim < this.groups) throw new ValueError(`${this.name}: the number of groups (${this.groups}) cannot be more than the number of channels (${dim})`);
    if (dim % this.groups !== 0) throw new ValueError(`${this.name}: the number of groups (${this.groups}) must divide the number of channels (${dim})`);
    this.resolvedAxis = a;
    this.buildAffine([dim]);
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    const a = this.resolvedAxis;
    const g = this.groups;
    const perGroup = x.shape[a] / g;
    // [..., C, ...] -> [..., G, C/G, ...]; statistics over everything but the batch and the group.
    const grouped = [...x.shape.slice(0, a), g, perGroup, ...x.shape.slice(a + 1)];
    const xg = reshape(x, grouped);
    const axes = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== a);
    const { mean, variance } = moments(xg, axes, true);
    const paramShape = grouped.map((d, i) => (i === a || i === a + 1 ? d : 1));
    // As Keras: inv = rsqrt(var + eps) * gamma; out = x * inv + (beta - mean * inv).
    let inv = rsqrt(add(variance, this.epsilon));
    if (this.gamma) inv = mul(inv, reshape(this.gamma, paramShape));
    let res = mul(neg(mean), inv);
    if (this.beta) res = add(res, reshape(this.beta, paramShape));
    return reshape(add(mul(xg, inv), res), x.shape);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      ...this.affineConfig(),
    };
  }
}
