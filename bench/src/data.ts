/** The inputs every implementation of a case shares: seeded random arrays and real MNIST. */
import { mnist, toCategorical } from '@tessera/datasets';
import { dispose, div, reshape, tidy } from '@tessera/tensor';

/** `n` floats uniform in `[lo, hi)` from a seeded mulberry32: the same values every run. */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/** One-hot rows of `n` seeded labels in `[0, classes)`. */
export function randomOneHot(n: number, classes: number, seed: number): Float32Array {
  const u = randomArray(n, seed, 0, 1);
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) out[i * classes + Math.min(classes - 1, Math.floor(u[i] * classes))] = 1;
  return out;
}

/** MNIST flattened as the Keras MLP tutorial prepares it: pixels / 255 as `[n, 784]`, labels one-hot `[n, 10]`. */
export interface MnistArrays {
  readonly xTrain: Float32Array;
  readonly yTrain: Float32Array;
  readonly xTest: Float32Array;
  readonly yTest: Float32Array;
  readonly trainCount: number;
  readonly testCount: number;
}

let cached: Promise<MnistArrays> | undefined;

/** Real MNIST from `@tessera/datasets` (`mnist.loadData`), as plain arrays both libraries are fed from. */
export function mnistArrays(): Promise<MnistArrays> {
  cached ??= (async () => {
    const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData();
    const arrays = tidy(() => {
      const flat = (x: typeof xTrain) => div(reshape(x, [x.shape[0], 784]), 255).dataSync() as Float32Array;
      return {
        xTrain: flat(xTrain),
        yTrain: toCategorical(yTrain, 10).dataSync() as Float32Array,
        xTest: flat(xTest),
        yTest: toCategorical(yTest, 10).dataSync() as Float32Array,
        trainCount: xTrain.shape[0],
        testCount: xTest.shape[0],
      };
    });
    dispose([xTrain, yTrain, xTest, yTest]);
    return arrays;
  })();
  return cached;
}
