import { add, div, mul, sqrt, square, sub, type Tensor, type Variable } from '@tessera/tensor';
import { Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotSpec } from './optimizer.js';
import type { Config } from './schedules.js';
import { checkRange } from './validate.js';

/**
 * Options of {@link Adagrad}.
 * @example
 * ```ts
 * const options: AdagradOptions = { initialAccumulatorValue: 0.01 };
 * new Adagrad(options);
 * ```
 */
export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the accumulators, >= 0 (default 0.1). */
  initialAccumulatorValue?: number;
  /** Added under the square root (default 1e-7). */
  epsilon?: number;
}

/**
 * {@link Adagrad}'s config: the base keys plus `initial_accumulator_value`, `epsilon`.
 * @example
 * ```ts
 * const config: AdagradConfig = new Adagrad().getConfig();
 * config.initial_accumulator_value;
 * ```
 */
export type AdagradConfig = OptimizerConfig & { initial_accumulator_value: number; epsilon: number };

/**
 * Adagrad, Keras's `Adagrad` (learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7):
 *
 * ```
 * acc += g^2
 * w -= lr * g / sqrt(acc + epsilon)
 * ```
 * Slot: `accumulator`, starting at `initialAccumulatorValue`.
 *
 * @example
 * ```ts
 * const opt = new Adagrad({ learningRate: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer {
  static readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super(options, { learningRate: 0.001, name: 'adagrad' });
    this.initialAccumulatorValue = checkRange('Adagrad', 'initial_accumulator_value', options.initialAccumulatorValue ?? 0.1, 0);
    this.epsilon = checkRange('Adagrad', 'epsilon', options.epsilon ?? 1e-7, 0);
  }

  protected slotGroups(): SlotSpec[][] {
    return [[{ name: 'accumulator', initialValue: this.initialAccumulatorValue }]];
  }

  protected updateStep(g: Tensor, w: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const acc = slots.accumulator;
    acc.assign(add(acc, square(g)));
    w.assign(sub(w, div(mul(g, lr), sqrt(add(acc, this.epsilon)))));
  }

  override getConfig(): AdagradConfig {
    return { ...super.getConfig(), initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  /**
   * Rebuilds an Adagrad from its config (ours or Keras's).
   * @example
   * ```ts
   * Adagrad.fromConfig({ learning_rate: 0.1, initial_accumulator_value: 0.01 });
   * ```
   */
  static fromConfig(config: Config): Adagrad {
    return new Adagrad({
      ...Optimizer.baseOptions('Adagrad', config, ['initial_accumulator_value', 'epsilon']),
      initialAccumulatorValue: config.initial_accumulator_value as number | undefined,
      epsilon: config.epsilon as number | undefined,
    });
  }
}
