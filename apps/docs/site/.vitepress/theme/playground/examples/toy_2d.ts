// The two-input 2-D toy problem: points in [-1, 1]² labelled 1 above the curve y = sin(πx) / 2.
// Three sigmoid Dense layers learn it with mean squared error and SGD; predictions are
// thresholded at 0.5.
import { Dense, Sequential } from '@tessera/layers';
import { SGD } from '@tessera/optimizers';
import { Prng, cast, dispose, equal, greater, mean, tensor, tidy, type Tensor } from '@tessera/tensor';
import { fit, print } from 'playground';

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
model.summary();
model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'mean_squared_error' });
// fit (from 'playground') is Keras's model.fit off the page's thread: on the CPU it trains in a
// Web Worker while the log and the chart stream back, and the trained weights return into
// `model`. On WebGPU it trains here, on the page.
// verbose: 2 prints one line per epoch.
await fit(model, train.x, train.y, { epochs: 20, batchSize: 32, validationData: [test.x, test.y], verbose: 2 });

const predictions = model.predict(test.x) as Tensor;
const accuracy = tidy(() => mean(cast(equal(cast(greater(predictions, 0.5), 'float32'), test.y), 'float32')));
print(`Thresholded at 0.5, test accuracy: ${(await accuracy.data())[0].toFixed(4)}`);
dispose([predictions, accuracy, train, test]);
model.dispose();
