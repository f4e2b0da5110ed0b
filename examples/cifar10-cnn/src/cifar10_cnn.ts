/**
 * Keras's CIFAR-10 CNN example (cifar10_cnn.py), line by line, on the official binary
 * CIFAR-10 (`cifar-10-binary.tar.gz` as downloaded, or its extracted folder).
 * Run: pnpm --filter @tessera-examples/cifar10-cnn start -- --data /path/to/cifar-10-binary.tar.gz [--epochs 100] [--limit 0]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { cifar10, toCategorical } from '@tessera/datasets';
import { RMSprop } from '@tessera/optimizers';
import { div, dispose } from '@tessera/tensor';
import { cifar10Cnn } from './model.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const source = arg('data');
if (!source) {
  console.error('Give the CIFAR-10 binary data: --data /path/to/cifar-10-binary.tar.gz (or its extracted cifar-10-batches-bin folder)');
  process.exit(2);
}
const batchSize = 32;
const numClasses = 10;
const epochs = Number(arg('epochs') ?? 100);
const limit = Number(arg('limit') ?? 0);

const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = await cifar10.loadData({
  source,
  ...(limit > 0 ? { limit: { train: limit, test: Math.min(limit, 10_000) } } : {}),
});
console.log('x_train shape:', xTrainRaw.shape);
console.log(xTrainRaw.shape[0], 'train samples');
console.log(xTestRaw.shape[0], 'test samples');

const yTrain = toCategorical(yTrainRaw, numClasses);
const yTest = toCategorical(yTestRaw, numClasses);
const xTrain = div(xTrainRaw, 255);
const xTest = div(xTestRaw, 255);
dispose([xTrainRaw, xTestRaw, yTrainRaw, yTestRaw]);

const model = cifar10Cnn();
model.summary();

const opt = new RMSprop({ learningRate: 0.0001 });
model.compile({ loss: 'categorical_crossentropy', optimizer: opt, metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { batchSize, epochs, validationData: [xTest, yTest], shuffle: true });

const scores = (await model.evaluate(xTest, yTest, { verbose: 1 })) as number[];
console.log('Test loss:', scores[0]);
console.log('Test accuracy:', scores[1]);
