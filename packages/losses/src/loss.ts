import { Tensor, ValueError, cast, logicalAnd, tidy, toTensor, type TensorOrLike } from '@tessera/tensor';
import { squeezeOrExpandToSameRank } from './checks.js';
import { reduceWeightedValues, standardizeReduction, type Reduction } from './reduction.js';

/**
 * Options every {@link Loss} takes.
 * @example
 * ```ts
 * new MeanSquaredError({ name: 'mse', reduction: 'sum' });
 * ```
 */
export interface LossOptions {
  /** The loss's name (defaults to the snake_case class name, e.g. `'categorical_crossentropy'`). */
  name?: string;
  /** How {@link Loss.compute} reduces the per-sample losses. Default `'sum_over_batch_size'`. */
  reduction?: Reduction | null;
}

/**
 * A loss's configuration, in Keras's JSON shape (snake_case keys).
 * @example
 * ```ts
 * const config: LossConfig = { name: 'huber_loss', reduction: 'sum_over_batch_size', delta: 1 };
 * Huber.fromConfig(config);
 * ```
 */
export interface LossConfig {
  name: string;
  reduction: Reduction;
  [key: string]: unknown;
}

/**
 * A plain loss function: per-sample losses from targets and predictions.
 * @example
 * ```ts
 * const meanCubicError: LossFunction = (yTrue, yPred) => mean(abs(pow(sub(yTrue, yPred), 3)), -1);
 * ```
 */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** `'my_loss'` from `'MyLoss'`, as Keras names instances. */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Throws a ValueError naming `who` when `options` has a key that is neither a
 * {@link LossOptions} key nor in `allowed`.
 */
export function checkOptionKeys(options: object, allowed: readonly string[], who: string): void {
  const known = ['name', 'reduction', ...allowed];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(`${who}: unknown option '${key}' (expected ${known.map((k) => `'${k}'`).join(', ')})`);
    }
  }
}

/**
 * Base class of every loss, as Keras's `keras.losses.Loss`: `call` computes per-sample
 * losses, `compute` weighs and reduces them, `getConfig`/`fromConfig` round-trip it
 * through Keras's JSON. Subclass it and implement `call` for a custom loss.
 *
 * @example
 * ```ts
 * class MeanCubicError extends Loss {
 *   call(yTrue: Tensor, yPred: Tensor) {
 *     return mean(abs(pow(sub(yTrue, yPred), 3)), -1);
 *   }
 * }
 * const loss = new MeanCubicError();               // name 'mean_cubic_error'
 * loss.compute(tensor([[1, 2]]), tensor([[0, 0]])); // 4.5
 * ```
 */
export abstract class Loss {
  /** The loss's name (Keras's `name`). */
  readonly name: string;
  /** How {@link Loss.compute} reduces the per-sample losses. */
  readonly reduction: Reduction;

