/**
 * CNN tutorial (c): Conv2D(32, 5, relu, input 28x28x1)-MaxPooling2D(2)-Flatten-Dense(128, relu)-
 * Dropout(0.2)-Dense(10, softmax), Adam, batch 128.
 * Run: pnpm --filter @tessera-examples/mnist-cnn c [--epochs 10] [--limit 0]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential } from '@tessera/layers';
import { flag, loadMnistImages } from './mnist_images.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const { xTrain, yTrain, xTest, yTest } = await loadMnistImages(flag('limit', 0));

const model = new Sequential([
  new Conv2D({ filters: 32, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
  new MaxPooling2D({ poolSize: 2 }),
  new Flatten(),
  new Dense({ units: 128, activation: 'relu' }),
  new Dropout({ rate: 0.2 }),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.summary();

model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
const started = performance.now();
const history = await model.fit(xTrain, yTrain, { validationData: [xTest, yTest], epochs: flag('epochs', 10), batchSize: 128, verbose: 2 });
const seconds = (performance.now() - started) / 1000;
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log(`CNN Error: ${((1 - accuracy) * 100).toFixed(2)}%  (test loss ${loss.toFixed(4)}, accuracy ${accuracy.toFixed(4)})`);
console.log(`${history.epoch.length} epochs, ${(seconds / history.epoch.length).toFixed(1)} s per epoch`);
