// An LSTM on MNIST read row by row: each 28x28 image is 28 steps of 28 pixels (Keras's sequence
// tutorial, made small for a page: LSTM(32) on 2,000 training images, one epoch).
// The full example, LSTM(128) on all 60,000 images, is examples/mnist-rnn in the repository.
import { mnist, toCategorical } from '@tessera/datasets';
import { Dense, LSTM, Sequential } from '@tessera/layers';
import { div, dispose, reshape, tidy, type Tensor } from '@tessera/tensor';
import { backend, fit, mnistUrl, print } from 'playground';

const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = await mnist.loadData({ source: mnistUrl, verify: false });
// [n, 28, 28]: 28 timesteps of 28 features, floats in [0, 1].
const prep = (x: Tensor) => tidy(() => div(reshape(x, [x.shape[0], 28, 28]), 255));
const xTrain = prep(xTrainRaw);
const xTest = prep(xTestRaw);
const yTrain = toCategorical(yTrainRaw, 10);
const yTest = toCategorical(yTestRaw, 10);
dispose([xTrainRaw, yTrainRaw, xTestRaw, yTestRaw]);
print(`${xTrain.shape[0]} train samples, ${xTest.shape[0]} test samples, backend: ${backend}`);

const model = new Sequential([
  new LSTM({ units: 32, inputShape: [28, 28] }),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.summary();
model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });

// fit (from 'playground') is Keras's model.fit off the page's thread: on the CPU it trains in a
// Web Worker while the log and the chart stream back, and the trained weights return into
// `model`. On WebGPU it trains here, on the page.
await fit(model, xTrain, yTrain, { batchSize: 64, epochs: 1, validationData: [xTest, yTest] });

const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
print(`Test loss: ${loss.toFixed(4)}  Test accuracy: ${accuracy.toFixed(4)}`);
dispose([xTrain, yTrain, xTest, yTest]);
model.dispose();
