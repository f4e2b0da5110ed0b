import { Callback, type Logs } from './callback.js';
import { defaultWriter, type Writer } from './progbar.js';

/**
 * Stops training at the first batch whose loss is NaN or infinite, saying which batch.
 * @example
 * ```ts
 * await model.fit(x, y, { callbacks: [new TerminateOnNaN()] });
 * ```
 */
export class TerminateOnNaN extends Callback {
  /** `{epoch, batch}` of the invalid loss, once seen. */
  terminatedAt: { epoch: number; batch: number } | undefined;
  private epoch = 0;

  constructor(private readonly write: Writer = defaultWriter().write) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.terminatedAt = { epoch: this.epoch, batch };
      this.write(`\nBatch ${batch}: Invalid loss, terminating training (epoch ${this.epoch + 1}, loss ${loss})\n`);
      this.model.stopTraining = true;
    }
  }
}
