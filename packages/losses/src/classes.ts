import { ValueError, type Tensor } from '@tessera/tensor';
import { checkBoolean, checkDelta, checkIgnoreClass, checkLabelSmoothing } from './checks.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCrossentropyWithMask,
  type BinaryCrossentropyOptions,
  type CategoricalCrossentropyOptions,
  type SparseCategoricalCrossentropyOptions,
} from './crossentropy.js';
import { hinge } from './hinge.js';
import { klDivergence } from './kl_divergence.js';
import { Loss, checkOptionKeys, type LossConfig, type LossOptions } from './loss.js';
import { huber, meanAbsoluteError, meanSquaredError } from './regression.js';

function checkAxis(value: unknown, who: string): void {
  if (!Number.isInteger(value)) throw new ValueError(`${who}: expected axis to be an integer but got ${String(value)}`);
}

/**
 * The options and config shared by the categorical and binary crossentropies:
 * `fromLogits`, `labelSmoothing` and `axis`.
 */
abstract class SmoothedCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  protected constructor(options: CategoricalCrossentropyOptions & LossOptions, who: string, kerasName: string) {
    checkOptionKeys(options, ['fromLogits', 'labelSmoothing', 'axis'], who);
    super(options, kerasName);
    const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    checkBoolean(fromLogits, 'fromLogits', who);
    checkLabelSmoothing(labelSmoothing, who);
    checkAxis(axis, who);
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
  }

  override getConfig(): LossConfig {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis };
  }
}

/**
 * {@link categoricalCrossentropy} as a {@link Loss}: one-hot labels against class
 * probabilities (or logits). Keras id `'categorical_crossentropy'`.
 * @example
 * ```ts
 * const cce = new CategoricalCrossentropy({ labelSmoothing: 0.1 });
 * cce.compute(tensor([[0, 1, 0], [0, 0, 1]]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
 * ```
 */
export class CategoricalCrossentropy extends SmoothedCrossentropy {
  /** Keras's class name. */
  static readonly className = 'CategoricalCrossentropy';

  constructor(options: CategoricalCrossentropyOptions & LossOptions = {}) {
    super(options, 'CategoricalCrossentropy', 'categorical_crossentropy');
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalCrossentropy(yTrue, yPred, this);
  }
}

/**
 * {@link sparseCategoricalCrossentropy} as a {@link Loss}: integer labels against
 * class probabilities (or logits). With `ignoreClass`, samples of that label are left
 * out, and `'sum_over_batch_size'` averages over the others only (as Keras).
 * Keras id `'sparse_categorical_crossentropy'`.
 * @example
 * ```ts
 * const scce = new SparseCategoricalCrossentropy({ fromLogits: true });
 * scce.compute(tensor([1, 2], undefined, 'int32'), logits);
 * ```
 */
export class SparseCategoricalCrossentropy extends Loss {
  /** Keras's class name. */
  static readonly className = 'SparseCategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;

  constructor(options: SparseCategoricalCrossentropyOptions & LossOptions = {}) {
    const who = 'SparseCategoricalCrossentropy';
    checkOptionKeys(options, ['fromLogits', 'ignoreClass'], who);
    super(options, 'sparse_categorical_crossentropy');
    const { fromLogits = false, ignoreClass = null } = options;
    checkBoolean(fromLogits, 'fromLogits', who);
    checkIgnoreClass(ignoreClass, who);
    this.fromLogits = fromLogits;
    this.ignoreClass = ignoreClass;
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.callWithMask(yTrue, yPred).losses;
  }

  protected override callWithMask(yTrue: Tensor, yPred: Tensor): { losses: Tensor; mask?: Tensor } {
    const { losses, valid } = sparseCrossentropyWithMask(yTrue, yPred, this);
    return { losses, mask: valid };
  }

  override getConfig(): LossConfig {
    return { ...super.getConfig(), from_logits: this.fromLogits, ignore_class: this.ignoreClass };
  }
}

