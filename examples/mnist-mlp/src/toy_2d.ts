/**
 * Tutorial (g): the two-input 2-D toy problem. Points in [-1, 1]² are labelled 1
 * above the curve y = sin(πx) / 2; three sigmoid Dense layers (100, 100, 1) learn it with mean squared
 * error and sgd, then `predict` is thresholded at 0.5.
 * Run: pnpm --filter @tessera-examples/mnist-mlp g [--epochs 100] [--lr 0.5]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { Dense, Sequential } from '@tessera/layers';
import { SGD } from '@tessera/optimizers';
import { Prng, cast, dispose, equal, greater, mean, tensor, tidy, type Tensor } from '@tessera/tensor';
import { flag } from './cli.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

function makeData(n: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Prng(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.nextFloat() * 2 - 1;
    const b = rng.nextFloat() * 2 - 1;
    xs.push(a, b);
    ys.push(b > 0.5 * Math.sin(Math.PI * a) ? 1 : 0);
  }
  return { x: tensor(xs, [n, 2]), y: tensor(ys, [n, 1]) };
}

const train = makeData(1000, 1);
const test = makeData(200, 2);

const model = new Sequential([
  new Dense({ units: 100, activation: 'sigmoid', inputDim: 2 }),
  new Dense({ units: 100, activation: 'sigmoid' }),
  new Dense({ units: 1, activation: 'sigmoid' }),
]);
model.compile({ optimizer: new SGD({ learningRate: flag('lr', 0.5) }), loss: 'mean_squared_error' });
await model.fit(train.x, train.y, { epochs: flag('epochs', 100), batchSize: 32, verbose: 0 });

const predictions = model.predict(test.x) as Tensor;
const accuracy = tidy(() => mean(cast(equal(cast(greater(predictions, 0.5), 'float32'), test.y), 'float32')).dataSync()[0]);
console.log(`Thresholded at 0.5, test accuracy: ${accuracy.toFixed(4)}`);
dispose([predictions, train, test]);
