import '@tessera/cpu-backend';
import { dispose, memory, randomNormal, tensor, tidy, transpose, type Tensor } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { BatchNormalization, Dense, LayerNormalization, Sequential, clearSession } from '../src/index.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const expectClose = (got: number[], want: number[], digits = 5) => {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));
};
/** Runs an eager call in a tidy scope and returns its values. */
const run = (f: () => Tensor) => tidy(() => values(f()));

// Columns [1, 2, 3, 4] and [2, 4, 6, 8]: batch means [2.5, 5], population variances [1.25, 5].
const batch = () => tensor([1, 2, 2, 4, 3, 6, 4, 8], [4, 2]);

describe('BatchNormalization', () => {
  beforeEach(() => clearSession());

  it('normalizes with batch statistics in training and updates the moving averages', () => {
    const x = batch();
    const bn = new BatchNormalization({ momentum: 0.9, epsilon: 1e-3 });
    const before = memory().numTensors + 4; // the four weights built on first call
    const y = run(() => bn.apply(x, { training: true }) as Tensor);
    const s0 = Math.sqrt(1.25 + 1e-3);
    const s1 = Math.sqrt(5 + 1e-3);
    expectClose(y, [-1.5 / s0, -3 / s1, -0.5 / s0, -1 / s1, 0.5 / s0, 1 / s1, 1.5 / s0, 3 / s1]);
    // moving = moving * 0.9 + batch * 0.1, from mean 0 and variance 1.
    expectClose(values(bn.movingMean!), [0.25, 0.5]);
    expectClose(values(bn.movingVariance!), [1.025, 1.4]);
    expect(memory().numTensors).toBe(before);

    run(() => bn.apply(x, { training: true }) as Tensor);
    expectClose(values(bn.movingMean!), [0.475, 0.95]);
    expectClose(values(bn.movingVariance!), [1.025 * 0.9 + 0.125, 1.4 * 0.9 + 0.5]);
    expect(memory().numTensors).toBe(before);
    x.dispose();
    bn.dispose();
  });

  it('uses the moving statistics, gamma and beta at inference, without updating them', () => {
    const x = batch();
    const bn = new BatchNormalization({ momentum: 0.9 });
    run(() => bn.apply(x, { training: true }) as Tensor);
    const gamma = tensor([2, 1]);
    const beta = tensor([0, 1]);
    const [oldGamma, oldBeta, oldMean, oldVar] = bn.getWeights();
    bn.setWeights([gamma, beta, oldMean, oldVar]);
    const y = run(() => bn.apply(x) as Tensor);
    const s0 = Math.sqrt(1.025 + 1e-3);
    const s1 = Math.sqrt(1.4 + 1e-3);
    expectClose(y, [1, 2, 2, 4, 3, 6, 4, 8].map((v, i) => (i % 2 === 0 ? (2 * (v - 0.25)) / s0 : (v - 0.5) / s1 + 1)));
    expectClose(values(bn.movingMean!), [0.25, 0.5]);
    dispose([x, gamma, beta, oldGamma, oldBeta, oldMean, oldVar]);
    bn.dispose();
  });

  it('a frozen layer runs in inference mode even in training (as Keras 3)', () => {
    const x = batch();
    const bn = new BatchNormalization();
    bn.trainable = false;
    const y = run(() => bn.apply(x, { training: true }) as Tensor);
    expectClose(y, [1, 2, 2, 4, 3, 6, 4, 8].map((v) => v / Math.sqrt(1 + 1e-3)));
    expectClose(values(bn.movingMean!), [0, 0]);
    x.dispose();
    bn.dispose();
  });

  it('normalizes axis 1 of channels-first images as axis -1 of channels-last ones', () => {
    const xLast = randomNormal([3, 2, 2, 4], { seed: 2 });
    const xFirst = transpose(xLast, [0, 3, 1, 2]);
    const last = new BatchNormalization({ momentum: 0.5 });
    const first = new BatchNormalization({ axis: 1, momentum: 0.5 });
    const a = run(() => last.apply(xLast, { training: true }) as Tensor);
    const b = run(() => transpose(first.apply(xFirst, { training: true }) as Tensor, [0, 2, 3, 1]));
    expectClose(b, a);
    expectClose(values(first.movingMean!), values(last.movingMean!));
    expectClose(values(first.movingVariance!), values(last.movingVariance!));
    dispose([xLast, xFirst]);
    last.dispose();
    first.dispose();
  });

  it('updates the moving statistics during fit, trains gamma and beta, and leaks nothing', async () => {
    const x = batch();
    const y = tensor([[1], [0], [1], [0]]);
    const bn = new BatchNormalization({ momentum: 0.5, inputShape: [2] });
    const model = new Sequential([bn, new Dense({ units: 1, kernelInitializer: 'ones' })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const start = memory().numTensors;
    await model.fit(x, y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
    expect(memory().numTensors).toBe(start);
    // One step: moving = moving * 0.5 + batch * 0.5.
    expectClose(values(bn.movingMean!), [1.25, 2.5]);
    expectClose(values(bn.movingVariance!), [1.125, 3]);
    expect(values(bn.gamma!)).not.toEqual([1, 1]);
    expect(values(bn.beta!)).not.toEqual([0, 0]);
    // evaluate and predict run in inference mode: nothing moves.
    await model.evaluate(x, y, { verbose: 0 });
    const p = model.predict(x) as Tensor;
    p.dispose();
    expectClose(values(bn.movingMean!), [1.25, 2.5]);
    await model.fit(x, y, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
    expect(memory().numTensors).toBe(start);
    dispose([x, y]);
    model.dispose();
  });

  it('a frozen BatchNormalization keeps its statistics and weights through fit', async () => {
    const x = batch();
    const y = tensor([[1], [0], [1], [0]]);
    const bn = new BatchNormalization({ inputShape: [2] });
    const model = new Sequential([bn, new Dense({ units: 1 })]);
    bn.trainable = false;
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(model.trainableWeights).toHaveLength(2);
    const start = memory().numTensors;
    await model.fit(x, y, { batchSize: 2, epochs: 2, verbose: 0 });
    expect(memory().numTensors).toBe(start);
    expect(values(bn.movingMean!)).toEqual([0, 0]);
    expect(values(bn.movingVariance!)).toEqual([1, 1]);
    expect(values(bn.gamma!)).toEqual([1, 1]);
    dispose([x, y]);
    model.dispose();
  });

  it('rejects a bad axis or an unknown feature size', () => {
    const bn = new BatchNormalization({ axis: 3 });
    const x = batch();
    expect(() => bn.apply(x)).toThrow(/axis 3 is out of range for inputs of rank 2/);
    expect(() => new BatchNormalization({ epsilon: 0 })).toThrow(/epsilon to be a positive number/);
    x.dispose();
  });
});

describe('LayerNormalization', () => {
  beforeEach(() => clearSession());

  it('normalizes each sample over its features, the same in training and inference', () => {
    const x = tensor([1, 2, 3, 2, 4, 6], [2, 3]);
    const ln = new LayerNormalization();
    const s0 = Math.sqrt(2 / 3 + 1e-3);
    const s1 = Math.sqrt(8 / 3 + 1e-3);
    const want = [-1 / s0, 0, 1 / s0, -2 / s1, 0, 2 / s1];
    expectClose(run(() => ln.apply(x) as Tensor), want);
    expectClose(run(() => ln.apply(x, { training: true }) as Tensor), want);
    x.dispose();
    ln.dispose();
  });

  it('normalizes over several axes with gamma and beta of their shape', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const ln = new LayerNormalization({ axis: [1, 2], epsilon: 1e-6, betaInitializer: 'ones' });
    const y = run(() => ln.apply(x) as Tensor);
    const s = Math.sqrt(1.25 + 1e-6); // values 1..4: mean 2.5, variance 1.25
    expectClose(y, [-1.5, -0.5, 0.5, 1.5, -1.5, -0.5, 0.5, 1.5].map((v) => v / s + 1));
    expect(ln.weights.map((w) => w.shape)).toEqual([[2, 2], [2, 2]]);
    x.dispose();
    ln.dispose();
  });

  it('normalizes a middle axis (gamma reshaped to broadcast)', () => {
    const x = tensor([1, 10, 3, 30], [1, 2, 2]); // axis 1 holds [1, 3] and [10, 30]
    const ln = new LayerNormalization({ axis: 1, gammaInitializer: 'ones' });
    const y = run(() => ln.apply(x) as Tensor);
    const s0 = Math.sqrt(1 + 1e-3);
    const s1 = Math.sqrt(100 + 1e-3);
    expectClose(y, [-1 / s0, -10 / s1, 1 / s0, 10 / s1]);
    x.dispose();
    ln.dispose();
  });
});
