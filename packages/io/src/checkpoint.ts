import { Callback, defaultWriter, Model, type Logs, type Writer } from '@tessera/layers';
import { ValueError } from '@tessera/tensor';
import { saveModel, saveWeights } from './api.js';
import { pyFormat } from './pyformat.js';

/** Options of {@link ModelCheckpoint} (Keras's arguments, camelCase). */
export interface ModelCheckpointOptions {
  /**
   * Where to save; Python format fields are filled from the epoch (1-based) and the logs,
   * as Keras: `'ckpt/weights.{epoch:02d}-{val_loss:.2f}.keras'`. `.keras` / `.h5` pick the
   * format; with `saveWeightsOnly`, `.weights.h5` (Keras 3) or `.h5` (Keras 2 layout).
   */
  filepath: string;
  /** The logged value that decides "best" (default `'val_loss'`). */
  monitor?: string;
  verbose?: 0 | 1;
  /** Save only when `monitor` improves. */
  saveBestOnly?: boolean;
  /** Save only the weights. */
  saveWeightsOnly?: boolean;
  /** `'auto'` (max for accuracy-like names, else min), `'min'` or `'max'`. */
  mode?: 'auto' | 'min' | 'max';
  /** `'epoch'` (default), or save every this many batches. */
  saveFreq?: 'epoch' | number;
  /** With `saveBestOnly`: the value to beat before the first save. */
  initialValueThreshold?: number;
  /** Where progress messages go (default: stdout). */
  write?: Writer;
}

/**
 * Saves the model (or its weights) during `fit`, as Keras's `ModelCheckpoint`: every
 * epoch, or only when the monitored value improves. Saves are atomic, so an interrupted
 * run leaves the last good checkpoint intact.
 * @example
 * ```ts
 * await model.fit(x, y, {
 *   epochs: 10,
 *   validationSplit: 0.1,
 *   callbacks: [new ModelCheckpoint({ filepath: 'best.keras', monitor: 'val_accuracy', saveBestOnly: true })],
 * });
 * ```
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  /** The best monitored value so far. */
  best: number;
  /** Paths written, in order. */
  readonly saved: string[] = [];
  private readonly mode: 'min' | 'max';
  private readonly verbose: 0 | 1;
  private readonly write: Writer | undefined;
  private currentEpoch = 0;
  private batchesSinceSave = 0;

  constructor(options: ModelCheckpointOptions) {
    super();
    if (!options || typeof options.filepath !== 'string' || options.filepath.length === 0) {
      throw new ValueError('ModelCheckpoint: expected a filepath');
    }
    this.filepath = options.filepath;
    this.monitor = options.monitor ?? 'val_loss';
    this.verbose = options.verbose ?? 0;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    this.write = options.write;
    const freq = options.saveFreq ?? 'epoch';
    if (freq !== 'epoch' && !(Number.isInteger(freq) && freq > 0)) {
      throw new ValueError(`ModelCheckpoint: saveFreq must be 'epoch' or a positive integer but got ${String(freq)}`);
    }
    this.saveFreq = freq;
    const mode = options.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new ValueError(`ModelCheckpoint: mode must be 'auto', 'min' or 'max' but got '${String(mode)}'`);
    this.mode = mode === 'auto' ? (this.monitor.includes('acc') || this.monitor.startsWith('fmeasure') ? 'max' : 'min') : mode;
    this.best = options.initialValueThreshold ?? (this.mode === 'min' ? Infinity : -Infinity);
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    this.batchesSinceSave += 1;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.save(this.currentEpoch, batch, logs);
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save(epoch, undefined, logs);
  }

  /** The path for an epoch (0-based, as `fit` counts) and logs, formatted as Keras does. */
  filePathFor(epoch: number, logs: Logs = {}, batch?: number): string {
    const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
    if (batch !== undefined && !('batch' in logs)) values.batch = batch + 1;
    return pyFormat(this.filepath, values);
  }

  private say(text: string): void {
    if (this.verbose > 0) (this.write ?? defaultWriter().write)(text);
  }

  private async save(epoch: number, batch: number | undefined, logs: Logs): Promise<void> {
    const model = this.model as unknown;
    if (!(model instanceof Model)) throw new ValueError('ModelCheckpoint: the callback is not attached to a Tessera Model');
    const path = this.filePathFor(epoch, logs, batch);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        this.say(`\nModelCheckpoint: can save best model only with ${this.monitor} available, skipping.\n`);
        return;
      }
      const better = this.mode === 'min' ? current < this.best : current > this.best;
      if (!better) {
        this.say(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${f5(this.best)}\n`);
        return;
      }
      this.say(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${f5(this.best)} to ${f5(current)}, saving model to ${path}\n`);
      this.best = current;
    } else {
      this.say(`\nEpoch ${epoch + 1}: saving model to ${path}\n`);
    }
    if (this.saveWeightsOnly) await saveWeights(model, path);
    else await saveModel(model, path);
    this.saved.push(path);
  }
}

/** Python's `{:.5f}` (with `inf`). */
function f5(v: number): string {
  return Number.isFinite(v) ? v.toFixed(5) : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}
