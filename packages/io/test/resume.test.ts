import '@tessera/cpu-backend';
import { BatchNormalization, Dense, Dropout, Sequential, clearSession, type Model } from '@tessera/layers';
import { Prng, dispose, oneHot, setRandomSeed, tensor, type Tensor } from '@tessera/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../src/index.js';

function data(): { x: Tensor; y: Tensor } {
  const rng = new Prng(3);
  const n = 96;
  const xs: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push(Math.cos(c * 2) * 2 + rng.nextNormal() * 0.5, Math.sin(c * 2) * 2 + rng.nextNormal() * 0.5, rng.nextNormal());
    labels.push(c);
  }
  const l = tensor(labels, [n], 'int32');
  const y = oneHot(l, 3);
  l.dispose();
  return { x: tensor(xs, [n, 3]), y };
}

function build(optimizer: string): Model {
  const model = new Sequential([
    new Dense({ units: 16, activation: 'relu', inputShape: [3] }),
    new BatchNormalization(),
    new Dropout({ rate: 0.2 }),
    new Dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

const fitArgs = { batchSize: 16, shuffle: false, verbose: 0 as const };

afterEach(() => setRandomSeed(undefined));

describe('save with optimizer state, load with compile: fit continues as if never stopped', () => {
  for (const optimizer of ['adam', 'rmsprop', 'sgd']) {
    for (const format of ['keras', 'h5'] as const) {
      it(`${optimizer}, .${format}`, async () => {
        const { x, y } = data();
        // Uninterrupted: 3 epochs, then 3 more.
        clearSession();
        setRandomSeed(1);
        const a = build(optimizer);
        const first = (await a.fit(x, y, { ...fitArgs, epochs: 3 })).history.loss;
        setRandomSeed(2);
        const straight = (await a.fit(x, y, { ...fitArgs, epochs: 3 })).history;
        // Interrupted: 3 epochs, save, load in a fresh model, 3 more.
        clearSession();
        setRandomSeed(1);
        const b = build(optimizer);
        const firstB = (await b.fit(x, y, { ...fitArgs, epochs: 3 })).history.loss;
        expect(firstB).toEqual(first);
        const bytes = await saveModel(b, null, { format });
        b.dispose();
        const resumed = await loadModel(bytes, { compile: true });
        expect(resumed.optimizer!.iterations).toBe(18);
        setRandomSeed(2);
        const after = (await resumed.fit(x, y, { ...fitArgs, epochs: 3 })).history;
        expect(after.loss).toEqual(straight.loss);
        expect(after.accuracy).toEqual(straight.accuracy);
        a.dispose();
        resumed.dispose();
        dispose([x, y]);
      });
    }
  }
});
