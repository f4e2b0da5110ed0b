import { modelCompileConfig, modelToJSON } from '@tessera/io';
import { History, type Logs, type Model } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { allToWire, buffers, toWire, type FitWorkerInfo, type PageMessage, type WireTensor, type WorkerMessage } from './protocol.js';
import { restoreWeights } from './weights.js';

/** A worker (or a `MessagePort` to one): what {@link FitWorker} talks to. */
export interface WorkerLike {
  /** Sends a message, transferring the listed buffers. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Listens for the worker's messages. */
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** Stops listening. */
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** Ends the worker (a `Worker` has it; a `MessagePort` need not). */
  terminate?(): void;
}

/**
 * Data for {@link FitWorker.fit}: a tensor (its values are copied), or values with their shape,
 * whose buffer is transferred to the worker (it is detached on the page afterwards).
 */
export type WorkerData = Tensor | { values: Float32Array | Int32Array; shape: number[] };

/** Options of {@link FitWorker.fit}: Keras's `fit` options, and the page's callbacks. */
export interface WorkerFitArgs {
  /** Samples per step (Keras's default 32). */
  batchSize?: number;
  /** The epoch to stop after (default 1). */
  epochs?: number;
  /** The epoch to start at, to resume (default 0). */
  initialEpoch?: number;
  /** Shuffle the samples every epoch (default true). */
  shuffle?: boolean;
  /** Hold out this fraction of the samples (the last ones) for validation. */
  validationSplit?: number;
  /** Validation images and labels, sent with the data. */
  validationData?: [WorkerData, WorkerData];
  /** Batch size of the validation pass (default: `batchSize`). */
  validationBatchSize?: number;
  /**
   * ProgbarLogger in the worker, its output streamed to {@link WorkerFitArgs.onProgress}: 1 the
   * live bar, 2 one line per epoch, 0 none (default: 1 when `onProgress` is given, else 0).
   */
  verbose?: 0 | 1 | 2;
  /** Seconds between the live bar's redraws (default 0.1). */
  progressInterval?: number;
  /**
   * When the page's model receives the trained weights: `'end'` (default) once `fit` ends, or
   * `'epoch'` after every epoch too (before `onEpochEnd` runs, so it sees the epoch's weights).
   */
  syncWeights?: 'end' | 'epoch';
  /** ProgbarLogger's output, as it writes it (`\r` redraws the line, `\n` ends it). */
  onProgress?(text: string): void;
  /** An epoch starts in the worker. */
  onEpochBegin?(epoch: number): void;
  /** A step ended in the worker: its index in the epoch and the running logs (loss, metrics). */
  onBatchEnd?(step: number, logs: Logs): void;
  /** An epoch ended, with its logs (validation included); awaited before later messages are handled. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
}

/** What {@link FitWorker.fit} resolves to: the epochs' logs, and the worker's training speed. */
export interface WorkerFitResult {
  /** Keras's History: `history.history.loss`, one value per epoch. */
  history: History;
  /** Training samples per second in the worker (validation time excluded). */
  samplesPerSecond: number;
  /** Matrix products of this fit that ran split across the worker's two GEMM threads (0 on one thread). */
  splitProducts: number;
}

/**
 * Trains a model defined on the page inside a Web Worker, so the page's thread stays free while
 * it trains. The page keeps its model: `fit` sends its Keras JSON and compile config (from
 * `@tessera/io`), its weights and optimizer state and the data (transferred buffers); the worker
 * (see `serveFit` in `@tessera/worker/serve`) rebuilds it on the CPU backend, runs Keras's
 * `fit`, streams ProgbarLogger's output and each batch's and epoch's logs back, and the trained
 * weights and optimizer state return into the page's model. In a cross-origin-isolated page
 * (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`) the worker's GEMM runs on two threads.
 * @example
 * ```ts
 * const worker = new FitWorker(new Worker(new URL('./fit.worker.ts', import.meta.url), { type: 'module' }));
 * console.log(await worker.ready()); // { backend: 'cpu', gemmThreads: true, whyNoThreads: '' }
 * const { history } = await worker.fit(model, xTrain, yTrain, {
 *   batchSize: 128, epochs: 2, validationData: [xTest, yTest],
 *   onProgress: (text) => progressLine.write(text),
 * });
 * history.history.val_accuracy; // the page's model now holds the trained weights
 * ```
 */
export class FitWorker {
  private nextId = 1;
  private running: number | undefined;
  private started: Promise<FitWorkerInfo> | undefined;

  constructor(readonly worker: WorkerLike) {}

  /** Starts the worker's backend; resolves to what it runs on (whether its GEMM has two threads). */
  ready(): Promise<FitWorkerInfo> {
    this.started ??= new Promise((resolve, reject) => {
      const listener = (e: MessageEvent) => {
        const m = e.data as WorkerMessage;
        if (m.type === 'ready' || (m.type === 'error' && m.id === -1)) {
          this.worker.removeEventListener('message', listener);
          if (m.type === 'ready') resolve({ backend: m.backend, gemmThreads: m.gemmThreads, whyNoThreads: m.whyNoThreads });
          else reject(new Error(`the fit worker could not start its backend: ${m.message}`));
        }
      };
      this.worker.addEventListener('message', listener);
      this.post({ type: 'hello' });
    });
    return this.started;
  }

