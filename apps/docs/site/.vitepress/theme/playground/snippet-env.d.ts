/**
 * What a playground snippet can import besides the @tessera packages: the page's log, its loss
 * chart and its data. Type declarations only; the page supplies the implementation
 * (see controller.ts).
 */
declare module 'playground' {
  import type { Callback } from '@tessera/layers';

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
  /** A callback that draws `loss` (per batch) and `val_loss` (per epoch) live, and stops `fit` when the page's Stop is pressed. */
  export function lossCurve(options?: LossCurveOptions): Callback;
}

declare module '*?raw' {
  const text: string;
  export default text;
}
