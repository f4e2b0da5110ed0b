/**
 * Training off the page's thread: {@link FitWorker} trains a model defined on the page inside a
 * Web Worker that runs `serveFit` (from `@tessera/worker/serve`), and returns the weights.
 *
 * @packageDocumentation
 */
export { FitWorker, type WorkerLike, type WorkerData, type WorkerFitArgs, type WorkerFitResult } from './fit_worker.js';
export type { FitWorkerInfo, WireTensor } from './protocol.js';
