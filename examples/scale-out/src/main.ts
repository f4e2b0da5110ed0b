// The scale-out loop on one machine: define and compile the Keras MNIST MLP in TypeScript, train
// it with Keras 3 on JAX through a Ray job (data-parallel over two simulated CPU devices), and
// evaluate the trained model back in Tessera.
//
//   node scripts/ensure-keras.mjs           # once: Keras 3, JAX and Ray in ~/.cache/tessera/keras-venv
//   pnpm --filter @tessera-examples/scale-out start [--address http://HEAD:8265] [--full]
//
// Without --address it starts a Ray head on 127.0.0.1 and stops it at the end.
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mnist } from '@tessera/datasets';
import { loadModel } from '@tessera/io';
import { Dense, Dropout, EarlyStopping, Sequential } from '@tessera/layers';
import { makeJobBundle, startLocalRay, submitToRay, type LocalRay } from '@tessera/scale';
import { argMax, dispose, tensor } from '@tessera/tensor';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

const { values } = parseArgs({ options: { address: { type: 'string' }, full: { type: 'boolean' } } });
const venv = process.env.TESSERA_PYTHON ? resolve(process.env.TESSERA_PYTHON, '..', '..') : join(homedir(), '.cache', 'tessera', 'keras-venv');
const shared = fileURLToPath(new URL('../../../../shared/data/mnist', import.meta.url));
const source = existsSync(shared) ? shared : await mnist.bundledDirectory();

// The Keras mnist_mlp tutorial, line by line.
const model = new Sequential([
  new Dense({ units: 512, activation: 'relu', inputShape: [784] }),
  new Dropout({ rate: 0.2 }),
  new Dense({ units: 512, activation: 'relu' }),
  new Dropout({ rate: 0.2 }),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });

const limit = values.full ? undefined : { train: 6000, test: 2000 };
const bundle = await makeJobBundle(model, {
  data: { kind: 'mnist', source, ...(limit ? { limit } : {}) },
  epochs: values.full ? 20 : 2,
  batchSize: 128,
  validationSplit: 0.1,
  callbacks: [new EarlyStopping({ monitor: 'val_loss', patience: 3 })],
});
console.log(`bundle: ${bundle.dir}`);

let ray: LocalRay | undefined;
try {
  if (!values.address) {
    console.log('starting a Ray head on 127.0.0.1 with 2 JAX CPU devices ...');
    ray = await startLocalRay({ ray: join(venv, 'bin', 'ray'), devices: 2 });
  }
  const address = values.address ?? ray!.address;
  const started = Date.now();
  // pip: false: the local venv already has Keras 3 and JAX (a real cluster would install requirements.txt).
  const outDir = fileURLToPath(new URL('../results', import.meta.url));
  const { modelPath, history } = await submitToRay(bundle, { address, pip: !ray, outDir, onLog: (line) => console.log(`  ${line}`) });
  console.log(`trained on ${history.devices} devices in ${((Date.now() - started) / 1000).toFixed(1)} s: ${modelPath}`);

  // Back in Tessera: the same test images, the same score.
  const { test } = await mnist.loadRaw({ source });
  const count = limit?.test ?? test.count;
  const trained = await loadModel(modelPath);
  const x = tensor(Float32Array.from(test.images.subarray(0, count * 784), (v) => v / 255), [count, 784]);
  const probs = trained.predict(x) as ReturnType<typeof tensor>;
  const classes = argMax(probs, -1).dataSync();
  let right = 0;
  for (let i = 0; i < count; i++) if (classes[i] === test.labels[i]) right++;
  dispose([x, probs]);
  console.log(`test accuracy: Tessera ${(right / count).toFixed(4)}, Keras in the job ${history.evaluate?.accuracy.toFixed(4)}`);
} finally {
  if (ray) await ray.stop();
  rmSync(bundle.dir, { recursive: true, force: true }); // the bundle was the vehicle; results/ keeps the model
}
