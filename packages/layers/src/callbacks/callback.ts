import type { Optimizer } from '@tessera/optimizers';
import type { Tensor } from '@tessera/tensor';

/** Values logged per batch or epoch: `{loss, accuracy, val_loss, ...}`. */
export type Logs = Record<string, number>;

/** What `fit` tells callbacks before training. */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  verbose: 0 | 1 | 2;
  /** Names of the logged values, in order (`loss`, metrics, then `val_` ones). */
  metrics: string[];
}

/** The part of a model that callbacks use. */
export interface CallbackModel {
  /** Set to true to stop `fit` after the current batch. */
  stopTraining: boolean;
  readonly optimizer: Optimizer | undefined;
  getWeights(): Tensor[];
  setWeights(values: readonly Tensor[]): void;
}

/**
 * The base of callbacks: override the hooks you need (each may be async; `fit`
 * awaits it). Keras's hook names, camelCase.
 * @example
 * ```ts
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs?: Logs) { console.log(epoch, logs?.loss); }
 * }
 * ```
 */
export class Callback {
  model!: CallbackModel;
  params!: TrainingParams;

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBegin(_logs?: Logs): void | Promise<void> {}
  onTestEnd(_logs?: Logs): void | Promise<void> {}
}

/** Hooks given as a plain object, as `new LambdaCallback({onEpochEnd: ...})`. */
export type CallbackHooks = Partial<
  Pick<
    Callback,
    'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onTrainBatchBegin' | 'onTrainBatchEnd' | 'onTestBegin' | 'onTestEnd'
  >
> & { onBatchBegin?: Callback['onTrainBatchBegin']; onBatchEnd?: Callback['onTrainBatchEnd'] };

/**
 * A callback from plain functions (Keras's `LambdaCallback`); `onBatchBegin`/`onBatchEnd`
 * are accepted as aliases of the train-batch hooks.
 * @example
 * ```ts
 * new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs) });
 * ```
 */
export class LambdaCallback extends Callback {
  constructor(hooks: CallbackHooks) {
    super();
    const { onBatchBegin, onBatchEnd, ...rest } = hooks;
    Object.assign(this, rest);
    if (onBatchBegin && !hooks.onTrainBatchBegin) this.onTrainBatchBegin = onBatchBegin;
    if (onBatchEnd && !hooks.onTrainBatchEnd) this.onTrainBatchEnd = onBatchEnd;
  }
}

/** Runs a list of callbacks in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}

  setModel(model: CallbackModel): void {
    for (const c of this.callbacks) c.setModel(model);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams(params);
  }

  async call<K extends keyof CallbackHooks & keyof Callback>(hook: K, ...args: Parameters<Callback[K]>): Promise<void> {
    for (const c of this.callbacks) {
      const fn = c[hook] as (...a: unknown[]) => void | Promise<void>;
      await fn.apply(c, args);
    }
  }
}
