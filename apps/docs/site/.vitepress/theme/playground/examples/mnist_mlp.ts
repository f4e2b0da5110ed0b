// Keras's MNIST MLP, small enough for a page: 784-128-10 on 2,000 training images.
// Edit anything and press Run (Ctrl-Enter). The log is ProgbarLogger's, streamed into the page.
import { mnist, toCategorical } from '@tessera/datasets';
import { Dense, Dropout, Sequential } from '@tessera/layers';
import { div, dispose, reshape, tidy, type Tensor } from '@tessera/tensor';
import { backend, fit, mnistUrl, print } from 'playground';

// A subset of the MNIST bundled with Tessera, served with the site as gzipped IDX files
// (verify: false because a subset cannot match the published md5s).
const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = await mnist.loadData({ source: mnistUrl, verify: false });
// tidy frees the intermediates (the reshaped view, the scalar 255) and keeps the result.
const prep = (x: Tensor) => tidy(() => div(reshape(x, [x.shape[0], 784]), 255));
const xTrain = prep(xTrainRaw);
const xTest = prep(xTestRaw);
const yTrain = toCategorical(yTrainRaw, 10);
const yTest = toCategorical(yTestRaw, 10);
dispose([xTrainRaw, yTrainRaw, xTestRaw, yTestRaw]);
print(`${xTrain.shape[0]} train samples, ${xTest.shape[0]} test samples, backend: ${backend}`);

const model = new Sequential([
  new Dense({ units: 128, activation: 'relu', inputShape: [784] }),
  new Dropout({ rate: 0.2 }),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.summary();
model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });

const [, untrained] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
print(`Before training: test accuracy ${untrained.toFixed(4)}`);

// fit (from 'playground') is Keras's model.fit off the page's thread: on the CPU it trains in a
// Web Worker while the log and the chart stream back, and the trained weights return into
// `model`. On WebGPU it trains here, on the page.
const history = await fit(model, xTrain, yTrain, { batchSize: 128, epochs: 3, validationData: [xTest, yTest] });
print(`History: loss ${history.history.loss.map((v) => v.toFixed(4)).join(', ')}`);

// The page's model now holds the trained weights.
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
print(`Test loss: ${loss.toFixed(4)}  Test accuracy: ${accuracy.toFixed(4)}`);
dispose([xTrain, yTrain, xTest, yTest]);
model.dispose();
