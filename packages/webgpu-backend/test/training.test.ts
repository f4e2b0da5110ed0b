// The MNIST MLP (Dense 64 relu -> Dense 10 softmax, adam, categorical cross-entropy)
// trained for one epoch on real MNIST (2000 training / 1000 test images) on WebGPU and
// on the CPU from the same seed: the test accuracies must agree within 0.5 points.
import '@tessera/cpu-backend';
import './setup.js';
import { mnist, toCategorical } from '@tessera/datasets';
import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential, clearSession } from '@tessera/layers';
import { dispose, memory, setBackend, setRandomSeed, tensor, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

const TRAIN = 2000;
const TEST = 1000;

interface Run {
  loss: number;
  accuracy: number;
  trainLoss: number;
  seconds: number;
}

type Raw = Awaited<ReturnType<typeof mnist.loadRaw>>;

/** The tutorial models, small enough for the software adapter. */
const MODELS = {
  mlp: { shape: [784], build: () => new Sequential([new Dense({ units: 64, activation: 'relu', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })]) },
  cnn: {
    shape: [28, 28, 1],
    build: () =>
      new Sequential([
        new Conv2D({ filters: 8, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
        new MaxPooling2D({ poolSize: 2 }),
        new Flatten(),
        new Dense({ units: 32, activation: 'relu' }),
        new Dense({ units: 10, activation: 'softmax' }),
      ]),
  },
};

async function trainOn(backend: 'cpu' | 'webgpu', raw: Raw, kind: keyof typeof MODELS = 'mlp', train = TRAIN, test = TEST): Promise<Run> {
  // Tensors are made after switching: the GPU cannot lend values synchronously to the CPU.
  await setBackend(backend);
  clearSession();
  setRandomSeed(1234);
  const images = (split: typeof raw.train, n: number) =>
    tensor(Float32Array.from(split.images.subarray(0, n * 784), (v) => v / 255), [n, ...MODELS[kind].shape]);
  const labels = (split: typeof raw.train, n: number) => {
    const ids = tensor(Int32Array.from(split.labels.subarray(0, n)), [n], 'int32');
    const onehot = toCategorical(ids, 10);
    ids.dispose();
    return onehot;
  };
  const data: Tensor[] = [images(raw.train, train), labels(raw.train, train), images(raw.test, test), labels(raw.test, test)];
  const [xTrain, yTrain, xTest, yTest] = data;
  const model = MODELS[kind].build();
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const start = memory().numTensors;
  const t0 = performance.now();
  const history = await model.fit(xTrain, yTrain, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
  const [loss, accuracy] = (await model.evaluate(xTest, yTest, { batchSize: 250, verbose: 0 })) as number[];
  const seconds = (performance.now() - t0) / 1000;
  expect(memory().numTensors, `training on ${backend} leaks no tensors`).toBe(start);
  dispose(data);
  model.dispose();
  setRandomSeed(undefined);
  return { loss, accuracy, trainLoss: history.history.loss[0], seconds };
}

describe('training on WebGPU', () => {
  it('the MNIST MLP reaches the CPU test accuracy (within 0.5 points) after 1 epoch from the same seed', async () => {
    const raw = await mnist.loadRaw();
    const cpu = await trainOn('cpu', raw);
    const gpu = await trainOn('webgpu', raw);
    const line = (name: string, r: Run) =>
      `${name}: train loss ${r.trainLoss.toFixed(4)}, test loss ${r.loss.toFixed(4)}, test accuracy ${r.accuracy.toFixed(4)} (${r.seconds.toFixed(1)} s)`;
    console.log(`MNIST MLP, ${TRAIN} training / ${TEST} test images, 1 epoch\n  ${line('cpu   ', cpu)}\n  ${line('webgpu', gpu)}`);
    expect(gpu.accuracy).toBeGreaterThan(0.7);
    expect(Math.abs(gpu.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(0.01);
  }, 300_000);

  it('the small MNIST CNN reaches the CPU test accuracy (within 0.5 points) after 1 epoch from the same seed', async () => {
    const raw = await mnist.loadRaw();
    const cpu = await trainOn('cpu', raw, 'cnn', 1000, 400);
    const gpu = await trainOn('webgpu', raw, 'cnn', 1000, 400);
    console.log(`MNIST CNN, 1000 / 400 images, 1 epoch: cpu accuracy ${cpu.accuracy.toFixed(4)} (${cpu.seconds.toFixed(1)} s), webgpu ${gpu.accuracy.toFixed(4)} (${gpu.seconds.toFixed(1)} s)`);
    expect(gpu.accuracy).toBeGreaterThan(0.5);
    expect(Math.abs(gpu.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(0.01);
  }, 300_000);
});
