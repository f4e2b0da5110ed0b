import '@tessera/cpu-backend';
import { describe, expect, it } from 'vitest';
import { dispose, grads, memory, sigmoid, softmax, tensor, tidy } from '@tessera/tensor';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Hinge,
  Huber,
  KLDivergence,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  attachLogits,
  categoricalCrossentropy,
} from '../src/index.js';

describe('memory', () => {
  const yTrue = tensor([[0, 1, 0], [0, 0, 1]]);
  const labels = tensor([1, 2], undefined, 'int32');
  const logits = tensor([[100, 0, -100], [0.5, 1, -2]]);
  const weights = tensor([0.3, 0.7]);

  it('a loss and its gradient inside grads leave the number of tensors unchanged', () => {
    const before = memory().numTensors;
    const losses = [
      new CategoricalCrossentropy({ labelSmoothing: 0.1 }),
      new SparseCategoricalCrossentropy({ ignoreClass: 0 }),
      new BinaryCrossentropy(),
    ];
    for (const loss of losses) {
      const target = loss instanceof SparseCategoricalCrossentropy ? labels : yTrue;
      const act = loss instanceof BinaryCrossentropy ? 'sigmoid' : 'softmax';
      const [g] = grads((x) => {
        const p = act === 'sigmoid' ? sigmoid(x) : softmax(x);
        return loss.compute(target, attachLogits(p, x, act), weights);
      })([logits]);
      g.dispose();
    }
    expect(memory().numTensors).toBe(before);
  });

  it('every loss computed inside tidy (arrays, weights, reductions) frees its temporaries', () => {
    const before = memory().numTensors;
    const value = tidy(() => {
      const p = softmax(logits);
      const all = [
        new MeanSquaredError().compute(yTrue, p, [1, 2]),
        new MeanAbsoluteError({ reduction: 'none' }).compute(yTrue, p),
        new Huber().compute([[0, 1, 0], [0, 0, 1]], p),
        new KLDivergence({ reduction: 'sum' }).compute(yTrue, p),
        new Hinge().compute(yTrue, p),
        new SparseCategoricalCrossentropy({ ignoreClass: 1 }).compute([1, 2], p),
        categoricalCrossentropy(yTrue, p),
      ];
      return all[0];
    });
    expect(memory().numTensors).toBe(before + 1);
    value.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('a loss that throws leaks nothing', () => {
    const before = memory().numTensors;
    expect(() => categoricalCrossentropy([1, 2], logits)).toThrow();
    expect(() => new SparseCategoricalCrossentropy().compute([0, 7], logits)).toThrow();
    expect(() => new MeanSquaredError().compute(yTrue, logits, [1, 2, 3])).toThrow();
    expect(memory().numTensors).toBe(before);
  });

  it('called outside tidy, a loss returns one new tensor', () => {
    const p = softmax(logits);
    const before = memory().numTensors;
    const l = new CategoricalCrossentropy().compute(yTrue, attachLogits(p, logits, 'softmax'), [1, 2]);
    expect(memory().numTensors).toBe(before + 1);
    dispose([l, p]);
  });
});
