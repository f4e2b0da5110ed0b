import { NonFiniteError, TesseraError } from '@tessera/tensor';
import type { History } from './callbacks/history.js';

/**
 * A model was asked to `fit`, `evaluate` or `trainOnBatch` while it was already running one
 * of these: the two would share its optimizer, its metrics and its stop flag. Train
 * different models at the same time freely; run the calls on one model one after another.
 * @example
 * ```ts
 * const first = model.fit(x, y);
 * await model.fit(x, y); // ConcurrentUseError: model 'sequential' is already running fit() ...
 * ```
 */
export class ConcurrentUseError extends TesseraError {}

/**
 * The loss became NaN or infinite during `fit`, which stops there (Keras needs the
 * `TerminateOnNaN` callback for this; passing that callback keeps Keras's behaviour:
 * `fit` then resolves). Says where it happened and the last finite loss, and carries the
 * History up to that batch.
 */
export class TrainingDivergedError extends NonFiniteError {
  constructor(
    message: string,
    /** 1-based epoch of the bad batch. */
    readonly epoch: number,
    /** 1-based batch within the epoch. */
    readonly batch: number,
    /** The last finite batch loss, if any. */
    readonly lastFiniteLoss: number | undefined,
    /** The History of the epochs completed before. */
    readonly history: History,
  ) {
    super(message);
  }
}
