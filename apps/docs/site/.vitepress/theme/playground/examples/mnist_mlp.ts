// Keras's MNIST MLP, small enough for a page: 784-128-10 on 2,000 training images.
// Edit anything and press Run (Ctrl-Enter). The log is ProgbarLogger's, written into the page.
import { mnist, toCategorical } from '@tessera/datasets';
import { Dense, Dropout, ProgbarLogger, Sequential } from '@tessera/layers';
import { div, dispose, reshape, tidy, type Tensor } from '@tessera/tensor';
import { backend, lossCurve, mnistUrl, print, write } from 'playground';

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

await model.fit(xTrain, yTrain, {
  batchSize: 128,
  epochs: 3,
  validationData: [xTest, yTest],
  verbose: 0, // fit's own logger would print to the console: this one writes into the page
  callbacks: [new ProgbarLogger({ verbose: 1, write, dynamic: true }), lossCurve()],
});

const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
print(`Test loss: ${loss.toFixed(4)}  Test accuracy: ${accuracy.toFixed(4)}`);
dispose([xTrain, yTrain, xTest, yTest]);
model.dispose();
