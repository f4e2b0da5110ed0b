import { add, applySGD, mul, sub, type Tensor, type Variable } from '@tessera/tensor';
import { hasFusedUpdate } from './fused.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotSpec } from './optimizer.js';
import type { Config } from './schedules.js';
import { checkBoolean, checkRange } from './validate.js';

/**
 * Options of {@link SGD}.
 * @example
 * ```ts
 * const options: SGDOptions = { learningRate: 0.1, momentum: 0.9 };
 * new SGD(options);
 * ```
 */
export interface SGDOptions extends OptimizerOptions {
  /** In `[0, 1]`; 0 (the default) is plain gradient descent. */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/**
 * {@link SGD}'s config: the base keys plus `momentum`, `nesterov`.
 * @example
 * ```ts
 * const config: SGDConfig = new SGD().getConfig();
 * config.momentum;
 * ```
 */
export type SGDConfig = OptimizerConfig & { momentum: number; nesterov: boolean };

/**
 * Gradient descent with optional (Nesterov) momentum, Keras's `SGD`
 * (learningRate 0.01, momentum 0, nesterov false):
 *
 * ```
 * momentum = 0:  w -= lr * g
 * otherwise:     m = momentum * m - lr * g
 *                w += m                           (nesterov: w += momentum * m - lr * g)
 * ```
 * Slot per variable: `momentum` (only when momentum > 0).
 *
 * @example
 * ```ts
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * opt.applyGradients([[grad, w]]);
 * ```
 */
export class SGD extends Optimizer {
  static readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(options, { learningRate: 0.01, name: 'SGD' });
    this.momentum = checkRange('SGD', 'momentum', options.momentum ?? 0, 0, 1);
    this.nesterov = checkBoolean('SGD', 'nesterov', options.nesterov ?? false);
  }

  protected slotGroups(): SlotSpec[][] {
    return this.momentum !== 0 ? [[{ name: 'momentum' }]] : [];
  }

  protected updateStep(g: Tensor, v: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    if (hasFusedUpdate('ApplySGD')) this.fusedStep(g, v, slots, lr);
    else this.opStep(g, v, slots, lr);
  }

  /** The update in one `ApplySGD` kernel. */
  private fusedStep(g: Tensor, v: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const m = this.momentum !== 0 ? slots.momentum : undefined;
    // In place where nothing else shares the buffers (see applySGD): the assignments below then keep them.
    const next = applySGD({ variable: v, gradient: g, momentum: m }, { learningRate: lr, momentum: this.momentum, nesterov: this.nesterov, inPlace: true });
    if (m) m.assign(next.momentum!);
    v.assign(next.variable);
  }

  /** The update as elementwise ops, for backends without `ApplySGD`. */
  private opStep(g: Tensor, v: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    if (this.momentum === 0) {
      v.assign(sub(v, mul(g, lr)));
      return;
    }
    const m = slots.momentum;
    const step = mul(g, lr);
    m.assign(sub(mul(m, this.momentum), step));
    v.assign(add(v, this.nesterov ? sub(mul(m, this.momentum), step) : m));
  }

  override getConfig(): SGDConfig {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }

  /**
   * Rebuilds an SGD from its config (ours or Keras's).
   * @example
   * ```ts
   * SGD.fromConfig({ learning_rate: 0.1, momentum: 0.9 });
   * ```
   */
  static fromConfig(config: Config): SGD {
    return new SGD({
      ...Optimizer.baseOptions('SGD', config, ['momentum', 'nesterov']),
      momentum: config.momentum as number | undefined,
      nesterov: config.nesterov as boolean | undefined,
    });
  }
}
