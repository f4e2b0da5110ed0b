/**
 * Tutorial (b): Dense(500, input_dim=784, relu) - Dense(10, softmax), RMSprop, batch 256.
 * Run: pnpm --filter @tessera-examples/mnist-mlp b [--epochs 5]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { Dense, Sequential } from '@tessera/layers';
import { flag } from './cli.js';
import { loadMnistFlat } from './mnist_data.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const { xTrain, yTrain, xTest, yTest } = await loadMnistFlat({ limit: flag('limit', 0) });

const model = new Sequential();
model.add(new Dense({ units: 500, inputDim: 784, activation: 'relu' }));
model.add(new Dense({ units: 10, activation: 'softmax' }));
model.summary();

model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { epochs: flag('epochs', 5), batchSize: 256, verbose: 1 });
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { batchSize: 256, verbose: 0 })) as number[];
console.log(`Test loss: ${loss.toFixed(4)}  Test accuracy: ${accuracy.toFixed(4)}`);
