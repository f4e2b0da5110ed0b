import '@tessera/cpu-backend';
import { describe, expect, it } from 'vitest';
import { tensor, transpose } from '@tessera/tensor';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  hinge,
  huber,
  klDivergence,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../src/index.js';
import * as ref from './helpers.js';
import { expectClose, rows } from './helpers.js';

// Probabilities that do not sum to 1 (row 2) and contain a 0 (row 1), so both the
// renormalization and the clipping of the probability path are exercised.
const oneHot = [[0, 1, 0], [0, 0, 1], [1, 0, 0]];
const soft = [[0.1, 0.7, 0.2], [0, 0.5, 0.5], [0.9, 0.05, 0.05]];
const probs = [[0.05, 0.95, 0], [0.2, 0.6, 0.4], [0.7, 0.2, 0.1]];
const logits = [[1, 2, 3], [-1, 0, 5], [2.5, -3, 0.5]];

describe('categoricalCrossentropy', () => {
  it('on probabilities: -sum(y log(clip(p / sum p)))', () => {
    expectClose(categoricalCrossentropy(oneHot, probs), rows(ref.cce, oneHot, probs), 1e-5, [3]);
    expectClose(categoricalCrossentropy(soft, probs), rows(ref.cce, soft, probs));
    // Keras's docstring example.
    expectClose(categoricalCrossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), [0.0513, 2.3026], 1e-3);
  });

  it('on logits: -sum(y (x - logsumexp x))', () => {
    expectClose(categoricalCrossentropy(oneHot, logits, { fromLogits: true }), rows(ref.cceLogits, oneHot, logits));
    expectClose(categoricalCrossentropy(soft, logits, { fromLogits: true }), rows(ref.cceLogits, soft, logits));
  });

  it('smooths labels toward 1 / numClasses, both ways', () => {
    const s = 0.2;
    const smoothed = oneHot.map((y) => ref.smooth(y, s));
    expectClose(categoricalCrossentropy(oneHot, probs, { labelSmoothing: s }), rows(ref.cce, smoothed, probs));
    expectClose(categoricalCrossentropy(oneHot, logits, { labelSmoothing: s, fromLogits: true }), rows(ref.cceLogits, smoothed, logits));
  });

  it('accepts int32 labels and another class axis', () => {
    expectClose(categoricalCrossentropy(tensor(oneHot, undefined, 'int32'), probs), rows(ref.cce, oneHot, probs));
    // Classes along axis 0: the transposed problem gives the same per-sample losses.
    const t = categoricalCrossentropy(transpose(tensor(oneHot)), transpose(tensor(logits)), { axis: 0, fromLogits: true });
    expectClose(t, rows(ref.cceLogits, oneHot, logits), 1e-5, [3]);
  });

  it('reduces the last axis of higher-rank inputs', () => {
    const y = tensor([oneHot, soft]);
    const x = tensor([logits, logits]);
    const want = [rows(ref.cceLogits, oneHot, logits), rows(ref.cceLogits, soft, logits)];
    expectClose(categoricalCrossentropy(y, x, { fromLogits: true }), want, 1e-5, [2, 3]);
  });
});

describe('sparseCategoricalCrossentropy', () => {
  const labels = [1, 2, 0];
  it('equals categorical crossentropy on the one-hot labels, for int32 and float32 labels, both shapes', () => {
    const want = rows(ref.cce, oneHot, probs);
    expectClose(sparseCategoricalCrossentropy(tensor(labels, undefined, 'int32'), probs), want, 1e-5, [3]);
    expectClose(sparseCategoricalCrossentropy(tensor(labels), probs), want);
    expectClose(sparseCategoricalCrossentropy(tensor([[1], [2], [0]], undefined, 'int32'), probs), want, 1e-5, [3]);
  });

  it('from logits', () => {
    expectClose(sparseCategoricalCrossentropy(labels, logits, { fromLogits: true }), rows(ref.cceLogits, oneHot, logits));
  });

  it('gives 0 where the label is ignoreClass', () => {
    const want = rows(ref.cceLogits, oneHot, logits);
    expectClose(sparseCategoricalCrossentropy([1, -1, 0], logits, { fromLogits: true, ignoreClass: -1 }), [want[0], 0, want[2]]);
  });
});

