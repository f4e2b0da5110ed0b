/**
 * Tutorial (f): Dense(128, he_normal, relu) - Dropout(0.2) - Dense(10, softmax), Adam,
 * with the `lr_decay(epoch) = 0.01 * 0.6 ** epoch` LearningRateScheduler.
 * Run: pnpm --filter @tessera-examples/mnist-mlp f [--epochs 5]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { Dense, Dropout, LearningRateScheduler, Sequential } from '@tessera/layers';
import { Adam } from '@tessera/optimizers';
import { flag } from './cli.js';
import { loadMnistFlat } from './mnist_data.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const { xTrain, yTrain, xTest, yTest } = await loadMnistFlat({ limit: flag('limit', 0) });

const model = new Sequential([
  new Dense({ units: 128, kernelInitializer: 'he_normal', activation: 'relu', inputShape: [784] }),
  new Dropout({ rate: 0.2 }),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.summary();

const lrDecay = (epoch: number) => 0.01 * 0.6 ** epoch;
model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, {
  epochs: flag('epochs', 5),
  batchSize: 128,
  verbose: 1,
  validationData: [xTest, yTest],
  callbacks: [new LearningRateScheduler(lrDecay, 1)],
});
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log(`Test loss: ${loss.toFixed(4)}  Test accuracy: ${accuracy.toFixed(4)}`);
