/**
 * Tutorial (e): Flatten(input_shape=(28, 28)) - Dense(10, softmax), sgd,
 * sparse categorical crossentropy on integer labels, batch 100.
 * Run: pnpm --filter @tessera-examples/mnist-mlp e [--epochs 5]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { mnist } from '@tessera/datasets';
import { Dense, Flatten, Sequential } from '@tessera/layers';
import { div, dispose } from '@tessera/tensor';
import { flag } from './cli.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const [[xTrainRaw, yTrain], [xTestRaw, yTest]] = await mnist.loadData();
const xTrain = div(xTrainRaw, 255);
const xTest = div(xTestRaw, 255);
dispose([xTrainRaw, xTestRaw]);

const model = new Sequential([new Flatten({ inputShape: [28, 28] }), new Dense({ units: 10, activation: 'softmax' })]);
model.summary();

model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { epochs: flag('epochs', 5), batchSize: 100, verbose: 1 });
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log(`Test loss: ${loss.toFixed(4)}  Test accuracy: ${accuracy.toFixed(4)}`);
