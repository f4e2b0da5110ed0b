/**
 * Keras's MNIST MLP (512-512-512 with Dropout 0.2, RMSprop, batch 128), line by line.
 * This is README command 1's main job.
 *
 * Run: pnpm start [-- --epochs 10] [--plot mnist_mlp_loss.svg]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { Dense, Dropout, Sequential } from '@tessera/layers';
import { RMSprop } from '@tessera/optimizers';
import { saveHistoryPlot } from '@tessera/plot';
import { flag } from './cli.js';
import { loadMnistFlat } from './mnist_data.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const batchSize = 128;
const epochs = flag('epochs', 5);
const plotPath = flag('plot', 'mnist_mlp_loss.svg');

const { xTrain, yTrain, xTest, yTest } = await loadMnistFlat({ limit: flag('limit', 0) });
console.log(`${xTrain.shape[0]} train samples`);
console.log(`${xTest.shape[0]} test samples`);

const model = new Sequential();
model.add(new Dense({ units: 512, activation: 'relu', inputShape: [784] }));
model.add(new Dropout({ rate: 0.2 }));
model.add(new Dense({ units: 512, activation: 'relu' }));
model.add(new Dropout({ rate: 0.2 }));
model.add(new Dense({ units: 512, activation: 'relu' }));
model.add(new Dropout({ rate: 0.2 }));
model.add(new Dense({ units: 10, activation: 'softmax' }));

model.summary();

model.compile({ loss: 'categorical_crossentropy', optimizer: new RMSprop(), metrics: ['accuracy'] });

const started = performance.now();
const history = await model.fit(xTrain, yTrain, { batchSize, epochs, verbose: 1, validationData: [xTest, yTest] });
const score = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log('Test loss:', score[0]);
console.log('Test accuracy:', score[1]);
console.log(`Wall time: ${((performance.now() - started) / 1000).toFixed(1)} s for ${history.epoch.length} epochs`);
await saveHistoryPlot(history, plotPath, { title: 'MNIST MLP (512-512-512)' });
console.log(`Loss curves written to ${plotPath}`);
