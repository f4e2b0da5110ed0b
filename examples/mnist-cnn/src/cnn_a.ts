/**
 * CNN tutorial (a): two Conv2D(32, 5x5, relu), MaxPooling2D(2), Flatten, Dense(128, relu),
 * Dense(10, softmax), Adadelta, 10 epochs.
 * Run: pnpm --filter @tessera-examples/mnist-cnn a [--epochs 10] [--limit 0]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential } from '@tessera/layers';
import { Adadelta } from '@tessera/optimizers';
import { flag, loadMnistImages } from './mnist_images.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const { xTrain, yTrain, xTest, yTest } = await loadMnistImages(flag('limit', 0));

const model = new Sequential();
model.add(new Conv2D({ filters: 32, kernelSize: [5, 5], activation: 'relu', inputShape: [28, 28, 1] }));
model.add(new Conv2D({ filters: 32, kernelSize: [5, 5], activation: 'relu' }));
model.add(new MaxPooling2D({ poolSize: [2, 2] }));
model.add(new Flatten());
model.add(new Dense({ units: 128, activation: 'relu' }));
model.add(new Dense({ units: 10, activation: 'softmax' }));
model.summary();

// Keras 3's Adadelta defaults to learning_rate 0.001; the tutorial (Keras 1/2 era) used 1.0.
model.compile({ loss: 'categorical_crossentropy', optimizer: new Adadelta({ learningRate: 1.0 }), metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { batchSize: 128, epochs: flag('epochs', 10), verbose: 1, validationData: [xTest, yTest] });
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log('Test loss:', loss);
console.log('Test accuracy:', accuracy);
