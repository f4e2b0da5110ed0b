import { add, applyRMSProp, div, mul, sqrt, square, sub, type Tensor, type Variable } from '@tessera/tensor';
import { hasFusedUpdate } from './fused.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotSpec } from './optimizer.js';
import type { Config } from './schedules.js';
import { checkBoolean, checkRange } from './validate.js';

/**
 * Options of {@link RMSprop}.
 * @example
 * ```ts
 * const options: RMSpropOptions = { rho: 0.95, centered: true };
 * new RMSprop(options);
 * ```
 */
export interface RMSpropOptions extends OptimizerOptions {
  /** Decay of the moving average of squared gradients, in `[0, 1]` (default 0.9). */
  rho?: number;
  /** In `[0, 1]` (default 0): momentum on the increments. */
  momentum?: number;
  /** Added under the square root (default 1e-7). */
  epsilon?: number;
  /** Normalize by the estimated variance instead of the second moment (default false). */
  centered?: boolean;
}

/**
 * {@link RMSprop}'s config: the base keys plus `rho`, `momentum`, `epsilon`, `centered`.
 * @example
 * ```ts
 * const config: RMSpropConfig = new RMSprop().getConfig();
 * config.centered;
 * ```
 */
export type RMSpropConfig = OptimizerConfig & { rho: number; momentum: number; epsilon: number; centered: boolean };

/**
 * RMSprop, Keras's `RMSprop` (learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false):
 *
 * ```
 * velocity = rho * velocity + (1 - rho) * g^2
 * centered: avg = rho * avg + (1 - rho) * g;  denom = velocity - avg^2 + eps
 * else:     denom = velocity + eps
 * inc = lr * g / sqrt(denom)
 * momentum > 0: mom = momentum * mom + inc;  w -= mom       else: w -= inc
 * ```
 * Slots (groups, in this order): `velocity`; `momentum` when momentum > 0; `average_gradient` when centered.
 *
 * @example
 * ```ts
 * const opt = new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5 });
 * ```
 */
export class RMSprop extends Optimizer {
  static readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super(options, { learningRate: 0.001, name: 'rmsprop' });
    this.rho = checkRange('RMSprop', 'rho', options.rho ?? 0.9, 0, 1);
    this.momentum = checkRange('RMSprop', 'momentum', options.momentum ?? 0, 0, 1);
    this.epsilon = checkRange('RMSprop', 'epsilon', options.epsilon ?? 1e-7, 0);
    this.centered = checkBoolean('RMSprop', 'centered', options.centered ?? false);
  }

  protected slotGroups(): SlotSpec[][] {
    const groups = [[{ name: 'velocity' }]];
    if (this.momentum > 0) groups.push([{ name: 'momentum' }]);
    if (this.centered) groups.push([{ name: 'average_gradient' }]);
    return groups;
  }

  protected updateStep(g: Tensor, v: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    if (hasFusedUpdate('ApplyRMSProp')) this.fusedStep(g, v, slots, lr);
    else this.opStep(g, v, slots, lr);
  }

  /** The update in one `ApplyRMSProp` kernel. */
  private fusedStep(g: Tensor, v: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const { velocity, momentum, average_gradient: avg } = slots;
    const state = {
      variable: v,
      gradient: g,
      velocity,
      momentum: this.momentum > 0 ? momentum : undefined,
      averageGradient: this.centered ? avg : undefined,
    };
    // In place where nothing else shares the buffers (see applyRMSProp): the assignments below then keep them.
    const attrs = { learningRate: lr, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered, inPlace: true };
    const next = applyRMSProp(state, attrs);
    velocity.assign(next.velocity);
    if (next.momentum) momentum.assign(next.momentum);
    if (next.averageGradient) avg.assign(next.averageGradient);
    v.assign(next.variable);
  }

  /** The update as elementwise ops, for backends without `ApplyRMSProp`. */
  private opStep(g: Tensor, v: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const { velocity, momentum, average_gradient: avg } = slots;
    velocity.assign(add(mul(velocity, this.rho), mul(square(g), 1 - this.rho)));
    let denominator: Tensor;
    if (this.centered) {
      avg.assign(add(mul(avg, this.rho), mul(g, 1 - this.rho)));
      denominator = add(sub(velocity, square(avg)), this.epsilon);
    } else {
      denominator = add(velocity, this.epsilon);
    }
    const increment = div(mul(g, lr), sqrt(denominator));
    if (this.momentum > 0) {
      momentum.assign(add(mul(momentum, this.momentum), increment));
      v.assign(sub(v, momentum));
    } else {
      v.assign(sub(v, increment));
    }
  }

  override getConfig(): RMSpropConfig {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  /**
   * Rebuilds an RMSprop from its config (ours or Keras's).
   * @example
   * ```ts
   * RMSprop.fromConfig({ learning_rate: 0.01, rho: 0.95 });
   * ```
   */
  static fromConfig(config: Config): RMSprop {
    return new RMSprop({
      ...Optimizer.baseOptions('RMSprop', config, ['rho', 'momentum', 'epsilon', 'centered']),
      rho: config.rho as number | undefined,
      momentum: config.momentum as number | undefined,
      epsilon: config.epsilon as number | undefined,
      centered: config.centered as boolean | undefined,
    });
  }
}
