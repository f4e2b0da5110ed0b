import { add, div, mul, neg, sqrt, square, type Tensor, type Variable } from '@tessera/tensor';
import { Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotSpec } from './optimizer.js';
import type { Config } from './schedules.js';
import { checkRange } from './validate.js';

/**
 * Options of {@link Adadelta}.
 * @example
 * ```ts
 * const options: AdadeltaOptions = { learningRate: 1, rho: 0.9 };
 * new Adadelta(options);
 * ```
 */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Decay of both moving averages, in `[0, 1]` (default 0.95). */
  rho?: number;
  /** Added under the square roots (default 1e-7). */
  epsilon?: number;
}

/**
 * {@link Adadelta}'s config: the base keys plus `rho`, `epsilon`.
 * @example
 * ```ts
 * const config: AdadeltaConfig = new Adadelta().getConfig();
 * config.rho;
 * ```
 */
export type AdadeltaConfig = OptimizerConfig & { rho: number; epsilon: number };

/**
 * Adadelta, Keras's `Adadelta` (learningRate 0.001, rho 0.95, epsilon 1e-7):
 *
 * ```
 * accGrad = rho * accGrad + (1 - rho) * g^2
 * delta = -sqrt(accDelta + eps) * g / sqrt(accGrad + eps)
 * accDelta = rho * accDelta + (1 - rho) * delta^2
 * w += lr * delta
 * ```
 * Slots: `accumulated_grad` and `accumulated_delta_var` (interleaved per variable).
 *
 * @example
 * ```ts
 * const opt = new Adadelta({ learningRate: 1.0 }); // the paper's form
 * ```
 */
export class Adadelta extends Optimizer {
  static readonly className = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super(options, { learningRate: 0.001, name: 'adadelta' });
    this.rho = checkRange('Adadelta', 'rho', options.rho ?? 0.95, 0, 1);
    this.epsilon = checkRange('Adadelta', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotGroups(): SlotSpec[][] {
    return [[{ name: 'accumulated_grad' }, { name: 'accumulated_delta_var' }]];
  }

  protected updateStep(g: Tensor, w: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const { accumulated_grad: accGrad, accumulated_delta_var: accDelta } = slots;
    const rms = (x: Tensor) => sqrt(add(x, this.epsilon));
    accGrad.assign(add(mul(accGrad, this.rho), mul(square(g), 1 - this.rho)));
    const delta = neg(div(mul(rms(accDelta), g), rms(accGrad)));
    accDelta.assign(add(mul(accDelta, this.rho), mul(square(delta), 1 - this.rho)));
    w.assign(add(w, mul(delta, lr)));
  }

  override getConfig(): AdadeltaConfig {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }

  /**
   * Rebuilds an Adadelta from its config (ours or Keras's).
   * @example
   * ```ts
   * Adadelta.fromConfig({ learning_rate: 1.0, rho: 0.9 });
   * ```
   */
  static fromConfig(config: Config): Adadelta {
    return new Adadelta({
      ...Optimizer.baseOptions('Adadelta', config, ['rho', 'epsilon']),
      rho: config.rho as number | undefined,
      epsilon: config.epsilon as number | undefined,
    });
  }
}
