import { ValueError, add, applyAdam, div, maximum, mul, sqrt, square, sub, type Tensor, type Variable } from '@tessera/tensor';
import { hasFusedUpdate } from './fused.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions, type SlotSpec } from './optimizer.js';
import type { Config } from './schedules.js';
import { checkBoolean, checkRange } from './validate.js';

/**
 * Options of {@link Adam} and {@link AdamW}.
 * @example
 * ```ts
 * const options: AdamOptions = { beta1: 0.8, amsgrad: true };
 * new Adam(options);
 * ```
 */
export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first moment, in `[0, 1)` (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, in `[0, 1)` (default 0.999). */
  beta2?: number;
  /** Added to `sqrt(v)` (Kingma and Ba's "epsilon hat"; default 1e-7). */
  epsilon?: number;
  /** Use the AMSGrad variant (default false). */
  amsgrad?: boolean;
}

/**
 * {@link Adam}'s config: the base keys plus `beta_1`, `beta_2`, `epsilon`, `amsgrad`.
 * @example
 * ```ts
 * const config: AdamConfig = new Adam().getConfig();
 * config.amsgrad;
 * ```
 */
export type AdamConfig = OptimizerConfig & { beta_1: number; beta_2: number; epsilon: number; amsgrad: boolean };

const ADAM_KEYS = ['beta_1', 'beta_2', 'epsilon', 'amsgrad'];

/**
 * Adam, Keras's `Adam` (learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7, amsgrad false).
 * With `t = iterations + 1`:
 *
 * ```
 * alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 * m += (g - m) * (1 - beta1)
 * v += (g^2 - v) * (1 - beta2)
 * amsgrad: vHat = max(vHat, v), used in place of v
 * w -= m * alpha / (sqrt(v) + epsilon)
 * ```
 * Slots: `momentum` and `velocity` (interleaved per variable), then `velocity_hat` when amsgrad.
 *
 * @example
 * ```ts
 * const opt = new Adam({ learningRate: 1e-3, amsgrad: true });
 * opt.applyGradients([[grad, w]]);
 * ```
 */
export class Adam extends Optimizer {
  static readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamOptions = {}) {
    super(options, { learningRate: 0.001, name: 'adam' });
    const owner = this.className;
    this.beta1 = checkRange(owner, 'beta_1', options.beta1 ?? 0.9, 0, 1, true);
    this.beta2 = checkRange(owner, 'beta_2', options.beta2 ?? 0.999, 0, 1, true);
    this.epsilon = checkRange(owner, 'epsilon', options.epsilon ?? 1e-7, 0);
    this.amsgrad = checkBoolean(owner, 'amsgrad', options.amsgrad ?? false);
  }

  protected slotGroups(): SlotSpec[][] {
    const groups = [[{ name: 'momentum' }, { name: 'velocity' }]];
    if (this.amsgrad) groups.push([{ name: 'velocity_hat' }]);
    return groups;
  }

  protected updateStep(g: Tensor, w: Variable, slots: Readonly<Record<string, Variable>>, lr: number): void {
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    if (hasFusedUpdate('ApplyAdam')) this.fusedStep(g, w, slots, alpha);
    else this.opStep(g, w, slots, alpha);
  }

  /** The update in one `ApplyAdam` kernel. */
  private fusedStep(g: Tensor, w: Variable, slots: Readonly<Record<string, Variable>>, alpha: number): void {
    const { momentum: m, velocity: v, velocity_hat: vHat } = slots;
    // In place where nothing else shares the buffers (see applyAdam): the assignments below then keep them.
    const attrs = { alpha, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad, inPlace: true };
    const next = applyAdam({ variable: w, gradient: g, m, v, vHat: this.amsgrad ? vHat : undefined }, attrs);
    m.assign(next.m);
    v.assign(next.v);
    if (next.vHat) vHat.assign(next.vHat);
    w.assign(next.variable);
  }

  /** The update as elementwise ops, for backends without `ApplyAdam`. */
  private opStep(g: Tensor, w: Variable, slots: Readonly<Record<string, Variable>>, alpha: number): void {
    const { momentum: m, velocity: v, velocity_hat: vHat } = slots;
    m.assign(add(m, mul(sub(g, m), 1 - this.beta1)));
    v.assign(add(v, mul(sub(square(g), v), 1 - this.beta2)));
    let second: Tensor = v;
    if (this.amsgrad) {
      vHat.assign(maximum(vHat, v));
      second = vHat;
    }
    w.assign(sub(w, div(mul(m, alpha), add(sqrt(second), this.epsilon))));
  }

  override getConfig(): AdamConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }

  /** Reads Adam's own keys of a config into options. */
  protected static adamOptions(owner: string, config: Config): AdamOptions {
    return {
      ...Optimizer.baseOptions(owner, config, ADAM_KEYS),
      beta1: config.beta_1 as number | undefined,
      beta2: config.beta_2 as number | undefined,
      epsilon: config.epsilon as number | undefined,
      amsgrad: config.amsgrad as boolean | undefined,
    };
  }

  /**
   * Rebuilds an Adam from its config (ours or Keras's).
   * @example
   * ```ts
   * Adam.fromConfig({ learning_rate: 0.01, amsgrad: true });
   * ```
   */
  static fromConfig(config: Config): Adam {
    return new Adam(Adam.adamOptions('Adam', config));
  }
}

/**
 * Adam with decoupled weight decay, Keras's `AdamW`: Adam's defaults and update, with
 * `weightDecay` 0.004 by default, applied before each update as `w -= w * weightDecay * lr`.
 * `weightDecay: null` is an error (use Adam).
 *
 * @example
 * ```ts
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
 * opt.excludeFromWeightDecay({ names: ['bias'] });
 * ```
 */
export class AdamW extends Adam {
  static override readonly className: string = 'AdamW';

  constructor(options: AdamOptions = {}) {
    if (options.weightDecay === null) {
      throw new ValueError('AdamW: `weight_decay` must be a number but got null (use Adam for no weight decay)');
    }
    super({ ...options, name: options.name ?? 'adamw', weightDecay: options.weightDecay ?? 0.004 });
  }

  /**
   * Rebuilds an AdamW from its config (ours or Keras's).
   * @example
   * ```ts
   * AdamW.fromConfig({ weight_decay: 0.01 });
   * ```
   */
  static override fromConfig(config: Config): AdamW {
    return new AdamW(Adam.adamOptions('AdamW', config));
  }
}
