import '@tessera/cpu-backend';
import { Adam } from '@tessera/optimizers';
import { Prng, dispose, memory, oneHot, tensor, type Tensor } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Dense,
  Dropout,
  EarlyStopping,
  Input,
  LambdaCallback,
  LearningRateScheduler,
  Model,
  ProgbarLogger,
  ReduceLROnPlateau,
  Sequential,
  TerminateOnNaN,
  clearSession,
  type SymbolicTensor,
} from '../src/index.js';

/** Two Gaussian blobs per class in 2-D: learnable in a few epochs. */
function blobs(n: number, classes: number, seed: number): { x: Tensor; labels: Tensor; y: Tensor } {
  const rng = new Prng(seed);
  const xs: number[] = [];
  const ls: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const angle = (2 * Math.PI * c) / classes;
    xs.push(Math.cos(angle) * 2 + rng.nextNormal() * 0.4, Math.sin(angle) * 2 + rng.nextNormal() * 0.4);
    ls.push(c);
  }
  const labels = tensor(ls, [n], 'int32');
  return { x: tensor(xs, [n, 2]), labels, y: oneHot(labels, classes) };
}

const silent = { verbose: 0 as const };

describe('fit / evaluate / predict', () => {
  beforeEach(() => clearSession());

  it('trains a classifier, reports Keras logs, and leaks no tensor', async () => {
    const { x, y, labels } = blobs(300, 3, 1);
    const model = new Sequential([
      new Dense({ units: 16, activation: 'relu', inputShape: [2], kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } } }),
      new Dropout({ rate: 0.1, seed: 3 }),
      new Dense({ units: 3, activation: 'softmax', kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 2 } } }),
    ]);
    model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const start = memory().numTensors;
    const history = await model.fit(x, y, { batchSize: 32, epochs: 8, validationSplit: 0.2, random: new Prng(5).nextFloat.bind(new Prng(5)), ...silent });
    expect(memory().numTensors).toBe(start);
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(history.history.loss[7]).toBeLessThan(history.history.loss[0]);
    expect(history.history.val_accuracy[7]).toBeGreaterThan(0.9);

    const result = (await model.evaluate(x, y, silent)) as number[];
    expect(result).toHaveLength(2);
    expect(result[1]).toBeGreaterThan(0.9);
    const probs = model.predict(x, { batchSize: 64 }) as Tensor;
    expect(probs.shape).toEqual([300, 3]);
    probs.dispose();
    expect(memory().numTensors).toBe(start);

    // Sparse labels resolve 'accuracy' to sparse categorical accuracy.
    const sparse = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    sparse.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const h2 = await sparse.fit(x, labels, { epochs: 2, ...silent });
    expect(h2.history.accuracy).toHaveLength(2);
    dispose([x, y, labels]);
    model.dispose();
    sparse.dispose();
  });

  it('prints the verbose=2 line and the verbose=1 bar exactly as Keras', async () => {
    const { x, y } = blobs(64, 2, 2);
    const model = new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    let t = 0;
    const out2: string[] = [];
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 16,
      verbose: 0,
      validationData: [x, y],
      callbacks: [new ProgbarLogger({ verbose: 2, write: (s) => out2.push(s), now: () => (t += 0.25) })],
    });
    expect(out2[0]).toBe('Epoch 1/1\n');
    const num = String.raw`\d\.\d{4}(e[+-]\d\d)?`;
    expect(out2[1]).toMatch(new RegExp(`^4/4 - 1s - loss: ${num} - accuracy: ${num} - val_loss: ${num} - val_accuracy: ${num}\n$`));

    const out1: string[] = [];
    t = 0;
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 16,
      verbose: 0,
      callbacks: [new ProgbarLogger({ verbose: 1, dynamic: true, interval: 0, write: (s) => out1.push(s), now: () => (t += 0.01) })],
    });
    expect(out1[1]).toMatch(new RegExp(String.raw`^1/4 \[======>\.{23}\] - ETA: 0s - loss: ${num} - accuracy: ${num}$`));
    expect(out1[2]).toMatch(/^\r2\/4 \[==============>\.{15}\] - ETA: 0s/);
    expect(out1[out1.length - 1]).toMatch(new RegExp(String.raw`^\r4/4 \[={30}\] - 0s \d+ms/step - loss: ${num} - accuracy: ${num}\s*\n$`));
    dispose([x, y]);
    model.dispose();
  });

  it('EarlyStopping stops and restores the best weights; schedulers set the learning rate', async () => {
    const { x, y } = blobs(64, 2, 3);
    const model = new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    // A monitor that never improves after epoch 0 stops after `patience` more epochs.
    let calls = 0;
    const fake = new LambdaCallback({ onEpochEnd: (_e, logs) => void (logs!.fake = calls++ === 0 ? 0 : 1) });
    const stop = new EarlyStopping({ monitor: 'fake', patience: 2, restoreBestWeights: true });
    const lrs: number[] = [];
    const sched = new LearningRateScheduler((epoch) => 0.01 * 0.6 ** epoch);
    const spy = new LambdaCallback({ onEpochBegin: () => void lrs.push(model.optimizer!.currentLearningRate()) });
    const start = memory().numTensors;
    const h = await model.fit(x, y, { epochs: 10, callbacks: [fake, stop, sched, spy], ...silent });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(stop.stoppedEpoch).toBe(2);
    expect(lrs.map((v) => +v.toFixed(6))).toEqual([0.01, 0.006, 0.0036]);
    expect(h.history.learning_rate).toHaveLength(3);
    expect(memory().numTensors).toBe(start);

    const plateau = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 10 });
    await model.fit(x, y, { epochs: 3, callbacks: [plateau], ...silent });
    expect(model.optimizer!.currentLearningRate()).toBeLessThan(0.0036);
    dispose([x, y]);
    model.dispose();
  });

  it('TerminateOnNaN stops at the first invalid batch and says which', async () => {
    const x = tensor([[1], [2], [Number.NaN], [4]]);
    const y = tensor([[1], [2], [3], [4]]);
    const model = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const said: string[] = [];
    const nan = new TerminateOnNaN((s) => said.push(s));
    await model.fit(x, y, { epochs: 3, batchSize: 1, shuffle: false, callbacks: [nan], checkFinite: false, ...silent });
    expect(nan.terminatedAt).toEqual({ epoch: 0, batch: 2 });
    expect(said.join('')).toMatch(/Batch 2: Invalid loss, terminating training/);
    dispose([x, y]);
    model.dispose();
  });

  it('functional model with two inputs and two outputs logs per-output losses', async () => {
    const a = Input({ shape: [2] });
    const b = Input({ shape: [3] });
    const { Concatenate } = await import('../src/index.js');
    const merged = new Concatenate().apply([a, b]) as SymbolicTensor;
    const h = new Dense({ units: 8, activation: 'relu' }).apply(merged) as SymbolicTensor;
    const out1 = new Dense({ units: 1, name: 'reg' }).apply(h) as SymbolicTensor;
    const out2 = new Dense({ units: 1, activation: 'sigmoid', name: 'cls' }).apply(h) as SymbolicTensor;
    const model = new Model({ inputs: [a, b], outputs: [out1, out2] });
    model.compile({ optimizer: 'adam', loss: ['mse', 'binary_crossentropy'], metrics: { reg: ['mae'], cls: ['accuracy'] } });
    const xa = tensor(Array.from({ length: 40 }, (_, i) => i / 20), [20, 2]);
    const xb = tensor(Array.from({ length: 60 }, (_, i) => (i % 7) / 7), [20, 3]);
    const y1 = tensor(Array.from({ length: 20 }, (_, i) => i / 20), [20, 1]);
    const y2 = tensor(Array.from({ length: 20 }, (_, i) => i % 2), [20, 1]);
    const start = memory().numTensors;
    const hist = await model.fit([xa, xb], [y1, y2], { epochs: 2, batchSize: 8, ...silent });
    expect(Object.keys(hist.history)).toEqual(['loss', 'reg_loss', 'cls_loss', 'reg_mae', 'cls_accuracy']);
    const [p1, p2] = model.predict([xa, xb]) as Tensor[];
    expect(p1.shape).toEqual([20, 1]);
    expect(p2.shape).toEqual([20, 1]);
    dispose([p1, p2]);
    expect(memory().numTensors).toBe(start);
    dispose([xa, xb, y1, y2]);
    model.dispose();
  });

  it('trainOnBatch returns the batch loss and metrics', async () => {
    const { x, y } = blobs(32, 2, 4);
    const model = new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const [loss, acc] = (await model.trainOnBatch(x, y)) as number[];
    expect(loss).toBeGreaterThan(0);
    expect(acc).toBeGreaterThanOrEqual(0);
    dispose([x, y]);
    model.dispose();
  });
});