  /** True while a `fit` runs. */
  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /**
   * Trains `model` (compiled, built) in the worker on `x` and `y`; the page's model receives the
   * trained weights and optimizer state. One model input and output.
   * @returns the History of the epochs and the worker's samples/s.
   * @throws Error when a `fit` is already running here, when the model is not compiled or not
   *   built, and with the worker's error (its class name and message) when training fails there.
   */
  async fit(model: Model, x: WorkerData, y: WorkerData, args: WorkerFitArgs = {}): Promise<WorkerFitResult> {
    if (this.running !== undefined) throw new Error('FitWorker.fit: a fit is already running in this worker');
    if (!model.compiled) throw new Error(`FitWorker.fit: ${model.name} is not compiled: call model.compile() first`);
    if (!model.built) throw new Error(`FitWorker.fit: ${model.name} is not built: give its first layer an input shape`);
    const id = this.nextId++;
    this.running = id;
    try {
      await this.ready();
      const [wx, wy] = await Promise.all([wire(x), wire(y)]);
      const validation = args.validationData ? ((await Promise.all(args.validationData.map(wire))) as [WireTensor, WireTensor]) : undefined;
      const weights = await allToWire(model.getWeights(), true);
      const optimizer = await allToWire(model.compiled.optimizer.getWeights(), true);
      const message: PageMessage = {
        type: 'fit',
        id,
        model: { json: modelToJSON(model), compile: modelCompileConfig(model), weights, optimizer },
        x: wx,
        y: wy,
        validation,
        options: {
          batchSize: args.batchSize,
          epochs: args.epochs,
          initialEpoch: args.initialEpoch,
          shuffle: args.shuffle,
          validationSplit: args.validationSplit,
          validationBatchSize: args.validationBatchSize,
          verbose: args.verbose ?? (args.onProgress ? 1 : 0),
          progressInterval: args.progressInterval ?? 0.1,
          weightsEveryEpoch: args.syncWeights === 'epoch',
        },
      };
      const transfer = buffers([wx, wy, ...(validation ?? []), ...weights, ...optimizer]);
      return await this.follow(id, model, args, () => this.post(message, transfer));
    } finally {
      this.running = undefined;
    }
  }

  /** Ends the running `fit` after its current batch (Keras's `model.stop_training = True`). */
  stop(): void {
    if (this.running !== undefined) this.post({ type: 'stop', id: this.running });
  }

  /** Ends the worker (a running `fit` never resolves). */
  terminate(): void {
    this.worker.terminate?.();
  }

  private post(message: PageMessage, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Dispatches the worker's messages for one fit, in order, until it is done. */
  private follow(id: number, model: Model, args: WorkerFitArgs, start: () => void): Promise<WorkerFitResult> {
    const history = new History();
    return new Promise<WorkerFitResult>((resolve, reject) => {
      // Messages are handled one after another, so an async onEpochEnd finishes before the next batch's logs.
      let chain = Promise.resolve();
      const listener = (e: MessageEvent) => {
        const m = e.data as WorkerMessage;
        if (!('id' in m) || m.id !== id) return;
        chain = chain.then(() => handle(m)).catch((err: Error) => finish(err));
      };
      const finish = (err?: Error, result?: WorkerFitResult) => {
        this.worker.removeEventListener('message', listener);
        if (err) reject(err);
        else resolve(result!);
      };
      const handle = async (m: WorkerMessage) => {
        switch (m.type) {
          case 'progress':
            args.onProgress?.(m.text);
            break;
          case 'epochBegin':
            args.onEpochBegin?.(m.epoch);
            break;
          case 'batch':
            args.onBatchEnd?.(m.step, m.logs);
            break;
          case 'epoch':
            if (m.weights) restoreWeights(model, m.weights);
            history.onEpochEnd(m.epoch, m.logs);
            await args.onEpochEnd?.(m.epoch, m.logs);
            break;
          case 'done':
            restoreWeights(model, m.weights, m.optimizer);
            finish(undefined, { history, samplesPerSecond: m.trainSeconds > 0 ? m.samples / m.trainSeconds : 0, splitProducts: m.splitProducts });
            break;
          case 'error': {
            const err = new Error(`training in the worker failed: ${m.name}: ${m.message}`);
            err.name = m.name;
            finish(err);
            break;
          }
        }
      };
      this.worker.addEventListener('message', listener);
      start();
    });
  }
}

/** Data as it crosses: a tensor's values copied, or the caller's buffer as is (transferred). */
async function wire(d: WorkerData): Promise<WireTensor> {
  if (!('values' in d)) return toWire(d);
  const { values, shape } = d;
  return { values, shape: [...shape], dtype: values instanceof Int32Array ? 'int32' : 'float32' };
}
