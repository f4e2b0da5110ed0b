import { dispose, type Tensor } from '@tessera/tensor';
import { Callback, type Logs } from './callback.js';
import { defaultWriter, type Writer } from './progbar.js';
import { isImprovement, resolveMode, type MonitorMode } from './monitor.js';

/** Options of {@link EarlyStopping} (Keras's arguments, camelCase). */
export interface EarlyStoppingOptions {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  baseline?: number;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
  write?: Writer;
}

/**
 * Stops training when the monitored value has not improved for `patience` epochs.
 * @example
 * ```ts
 * new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
 * ```
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  /** The epoch at which training was stopped (0 if it was not). */
  stoppedEpoch = 0;
  /** Epoch of the best value. */
  bestEpoch = 0;
  private readonly mode: 'min' | 'max';
  private best = Infinity;
  private wait = 0;
  private bestWeights: Tensor[] | undefined;

  constructor(private readonly options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 0;
    this.minDelta = options.minDelta ?? 0;
    this.mode = resolveMode(options.mode ?? 'auto', this.monitor, 'EarlyStopping');
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = 0;
    this.dropSnapshot();
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      (this.options.write ?? defaultWriter().write)(
        `EarlyStopping: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})\n`,
      );
      return;
    }
    if (epoch < (this.options.startFromEpoch ?? 0)) return;
    if (this.options.restoreBestWeights && !this.bestWeights) this.bestWeights = this.model.getWeights();
    this.wait += 1;
    if (isImprovement(current, this.best, this.mode, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.options.restoreBestWeights) {
        this.dropSnapshot();
        this.bestWeights = this.model.getWeights();
      }
      const base = this.options.baseline;
      if (base === undefined || isImprovement(current, base, this.mode, this.minDelta)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.options.restoreBestWeights && this.bestWeights) {
        if (this.options.verbose) this.say(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.\n`);
        this.model.setWeights(this.bestWeights);
      }
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.options.verbose) this.say(`Epoch ${this.stoppedEpoch + 1}: early stopping\n`);
    this.dropSnapshot();
  }

  private say(text: string): void {
    (this.options.write ?? defaultWriter().write)(text);
  }

  private dropSnapshot(): void {
    if (this.bestWeights) dispose(this.bestWeights);
    this.bestWeights = undefined;
  }
}
