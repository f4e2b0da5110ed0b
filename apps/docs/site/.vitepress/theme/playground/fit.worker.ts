// The Web Worker the playground trains in on the CPU (see @tessera/worker, as the demo's
// apps/demo/src/fit.worker.ts): it rebuilds the page's model from its Keras JSON on the CPU
// backend (two GEMM threads: the site is served cross-origin isolated), runs fit, streams
// ProgbarLogger's lines and the logs back, and returns the weights.
import { serveFit } from '@tessera/worker/serve';

serveFit();