describe('binaryCrossentropy', () => {
  const y = [[0, 1, 1], [1, 0, 0]];
  const p = [[0.6, 0.4, 1], [0.9, 0.05, 0]];
  const x = [[-18.6, 0.51, 0], [2.94, -12.8, 30]];

  it('on probabilities, averaged over the last axis (p clipped to [1e-7, 1 - 1e-7])', () => {
    expectClose(binaryCrossentropy(y, p), rows(ref.bce, y, p), 1e-5, [2]);
    expectClose(binaryCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), [0.9163, 0.7136], 1e-3);
  });

  it('on logits: mean(max(x, 0) - x z + log1p(exp(-|x|)))', () => {
    expectClose(binaryCrossentropy(y, x, { fromLogits: true }), rows(ref.bceLogits, y, x));
  });

  it('smooths labels toward 0.5, both ways', () => {
    const s = 0.1;
    const ys = y.map((r) => ref.smoothBinary(r, s));
    expectClose(binaryCrossentropy(y, p, { labelSmoothing: s }), rows(ref.bce, ys, p));
    expectClose(binaryCrossentropy(y, x, { labelSmoothing: s, fromLogits: true }), rows(ref.bceLogits, ys, x));
  });

  it('meets [batch] labels with [batch, 1] predictions, and bool labels', () => {
    const t = binaryCrossentropy([1, 0, 1], [[0.8], [0.3], [0.6]]);
    expectClose(t, [ref.bce([1], [0.8]), ref.bce([0], [0.3]), ref.bce([1], [0.6])], 1e-5, [3]);
    expectClose(binaryCrossentropy(tensor([[true, false]]), [[0.8, 0.3]]), [ref.bce([1, 0], [0.8, 0.3])]);
  });
});

describe('regression and other losses', () => {
  const y = [[0, 1, -2], [3, 0.5, 0]];
  const p = [[0.5, -1, -2], [1, 0.25, 0.1]];

  it('meanSquaredError: mean((y - p)^2)', () => {
    expectClose(meanSquaredError(y, p), rows(ref.mse, y, p), 1e-6, [2]);
  });

  it('meanAbsoluteError: mean(|y - p|)', () => {
    expectClose(meanAbsoluteError(y, p), rows(ref.mae, y, p), 1e-6, [2]);
  });

  it('huber: quadratic within delta, linear beyond', () => {
    expectClose(huber(y, p), rows((a, b) => ref.huber(a, b, 1), y, p));
    expectClose(huber(y, p, 0.3), rows((a, b) => ref.huber(a, b, 0.3), y, p));
  });

  it('meets [batch] targets with [batch, 1] predictions (scalar per-sample losses for rank 1)', () => {
    expectClose(meanSquaredError([1, 2, 3], [[1.5], [2], [0]]), [0.25, 0, 9], 1e-6, [3]);
    expectClose(meanSquaredError([1, 2, 3], [1.5, 2, 0]), (0.25 + 9) / 3, 1e-6, []);
  });

  it('klDivergence: sum(y log(y / p)) with both clipped to [1e-7, 1]', () => {
    const t = [[0, 1], [0.3, 0.7]];
    const q = [[0.6, 0.4], [0.5, 0.5]];
    expectClose(klDivergence(t, q), rows(ref.kld, t, q), 1e-5, [2]);
  });

  it('hinge: 0/1 labels become -1/1; -1/1 labels are kept', () => {
    const q = [[0.6, -0.4, 2], [0.4, 0.6, -1.5]];
    const binary = [[0, 1, 1], [1, 0, 0]];
    const signed = binary.map((r) => r.map((v) => 2 * v - 1));
    expectClose(hinge(binary, q), rows(ref.hingeSigned, signed, q), 1e-6, [2]);
    expectClose(hinge(signed, q), rows(ref.hingeSigned, signed, q), 1e-6);
    // Labels that are not all 0/1 are used as given.
    const mixed = [[0.5, 1, -1], [1, 0, 2]];
    expectClose(hinge(mixed, q), rows(ref.hingeSigned, mixed, q), 1e-6);
  });

  it('returns float32 tensors of the batch shape', () => {
    const t = meanSquaredError(tensor([[[1, 2]], [[3, 4]]]), tensor([[[0, 0]], [[0, 0]]]));
    expect(t.shape).toEqual([2, 1]);
    expect(t.dtype).toBe('float32');
  });
});
