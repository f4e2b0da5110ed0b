import { abs, add, div, maximum, mul, sub, type Tensor, type Variable } from '@tessera/tensor';
import { Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotSpec } from './optimizer.js';
import type { Config } from './schedules.js';
import { checkRange } from './validate.js';

/**
 * Options of {@link Adamax}.
 * @example
 * ```ts
 * const options: AdamaxOptions = { beta2: 0.99 };
 * new Adamax(options);
 * ```
 */
export interface AdamaxOptions extends OptimizerOptions {
  /** Decay of the first moment, in `[0, 1)` (default 0.9). */
  beta1?: number;
  /** Decay of the infinity norm, in `[0, 1)` (default 0.999). */
  beta2?: number;
  /** Added to the norm (default 1e-7). */
  epsilon?: number;
}

/**
 * {@link Adamax}'s config: the base keys plus `beta_1`, `beta_2`, `epsilon`.
 * @example
 * ```ts
 * const config: AdamaxConfig = new Adamax().getConfig();
 * config.beta_2;
 * ```
 */
export type AdamaxConfig = OptimizerConfig & { beta_1: number; beta_2: number; epsilon: number };

/**
 * Adamax (Adam with the infinity norm), Keras's `Adamax` (learningRate 0.001, beta1 0.9,
 * beta2 0.999, epsilon 1e-7). With `t = iterations + 1`:
 *
 * ```
 * m += (g - m) * (1 - beta1)
 * u = max(beta2 * u, |g|)
 * w -= lr * m / ((1 - beta1^t) * (u + epsilon))
 * ```
 * Slots: `momentum` and `norm` (interleaved per variable).
 *
 * @example
 * ```ts
 * const opt = new Adamax({ learningRate: 0.002 });
 * ```
 */
export class Adamax extends Optimizer {
  static readonly className = 'Adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super(options, { learningRate: 0.001, name: 'adamax' });
    this.beta1 = checkRange('Adamax', 'beta_1', options.beta1 ?? 0.9, 0, 1, true);
    this.beta2 = checkRange('Adamax', 'beta_2', options.beta2 ?? 0.999, 0, 1, true);
    this.epsilon = checkRange('Adamax', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotGroups(): SlotSpec[][] {
    return [[{ name: 'momentum' }, { name: 'norm' }]];
  }

  protected updateStep(g: Tensor, w: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const { momentum: m, norm: u } = slots;
    const beta1Power = Math.pow(this.beta1, this.iterations + 1);
    m.assign(add(m, mul(sub(g, m), 1 - this.beta1)));
    u.assign(maximum(mul(u, this.beta2), abs(g)));
    w.assign(sub(w, div(mul(m, lr), mul(add(u, this.epsilon), 1 - beta1Power))));
  }

  override getConfig(): AdamaxConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }

  /**
   * Rebuilds an Adamax from its config (ours or Keras's).
   * @example
   * ```ts
   * Adamax.fromConfig({ learning_rate: 0.002 });
   * ```
   */
  static fromConfig(config: Config): Adamax {
    return new Adamax({
      ...Optimizer.baseOptions('Adamax', config, ['beta_1', 'beta_2', 'epsilon']),
      beta1: config.beta_1 as number | undefined,
      beta2: config.beta_2 as number | undefined,
      epsilon: config.epsilon as number | undefined,
    });
  }
}
