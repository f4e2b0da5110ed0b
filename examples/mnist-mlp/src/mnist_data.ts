import { mnist, take, toCategorical } from '@tessera/datasets';
import { div, dispose, reshape, tidy, type Tensor } from '@tessera/tensor';

/** MNIST as the Keras tutorials prepare it: flattened to 784 floats in [0, 1], labels one-hot (or kept as integers). */
export async function loadMnistFlat(options: { limit?: number; categorical?: boolean } = {}): Promise<{
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}> {
  let [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData();
  if (options.limit && options.limit < xTrain.shape[0]) {
    const [xs, ys] = take([xTrain, yTrain], options.limit) as [Tensor, Tensor];
    dispose([xTrain, yTrain]);
    [xTrain, yTrain] = [xs, ys];
  }
  const prep = (x: Tensor) => tidy(() => div(reshape(x, [x.shape[0], 784]), 255));
  const out = {
    xTrain: prep(xTrain),
    xTest: prep(xTest),
    yTrain: options.categorical === false ? yTrain : toCategorical(yTrain, 10),
    yTest: options.categorical === false ? yTest : toCategorical(yTest, 10),
  };
  dispose([xTrain, xTest]);
  if (options.categorical !== false) dispose([yTrain, yTest]);
  return out;
}
