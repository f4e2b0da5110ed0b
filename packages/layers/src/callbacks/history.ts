import { Callback, type Logs } from './callback.js';

/**
 * Records every epoch's logs; `fit` returns it.
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 5 });
 * history.history.loss; // [0.51, 0.32, ...]
 * ```
 */
export class History extends Callback {
  /** Epoch indices that ran. */
  readonly epoch: number[] = [];
  /** Per log name, one value per epoch. */
  readonly history: Record<string, number[]> = {};

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}
