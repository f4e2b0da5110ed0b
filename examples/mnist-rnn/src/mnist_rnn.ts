/**
 * Keras's MNIST-rows LSTM: each 28x28 image is a sequence of 28 rows of 28 pixels,
 * LSTM(128) -> Dense(10, softmax), Adam, categorical crossentropy, batch 128.
 * Run: pnpm --filter @tessera-examples/mnist-rnn start [--epochs 6] [--limit 0]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { LambdaCallback } from '@tessera/layers';
import { Adam } from '@tessera/optimizers';
import { flag, loadMnistRows } from './data.js';
import { mnistRnn } from './model.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const epochs = flag('epochs', 6); // 6 epochs reach 0.98 test accuracy (0.9705 after 3)
const { xTrain, yTrain, xTest, yTest } = await loadMnistRows(flag('limit', 0));
console.log('x_train shape:', xTrain.shape, `${xTrain.shape[0]} train samples`, `${xTest.shape[0]} test samples`);

const model = mnistRnn();
model.summary();

model.compile({ loss: 'categorical_crossentropy', optimizer: new Adam(), metrics: ['accuracy'] });
const epochSeconds: number[] = [];
let epochStart = 0;
const timer = new LambdaCallback({
  onEpochBegin: () => { epochStart = performance.now(); },
  onEpochEnd: () => { epochSeconds.push((performance.now() - epochStart) / 1000); },
});
await model.fit(xTrain, yTrain, { batchSize: 128, epochs, verbose: 1, validationData: [xTest, yTest], callbacks: [timer] });
const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log('Test loss:', loss);
console.log('Test accuracy:', accuracy);
console.log('Seconds per epoch:', epochSeconds.map((s) => s.toFixed(1)).join(', '));