  /**
   * @param options - `name` and `reduction`.
   * @param defaultName - the name when `options.name` is not given (subclasses pass
   *   Keras's default); otherwise the snake_case class name.
   */
  constructor(options: LossOptions = {}, defaultName?: string) {
    const who = new.target.name;
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new ValueError(`${who}: expected name to be a non-empty string but got ${String(options.name)}`);
    }
    this.name = options.name ?? defaultName ?? snakeCase(who);
    this.reduction = standardizeReduction(options.reduction, who);
  }

  /**
   * The per-sample losses, unreduced (shape: the batch dimensions).
   * @example
   * ```ts
   * new MeanSquaredError().call(tensor([[1, 2]]), tensor([[0, 0]])); // [2.5]
   * ```
   */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /**
   * Per-sample losses and, if some samples must not count, their mask (true where a
   * sample counts). Override instead of `call` when a loss masks samples out.
   */
  protected callWithMask(yTrue: Tensor, yPred: Tensor): { losses: Tensor; mask?: Tensor } {
    return { losses: this.call(yTrue, yPred) };
  }

  /**
   * The loss as Keras's `loss(y_true, y_pred, sample_weight)`: per-sample losses, times
   * `sampleWeight` when given (e.g. shape `[batch]`), reduced by `this.reduction`. A `mask`
   * (Keras's mask of `yPred`, e.g. `[batch, steps]` false at padded steps) leaves the masked
   * losses out: the mean is over the unmasked ones, as Keras's masked reduction.
   * @returns a scalar, or the weighted per-sample losses with reduction `'none'`.
   * @example
   * ```ts
   * const cce = new CategoricalCrossentropy();
   * cce.compute(tensor([[0, 1, 0], [0, 0, 1]]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])); // 1.177
   * ```
   */
  compute(yTrue: TensorOrLike, yPred: TensorOrLike, sampleWeight?: TensorOrLike, mask?: Tensor): Tensor {
    return tidy(() => {
      const t = toTensor(yTrue, 'yTrue', this.name);
      const p = toTensor(yPred, 'yPred', this.name);
      const { losses, mask: own } = this.callWithMask(t, p);
      if (!(losses instanceof Tensor)) {
        throw new ValueError(`${this.name}: call() must return a Tensor of per-sample losses but returned ${typeof losses}`);
      }
      const both = mask === undefined ? own : own === undefined ? mask : logicalAnd(cast(mask, 'bool'), cast(own, 'bool'));
      return reduceWeightedValues(losses, this.reduction, this.name, sampleWeight, both);
    });
  }

  /**
   * The constructor arguments in Keras's JSON shape, e.g.
   * `{name: 'categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: false, label_smoothing: 0, axis: -1}`.
   * @example
   * ```ts
   * new Huber({ delta: 2 }).getConfig(); // {name: 'huber_loss', reduction: 'sum_over_batch_size', delta: 2}
   * ```
   */
  getConfig(): LossConfig {
    return { name: this.name, reduction: this.reduction };
  }

  /**
   * Creates the loss from {@link Loss.getConfig}'s output (or a Keras config): snake_case
   * keys become the camelCase options; Keras's `dtype` is accepted and ignored.
   * @example
   * ```ts
   * CategoricalCrossentropy.fromConfig({ name: 'cce', reduction: 'sum', from_logits: true });
   * ```
   */
  static fromConfig<T extends Loss>(this: new (options?: never) => T, config: Partial<LossConfig> = {}): T {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ValueError(`${this.name}.fromConfig: expected a config object but got ${JSON.stringify(config)}`);
    }
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) if (key !== 'dtype') options[camelCase(key)] = value;
    return new this(options as never);
  }
}

/**
 * A {@link Loss} around a plain loss function (Keras's `LossFunctionWrapper`): `getLoss`
 * wraps functions in it, so every loss has `compute`, sample weights and reductions.
 *
 * @example
 * ```ts
 * const logCosh = (yTrue: Tensor, yPred: Tensor) => mean(log(cosh(sub(yPred, yTrue))), -1);
 * const loss = new LossFunctionWrapper(logCosh, { name: 'log_cosh' });
 * loss.compute(yTrue, yPred);
 * ```
 */
export class LossFunctionWrapper extends Loss {
  /** The wrapped function. */
  readonly fn: LossFunction;

  /**
   * @param fn - per-sample losses from `(yTrue, yPred)`.
   * @param options - `name` (default: the function's name in snake_case) and `reduction`.
   */
  constructor(fn: LossFunction, options: LossOptions = {}) {
    if (typeof fn !== 'function') throw new ValueError(`LossFunctionWrapper: expected a function but got ${typeof fn}`);
    checkOptionKeys(options, [], 'LossFunctionWrapper');
    super(options, fn.name ? snakeCase(fn.name) : 'loss');
    this.fn = fn;
  }

  /** `fn(yTrue, yPred)`, after `[batch]` and `[batch, 1]` are aligned as Keras's wrapper does. */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.fn(...squeezeOrExpandToSameRank(yTrue, yPred));
  }
}