/**
 * {@link binaryCrossentropy} as a {@link Loss}: 0/1 targets against probabilities
 * (or logits), averaged over the last axis. Keras id `'binary_crossentropy'`.
 * @example
 * ```ts
 * const bce = new BinaryCrossentropy({ fromLogits: true });
 * bce.compute(tensor([[0, 1], [0, 0]]), tensor([[-18.6, 0.51], [2.94, -12.8]])); // 0.865
 * ```
 */
export class BinaryCrossentropy extends SmoothedCrossentropy {
  /** Keras's class name. */
  static readonly className = 'BinaryCrossentropy';

  constructor(options: BinaryCrossentropyOptions & LossOptions = {}) {
    super(options, 'BinaryCrossentropy', 'binary_crossentropy');
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryCrossentropy(yTrue, yPred, this);
  }
}

/**
 * {@link meanSquaredError} as a {@link Loss}. Keras ids `'mean_squared_error'`, `'mse'`.
 * @example
 * ```ts
 * new MeanSquaredError().compute(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [1, 0]])); // 0.5
 * ```
 */
export class MeanSquaredError extends Loss {
  /** Keras's class name. */
  static readonly className = 'MeanSquaredError';

  constructor(options: LossOptions = {}) {
    checkOptionKeys(options, [], 'MeanSquaredError');
    super(options, 'mean_squared_error');
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}

/**
 * {@link meanAbsoluteError} as a {@link Loss}. Keras ids `'mean_absolute_error'`, `'mae'`.
 * @example
 * ```ts
 * new MeanAbsoluteError().compute(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [1, 0]])); // 0.5
 * ```
 */
export class MeanAbsoluteError extends Loss {
  /** Keras's class name. */
  static readonly className = 'MeanAbsoluteError';

  constructor(options: LossOptions = {}) {
    checkOptionKeys(options, [], 'MeanAbsoluteError');
    super(options, 'mean_absolute_error');
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }
}

/**
 * {@link huber} as a {@link Loss}. Keras id `'huber'`; the default name is Keras's
 * `'huber_loss'`. Its config keeps `delta` (Keras 3 drops it; its `from_config`
 * accepts it back).
 * @example
 * ```ts
 * new Huber({ delta: 0.5 }).compute(yTrue, yPred);
 * ```
 */
export class Huber extends Loss {
  /** Keras's class name. */
  static readonly className = 'Huber';
  readonly delta: number;

  constructor(options: { delta?: number } & LossOptions = {}) {
    checkOptionKeys(options, ['delta'], 'Huber');
    super(options, 'huber_loss');
    const { delta = 1.0 } = options;
    checkDelta(delta, 'Huber');
    this.delta = delta;
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return huber(yTrue, yPred, this.delta);
  }

  override getConfig(): LossConfig {
    return { ...super.getConfig(), delta: this.delta };
  }
}

/**
 * {@link klDivergence} as a {@link Loss}. Keras ids `'kl_divergence'`, `'kld'`.
 * @example
 * ```ts
 * new KLDivergence().compute(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])); // 0.458
 * ```
 */
export class KLDivergence extends Loss {
  /** Keras's class name. */
  static readonly className = 'KLDivergence';

  constructor(options: LossOptions = {}) {
    checkOptionKeys(options, [], 'KLDivergence');
    super(options, 'kl_divergence');
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return klDivergence(yTrue, yPred);
  }
}

/**
 * {@link hinge} as a {@link Loss} (0/1 labels are mapped to -1/1). Keras id `'hinge'`.
 * @example
 * ```ts
 * new Hinge().compute(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])); // 1.3
 * ```
 */
export class Hinge extends Loss {
  /** Keras's class name. */
  static readonly className = 'Hinge';

  constructor(options: LossOptions = {}) {
    checkOptionKeys(options, [], 'Hinge');
    super(options, 'hinge');
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return hinge(yTrue, yPred);
  }
}
