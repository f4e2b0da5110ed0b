// A small CNN on MNIST: Conv2D(8, 3x3) - MaxPooling2D - Flatten - Dense(10), Adam.
// Images keep their shape, [n, 28, 28, 1] channels-last, as in Keras.
import { mnist, toCategorical } from '@tessera/datasets';
import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential } from '@tessera/layers';
import { div, dispose, reshape, tidy, type Tensor } from '@tessera/tensor';
import { backend, fit, mnistUrl, print } from 'playground';

const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = await mnist.loadData({ source: mnistUrl, verify: false });
// tidy frees the intermediates (the reshaped view, the scalar 255) and keeps the result.
const prep = (x: Tensor) => tidy(() => div(reshape(x, [x.shape[0], 28, 28, 1]), 255));
const xTrain = prep(xTrainRaw);
const xTest = prep(xTestRaw);
const yTrain = toCategorical(yTrainRaw, 10);
const yTest = toCategorical(yTestRaw, 10);
dispose([xTrainRaw, yTrainRaw, xTestRaw, yTestRaw]);
print(`${xTrain.shape[0]} train samples, ${xTest.shape[0]} test samples, backend: ${backend}`);

const model = new Sequential([
  new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
  new MaxPooling2D({ poolSize: 2 }),
  new Flatten(),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.summary();
model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });

// fit (from 'playground') is Keras's model.fit off the page's thread: on the CPU it trains in a
// Web Worker while the log and the chart stream back, and the trained weights return into
// `model`. On WebGPU it trains here, on the page.
await fit(model, xTrain, yTrain, { batchSize: 64, epochs: 2, validationData: [xTest, yTest] });

const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
print(`Test loss: ${loss.toFixed(4)}  Test accuracy: ${accuracy.toFixed(4)}`);
dispose([xTrain, yTrain, xTest, yTest]);
model.dispose();
