/**
 * What a playground snippet can import besides the @tessera packages: the page's log, its loss
 * chart and its data. Type declarations only; the page supplies the implementation
 * (see controller.ts).
 */
declare module 'playground' {
  import type { Callback, History, Model } from '@tessera/layers';
  import type { Tensor } from '@tessera/tensor';

  /** Options of {@link fit}: Keras's `fit` options, and how the page shows it. */
  export interface FitOptions {
    batchSize?: number;
    epochs?: number;
    initialEpoch?: number;
    shuffle?: boolean;
    validationSplit?: number;
    validationData?: [Tensor, Tensor];
    /** ProgbarLogger in the log: 1 the live bar (default), 2 one line per epoch, 0 none. */
    verbose?: 0 | 1 | 2;
    /** Plot the running loss every this many batches (default 1). */
    every?: number;
  }
  /**
   * Keras's `model.fit(x, y, options)`, trained off the page's thread: on the CPU backend the
   * model (compiled, built, defined here) trains in a Web Worker, whose ProgbarLogger lines and
   * logs stream back into the log and the loss chart; the trained weights return into `model`
   * (so `predict` and `evaluate` afterwards use them). On WebGPU, where Workers are
   * unavailable, or when "Train in" says "page", it trains on the page's thread. Stop ends it
   * after the current batch. Resolves to the History; the log's last line gives samples/s.
   * One model input and output; the worker rebuilds the model from its Keras config.
   */
  export function fit(model: Model, x: Tensor, y: Tensor, options?: FitOptions): Promise<History>;

  /** URL prefix of the MNIST subset served with the site (gzipped IDX files): `mnist.loadData({source: mnistUrl, verify: false})`. */
  export const mnistUrl: string;
  /** The backend the snippet runs on: `'webgpu'` or `'cpu'`. */
  export const backend: string;
  /** Writes raw text into the log (`'\r'` returns to the start of the line): ProgbarLogger's `write`. */
  export function write(text: string): void;
  /** Prints values as one line of the log, like `console.log`. */
  export function print(...values: unknown[]): void;
  /** Options of {@link lossCurve}. */
  export interface LossCurveOptions {
    /** Plot the running loss every this many batches (default 1). */
    every?: number;
  }
  /** For `model.fit` on the page's thread: a callback that draws `loss` (per batch) and `val_loss` (per epoch) live, and stops `fit` when the page's Stop is pressed. */
  export function lossCurve(options?: LossCurveOptions): Callback;
}

declare module '*?raw' {
  const text: string;
  export default text;
}
