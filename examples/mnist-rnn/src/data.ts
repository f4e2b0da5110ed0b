import { mnist, take, toCategorical } from '@tessera/datasets';
import { div, dispose, reshape, tidy, type Tensor } from '@tessera/tensor';

/** MNIST as the Keras rows tutorial prepares it: [n, 28, 28] floats in [0, 1] (28 steps of 28 features), one-hot labels. */
export async function loadMnistRows(limit = 0): Promise<{ xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor }> {
  let [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData();
  if (limit > 0 && limit < xTrain.shape[0]) {
    const [xs, ys] = take([xTrain, yTrain], limit) as [Tensor, Tensor];
    dispose([xTrain, yTrain]);
    [xTrain, yTrain] = [xs, ys];
  }
  const prep = (x: Tensor) => tidy(() => div(reshape(x, [x.shape[0], 28, 28]), 255));
  const out = { xTrain: prep(xTrain), xTest: prep(xTest), yTrain: toCategorical(yTrain, 10), yTest: toCategorical(yTest, 10) };
  dispose([xTrain, yTrain, xTest, yTest]);
  return out;
}

/** `--name value` from the command line. */
export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n)) throw new Error(`--${name} expects a number but got '${process.argv[i + 1]}'`);
  return n;
}
