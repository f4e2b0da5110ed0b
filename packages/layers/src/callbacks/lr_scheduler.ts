import { ValueError } from '@tessera/tensor';
import { Callback, type Logs } from './callback.js';
import { defaultWriter, type Writer } from './progbar.js';
import { isImprovement, resolveMode } from './monitor.js';

function currentLr(cb: Callback, owner: string): number {
  const opt = cb.model.optimizer;
  if (!opt) throw new ValueError(`${owner}: the model has no optimizer; compile it first`);
  return opt.currentLearningRate();
}

/**
 * Sets the learning rate at the start of each epoch from `schedule(epoch, lr)`
 * (Keras's `LearningRateScheduler`), and logs it as `learning_rate`.
 * @example
 * ```ts
 * new LearningRateScheduler((epoch) => 0.01 * 0.6 ** epoch);
 * ```
 */
export class LearningRateScheduler extends Callback {
  constructor(
    private readonly schedule: (epoch: number, lr: number) => number,
    private readonly verbose: 0 | 1 = 0,
    private readonly write: Writer = defaultWriter().write,
  ) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const lr = this.schedule(epoch, currentLr(this, 'LearningRateScheduler'));
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      throw new ValueError(`LearningRateScheduler: the schedule must return a finite number but returned ${String(lr)} at epoch ${epoch}`);
    }
    this.model.optimizer!.learningRate = lr;
    if (this.verbose) this.write(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.\n`);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs) logs.learning_rate = currentLr(this, 'LearningRateScheduler');
  }
}

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  monitor?: string;
  factor?: number;
  patience?: number;
  verbose?: 0 | 1;
  mode?: 'auto' | 'min' | 'max';
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
  write?: Writer;
}

/**
 * Multiplies the learning rate by `factor` when the monitored value stops improving
 * for `patience` epochs.
 * @example
 * ```ts
 * new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5, minLr: 0.001 });
 * ```
 */
export class ReduceLROnPlateau extends Callback {
  private readonly monitor: string;
  private readonly factor: number;
  private readonly mode: 'min' | 'max';
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(private readonly options: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    this.factor = options.factor ?? 0.1;
    if (this.factor >= 1) throw new ValueError(`ReduceLROnPlateau: factor must be < 1 but got ${this.factor}`);
    this.mode = resolveMode(options.mode ?? 'auto', this.monitor, 'ReduceLROnPlateau');
  }

  override onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    logs.learning_rate = currentLr(this, 'ReduceLROnPlateau');
    const current = logs[this.monitor];
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (isImprovement(current, this.best, this.mode, this.options.minDelta ?? 1e-4)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      if (this.wait >= (this.options.patience ?? 10)) {
        const old = currentLr(this, 'ReduceLROnPlateau');
        const minLr = this.options.minLr ?? 0;
        if (old > minLr) {
          const next = Math.max(old * this.factor, minLr);
          this.model.optimizer!.learningRate = next;
          if (this.options.verbose) {
            (this.options.write ?? defaultWriter().write)(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.\n`);
          }
          this.cooldownCounter = this.options.cooldown ?? 0;
          this.wait = 0;
        }
      }
    }
  }
}
