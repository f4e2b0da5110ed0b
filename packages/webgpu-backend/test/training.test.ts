// The MNIST MLP (Dense 64 relu -> Dense 10 softmax, adam, categorical cross-entropy)
// trained for one epoch on real MNIST (2000 training / 1000 test images) on WebGPU and
// on the CPU from the same seed: the test accuracies must agree within 0.5 points.
import '@tessera/cpu-backend';
import './setup.js';
import { mnist, toCategorical } from '@tessera/datasets';
import { Dense, Sequential, clearSession } from '@tessera/layers';
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

async function trainOn(backend: 'cpu' | 'webgpu', raw: Awaited<ReturnType<typeof mnist.loadRaw>>): Promise<Run> {
  // Tensors are made after switching: the GPU cannot lend values synchronously to the CPU.
  await setBackend(backend);
  clearSession();
  setRandomSeed(1234);
  const images = (split: typeof raw.train, n: number) =>
    tensor(Float32Array.from(split.images.subarray(0, n * 784), (v) => v / 255), [n, 784]);
  const labels = (split: typeof raw.train, n: number) => {
    const ids = tensor(Int32Array.from(split.labels.subarray(0, n)), [n], 'int32');
    const onehot = toCategorical(ids, 10);
    ids.dispose();
    return onehot;
  };
  const data: Tensor[] = [images(raw.train, TRAIN), labels(raw.train, TRAIN), images(raw.test, TEST), labels(raw.test, TEST)];
  const [xTrain, yTrain, xTest, yTest] = data;
  const model = new Sequential([new Dense({ units: 64, activation: 'relu', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })]);
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
});
