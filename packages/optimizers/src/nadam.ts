import { add, div, mul, sqrt, square, sub, type Tensor, type Variable } from '@tessera/tensor';
import { Optimizer, type OptimizerConfig, type OptimizerOptions, type ScalarState, type SlotSpec } from './optimizer.js';
import type { Config } from './schedules.js';
import { checkRange } from './validate.js';

/**
 * Options of {@link Nadam}.
 * @example
 * ```ts
 * const options: NadamOptions = { learningRate: 0.002 };
 * new Nadam(options);
 * ```
 */
export interface NadamOptions extends OptimizerOptions {
  /** Decay of the first moment, in `[0, 1)` (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, in `[0, 1)` (default 0.999). */
  beta2?: number;
  /** Added to `sqrt(vHat)` (default 1e-7). */
  epsilon?: number;
}

/**
 * {@link Nadam}'s config: the base keys plus `beta_1`, `beta_2`, `epsilon`.
 * @example
 * ```ts
 * const config: NadamConfig = new Nadam().getConfig();
 * config.beta_1;
 * ```
 */
export type NadamConfig = OptimizerConfig & { beta_1: number; beta_2: number; epsilon: number };

/** Decay of Dozat's momentum schedule, fixed in Keras. */
const MOMENTUM_CACHE_DECAY = 0.96;

/**
 * Nadam (Adam with Nesterov momentum), Keras 3's `Nadam` (learningRate 0.001, beta1 0.9,
 * beta2 0.999, epsilon 1e-7), with Dozat's momentum schedule `u_t = beta1 * (1 - 0.5 * 0.96^t)`.
 * Each step, with `t = iterations + 1`, first `uProduct *= u_t` (so `uProduct = u_1 ... u_t`), then per variable:
 *
 * ```
 * m += (g - m) * (1 - beta1)
 * v += (g^2 - v) * (1 - beta2)
 * mHat = u_{t+1} * m / (1 - uProduct * u_{t+1}) + (1 - u_t) * g / (1 - uProduct)
 * vHat = v / (1 - beta2^t)
 * w -= lr * mHat / (sqrt(vHat) + epsilon)
 * ```
 * Slots: `momentum` and `velocity` (interleaved per variable); `u_product` is saved after them.
 *
 * @example
 * ```ts
 * const opt = new Nadam({ learningRate: 0.002 });
 * ```
 */
export class Nadam extends Optimizer {
  static readonly className = 'Nadam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private uProduct = 1;

  constructor(options: NadamOptions = {}) {
    super(options, { learningRate: 0.001, name: 'nadam' });
    this.beta1 = checkRange('Nadam', 'beta_1', options.beta1 ?? 0.9, 0, 1, true);
    this.beta2 = checkRange('Nadam', 'beta_2', options.beta2 ?? 0.999, 0, 1, true);
    this.epsilon = checkRange('Nadam', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotGroups(): SlotSpec[][] {
    return [[{ name: 'momentum' }, { name: 'velocity' }]];
  }

  protected override scalarState(): ScalarState[] {
    return [{ name: 'u_product', get: () => this.uProduct, set: (value) => (this.uProduct = value) }];
  }

  private u(step: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(MOMENTUM_CACHE_DECAY, step));
  }

  protected override beforeUpdates(): void {
    this.uProduct *= this.u(this.iterations + 1);
  }

  protected updateStep(g: Tensor, w: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const t = this.iterations + 1;
    const uT = this.u(t);
    const uNext = this.u(t + 1);
    const uProductNext = this.uProduct * uNext;
    const { momentum: m, velocity: v } = slots;
    m.assign(add(m, mul(sub(g, m), 1 - this.beta1)));
    v.assign(add(v, mul(sub(square(g), v), 1 - this.beta2)));
    const mHat = add(mul(m, uNext / (1 - uProductNext)), mul(g, (1 - uT) / (1 - this.uProduct)));
    const vHat = div(v, 1 - Math.pow(this.beta2, t));
    w.assign(sub(w, div(mul(mHat, lr), add(sqrt(vHat), this.epsilon))));
  }

  override getConfig(): NadamConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }

  /**
   * Rebuilds a Nadam from its config (ours or Keras's).
   * @example
   * ```ts
   * Nadam.fromConfig({ learning_rate: 0.002 });
   * ```
   */
  static fromConfig(config: Config): Nadam {
    return new Nadam({
      ...Optimizer.baseOptions('Nadam', config, ['beta_1', 'beta_2', 'epsilon']),
      beta1: config.beta_1 as number | undefined,
      beta2: config.beta_2 as number | undefined,
      epsilon: config.epsilon as number | undefined,
    });
  }
}
