// The consumer app: what a new user writes after `npm i tessera-ml`. The same file runs in
// browsers (bundled by esbuild, Vite, webpack and Rollup with no configuration) and in Node.
// `layers` comes from its subpath: esbuild keeps the whole of `import { layers } from
// 'tessera-ml'` (a re-exported namespace object); the consumer test bundles that form too.
import * as layers from 'tessera-ml/layers';
import { memory, pickBackend, setRandomSeed, tensor } from 'tessera-ml';

/** Trains a small MLP on points of the plane labelled by quadrant (XOR) and reports how it went. */
export async function trainMlp() {
  const { name, reason } = await pickBackend();
  setRandomSeed(42);
  let s = 1;
  const random = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const points = [];
  const labels = [];
  for (let i = 0; i < 512; i++) {
    const x = random() * 2 - 1;
    const y = random() * 2 - 1;
    points.push([x, y]);
    labels.push(x * y > 0 ? [0, 1] : [1, 0]);
  }
  const x = tensor(points);
  const y = tensor(labels);
  const model = new layers.Sequential([
    new layers.Dense({ units: 32, activation: 'relu', inputShape: [2] }),
    new layers.Dense({ units: 32, activation: 'relu' }),
    new layers.Dense({ units: 2, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const start = performance.now();
  await model.fit(x, y, { batchSize: 32, epochs: 40, verbose: 0 });
  const [loss, accuracy] = await model.evaluate(x, y, { verbose: 0 });
  const ms = Math.round(performance.now() - start);
  x.dispose();
  y.dispose();
  return { backend: name, reason, loss: Number(loss.toFixed(4)), accuracy: Number(accuracy.toFixed(4)), ms, tensors: memory().numTensors };
}
