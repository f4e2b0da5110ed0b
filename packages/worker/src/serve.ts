/**
 * The worker's side: `serveFit()` answers a {@link FitWorker} on the page. Importing this module
 * registers the CPU backend (a side effect, listed in package.json `sideEffects`); a worker file
 * is two lines:
 *
 * ```ts
 * // fit.worker.ts
 * import { serveFit } from '@tessera/worker/serve';
 * serveFit();
 * ```
 *
 * Register custom layers (`registerLayer`) in that file too: the model is rebuilt there from its
 * Keras config.
 *
 * @packageDocumentation
 */
import '@tessera/cpu-backend';
import { gemmThreadSplits, gemmThreadsAvailable, gemmThreadsReady } from '@tessera/cpu-backend';
import { compileFromConfig, modelFromJSON } from '@tessera/io';
import { LambdaCallback, ProgbarLogger, type Callback, type Model } from '@tessera/layers';
import { dispose, getBackend, setBackend, type Tensor } from '@tessera/tensor';
import { allToWire, buffers, fromWire, type FitWorkerInfo, type PageMessage, type WireModel, type WorkerMessage } from './protocol.js';
import { restoreWeights } from './weights.js';

/** Where the worker receives and sends messages: a Web Worker's `self` (the default), or a `MessagePort`. */
export interface FitScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

let info: Promise<FitWorkerInfo> | undefined;

/** Starts the CPU backend once and waits for its GEMM worker, where the runtime allows one. */
function startBackend(): Promise<FitWorkerInfo> {
  info ??= (async () => {
    await setBackend('cpu');
    const available = gemmThreadsAvailable();
    const ready = available && (await gemmThreadsReady());
    const g = globalThis as { crossOriginIsolated?: boolean };
    const whyNoThreads = ready
      ? ''
      : typeof SharedArrayBuffer !== 'function' || g.crossOriginIsolated === false
        ? 'the page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp), so there is no SharedArrayBuffer'
        : 'the CPU backend could not start its GEMM thread here';
    return { backend: getBackend(), gemmThreads: ready, whyNoThreads };
  })();
  return info;
}

/** Builds and compiles the page's model here, with its weights and optimizer state. */
function buildModel(wire: WireModel, warn: (m: string) => void): Model {
  const model = modelFromJSON(wire.json, { onWarning: warn });
  try {
    restoreWeights(model, wire.weights);
    compileFromConfig(model, wire.compile, { onWarning: warn });
    restoreWeights(model, [], wire.optimizer);
  } catch (e) {
    model.compiled?.optimizer.dispose();
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * Serves `fit` requests from a {@link FitWorker}: rebuilds the page's model (Keras JSON, compile
 * config, weights, optimizer state), trains it on the CPU backend with `fit`, streams
 * ProgbarLogger's output and each batch's and epoch's logs, and sends back the weights and the
 * optimizer state. One `fit` at a time; `stop` ends it after the current batch.
 * @param scope - where messages come from (default: the worker's global scope).
 * @example
 * ```ts
 * // fit.worker.ts, started on the page with
 * // new Worker(new URL('./fit.worker.ts', import.meta.url), { type: 'module' })
 * import { serveFit } from '@tessera/worker/serve';
 * serveFit();
 * ```
 */
export function serveFit(scope: FitScope = globalThis as unknown as FitScope): void {
  const send = (message: WorkerMessage, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  let current: { id: number; model: Model } | undefined;

  async function fit(m: Extract<PageMessage, { type: 'fit' }>): Promise<void> {
    const { id, options } = m;
    await startBackend();
    const model = buildModel(m.model, (text) => send({ type: 'progress', id, text: `warning: ${text}\n` }));
    current = { id, model };
    const owned: Tensor[] = [fromWire(m.x), fromWire(m.y)];
    const validation = m.validation ? ([fromWire(m.validation[0]), fromWire(m.validation[1])] as [Tensor, Tensor]) : undefined;
    if (validation) owned.push(...validation);
    // Samples per step, for the speed: Keras splits validation off at int(n * (1 - split)).
    const batchSize = options.batchSize ?? 32;
    const trainCount = options.validationSplit ? Math.floor(m.x.shape[0] * (1 - options.validationSplit)) : m.x.shape[0];
    let trainSeconds = 0;
    let samples = 0;
    const splitsBefore = gemmThreadSplits();
    // Training time: from each epoch's start to its last training batch's end (validation excluded).
    let epochStart = 0;
    let lastBatchEnd = 0;
    const callbacks: Callback[] = [
      new LambdaCallback({
        onEpochBegin: (epoch) => {
          epochStart = lastBatchEnd = performance.now();
          send({ type: 'epochBegin', id, epoch });
        },
        onTrainBatchEnd: (step, logs) => {
          lastBatchEnd = performance.now();
          samples += Math.min(batchSize, trainCount - step * batchSize);
          send({ type: 'batch', id, step, logs: logs ?? {} });
        },
        onEpochEnd: async (epoch, logs) => {
          trainSeconds += (lastBatchEnd - epochStart) / 1000;
          const weights = options.weightsEveryEpoch ? await allToWire(model.getWeights(), true) : undefined;
          send({ type: 'epoch', id, epoch, logs: logs ?? {}, weights }, buffers(weights ?? []));
        },
      }),
    ];
    if (options.verbose > 0) {
      const verbose = options.verbose as 1 | 2;
      callbacks.unshift(new ProgbarLogger({ verbose, dynamic: verbose === 1, interval: options.progressInterval, write: (text) => send({ type: 'progress', id, text }) }));
    }
    try {
      await model.fit(owned[0], owned[1], {
        batchSize: options.batchSize,
        epochs: options.epochs,
        initialEpoch: options.initialEpoch,
        shuffle: options.shuffle,
        validationSplit: options.validationSplit,
        validationBatchSize: options.validationBatchSize,
        validationData: validation,
        verbose: 0,
        callbacks,
      });
      const weights = await allToWire(model.getWeights(), true);
      const optimizer = await allToWire(model.compiled!.optimizer.getWeights(), true);
      const splitProducts = gemmThreadSplits() - splitsBefore;
      send({ type: 'done', id, weights, optimizer, samples, trainSeconds, splitProducts }, buffers([...weights, ...optimizer]));
    } finally {
      current = undefined;
      dispose(owned);
      // The optimizer's slots are its own, not the model's.
      model.compiled?.optimizer.dispose();
      model.dispose();
    }
  }

  scope.addEventListener('message', (event: MessageEvent) => {
    const m = event.data as PageMessage;
    if (m.type === 'hello') {
      startBackend().then(
        (i) => send({ type: 'ready', ...i }),
        (e: Error) => send({ type: 'error', id: -1, name: e.name, message: e.message }),
      );
    } else if (m.type === 'stop') {
      if (current?.id === m.id) current.model.stopTraining = true;
    } else if (m.type === 'fit') {
      fit(m).catch((e: Error) => send({ type: 'error', id: m.id, name: e?.name ?? 'Error', message: e?.message ?? String(e) }));
    }
  });
}
