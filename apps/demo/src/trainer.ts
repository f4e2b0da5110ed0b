/**
 * One training session: a compiled model and the tensors of the examples it trains and is
 * validated on. `train()` runs Keras's `fit` up to the chosen number of epochs; `stop()` ends it
 * after the current batch and a later `train()` resumes at the next epoch. Events report each
 * batch (Keras's progress line, samples/s) and each epoch (the logs, validation included).
 * Given a {@link FitWorker}, `fit` runs in that Web Worker (the page's model receives the weights
 * after every epoch); otherwise on the page's thread, on the current backend.
 */
import { LambdaCallback, ProgbarLogger, type Logs, type Sequential } from '@tessera/layers';
import { getOptimizer } from '@tessera/optimizers';
import type { Tensor } from '@tessera/tensor';
import type { FitWorker } from '@tessera/worker';
import { imagesTensor, labelsTensor, type DemoDataset } from './data.js';

export type OptimizerId = 'adam' | 'sgd' | 'rmsprop' | 'adagrad';

export interface TrainSettings {
  optimizer: OptimizerId;
  learningRate: number;
  batchSize: number;
  /** Total epochs; resuming continues up to this many. */
  epochs: number;
  /** Training examples used (the first n of the training split). */
  trainCount: number;
  /** Validation examples (the first n of the test split). */
  valCount: number;
}

export interface BatchReport {
  epoch: number;
  /** Epochs' worth of batches trained so far, over every run: the charts' x (always increasing). */
  position: number;
  logs: Logs;
  /** Keras's live progress line. */
  progress: string;
  /** Training throughput over the last batches. */
  samplesPerSecond: number;
}

export interface TrainerEvents {
  batch(report: BatchReport): void;
  /** After each epoch, with its logs (validation included) and Keras's final line of the epoch. */
  epoch(epoch: number, logs: Logs, progress: string, position: number): void | Promise<void>;
}

/** Keeps the line that ProgbarLogger is redrawing (it writes `\r` then the new text). */
class ProgressLine {
  private current = '';
  private last = '';
  readonly write = (text: string): void => {
    for (const part of text.split(/(\r|\n)/)) {
      if (part === '\r') this.current = '';
      else if (part === '\n') {
        if (this.current.trim()) this.last = this.current;
        this.current = '';
      } else this.current += part;
    }
  };
  text(): string {
    return this.current.trim() ? this.current : this.last;
  }
}

export class Trainer {
  readonly xTrain: Tensor;
  readonly yTrain: Tensor;
  readonly xVal: Tensor;
  readonly yVal: Tensor;
  /** Epochs completed so far. */
  epochsDone = 0;
  /** Batches trained so far, over every run (a stopped epoch's batches count). */
  stepsDone = 0;
  private running = false;
  private worker: FitWorker | undefined;
  /** What the last `fit` in a worker measured there: samples/s, and products split across its two GEMM threads. */
  workerRun: { samplesPerSecond: number; splitProducts: number } | undefined;

  constructor(
    readonly model: Sequential,
    readonly data: DemoDataset,
    readonly settings: TrainSettings,
  ) {
    const trainCount = Math.min(settings.trainCount, data.train.count);
    const valCount = Math.min(settings.valCount, data.test.count);
    this.xTrain = imagesTensor(data, data.train, 0, trainCount);
    this.yTrain = labelsTensor(data, data.train, 0, trainCount);
    this.xVal = imagesTensor(data, data.test, 0, valCount);
    this.yVal = labelsTensor(data, data.test, 0, valCount);
    if (!model.compiled) this.compile();
  }

  /** Compiles with the chosen optimizer (a model loaded from a file may bring its own). */
  compile(): void {
    const optimizer = getOptimizer({ class_name: this.settings.optimizer, config: { learning_rate: this.settings.learningRate } });
    this.model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  }

  get isRunning(): boolean {
    return this.running;
  }

  get finished(): boolean {
    return this.epochsDone >= this.settings.epochs;
  }

  /** Trains from the next epoch to `settings.epochs` (or until {@link stop}), in `worker` when given. */
  async train(events: TrainerEvents, worker?: FitWorker): Promise<void> {
    if (this.running) throw new Error('training is already running');
    this.running = true;
    const line = new ProgressLine();
    const progbar = new ProgbarLogger({ verbose: 1, write: line.write, dynamic: true, interval: 0.1 });
    const { batchSize } = this.settings;
    const steps = Math.ceil(this.xTrain.shape[0] / batchSize);
    const times: number[] = [];
    let epoch = this.epochsDone;
    let lastStep = -1;
    const tracker = new LambdaCallback({
      onEpochBegin: (e) => {
        epoch = e;
        lastStep = -1;
        times.length = 0;
        times.push(performance.now());
      },
      onTrainBatchEnd: (step, logs) => {
        this.stepsDone++;
        lastStep = step;
        times.push(performance.now());
        if (times.length > 21) times.shift();
        const samplesPerSecond = ((times.length - 1) * batchSize * 1000) / (times[times.length - 1] - times[0]);
        events.batch({ epoch, position: this.stepsDone / steps, logs: logs ?? {}, progress: line.text(), samplesPerSecond });
      },
      onEpochEnd: async (e, logs) => {
        // An epoch cut short by stop() is trained again from its start on resume.
        if (lastStep === steps - 1) this.epochsDone = e + 1;
        await events.epoch(e, logs ?? {}, line.text(), this.stepsDone / steps);
      },
    });
    const options = {
      batchSize,
      epochs: this.settings.epochs,
      initialEpoch: this.epochsDone,
      shuffle: true,
      validationData: [this.xVal, this.yVal] as [Tensor, Tensor],
    };
    try {
      if (worker) {
        this.worker = worker;
        // The same hooks, fed by the worker's messages; ProgbarLogger runs there and its output streams here.
        const { samplesPerSecond, splitProducts } = await worker.fit(this.model, this.xTrain, this.yTrain, {
          ...options,
          verbose: 1,
          progressInterval: 0.1,
          syncWeights: 'epoch',
          onProgress: line.write,
          onEpochBegin: (e) => tracker.onEpochBegin?.(e),
          onBatchEnd: (step, logs) => tracker.onTrainBatchEnd?.(step, logs),
          onEpochEnd: (e, logs) => tracker.onEpochEnd?.(e, logs),
        });
        this.workerRun = { samplesPerSecond, splitProducts };
      } else {
        await this.model.fit(this.xTrain, this.yTrain, { ...options, verbose: 0, callbacks: [progbar, tracker] });
      }
    } finally {
      this.running = false;
      this.worker = undefined;
    }
  }

  /** Ends training after the current batch. */
  stop(): void {
    if (!this.running) return;
    if (this.worker) this.worker.stop();
    else this.model.stopTraining = true;
  }

  /** Frees the example tensors (the model is disposed by its owner). */
  dispose(): void {
    for (const t of [this.xTrain, this.yTrain, this.xVal, this.yVal]) t.dispose();
  }
}
