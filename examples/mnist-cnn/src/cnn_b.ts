/**
 * CNN tutorial (b): Conv2D(32, 5, same, relu)-MaxPool(2)-Conv2D(64, 5, same, relu)-MaxPool(2)-
 * Flatten-Dense(1024, relu)-Dense(10, softmax).
 * Run: pnpm --filter @tessera-examples/mnist-cnn b [--epochs 5] [--limit 0]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential } from '@tessera/layers';
import { flag, loadMnistImages } from './mnist_images.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const { xTrain, yTrain, xTest, yTest } = await loadMnistImages(flag('limit', 0));

const model = new Sequential([
  new Conv2D({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
  new MaxPooling2D({ poolSize: 2 }),
  new Conv2D({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }),
  new MaxPooling2D({ poolSize: 2 }),
  new Flatten(),
  new Dense({ units: 1024, activation: 'relu' }),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.summary();

model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { batchSize: 128, epochs: flag('epochs', 5), verbose: 1, validationData: [xTest, yTest] });
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log('Test loss:', loss);
console.log('Test accuracy:', accuracy);
