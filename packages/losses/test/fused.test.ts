// Crossentropy from logits over the class axis runs the fused softmax-crossentropy kernel
// (forward and gradient); the probabilities path keeps Keras's clipping and its kernels.
import '@tessera/cpu-backend';
import * as tf from '@tessera/tensor';
import { describe, expect, it, vi } from 'vitest';
import { attachLogits, categoricalCrossentropy, sparseCategoricalCrossentropy } from '../src/index.js';
import { cce, expectClose } from './helpers.js';

/** The kernels `fn` runs. */
function kernelsOf(fn: () => unknown): string[] {
  const spy = vi.spyOn(tf.getEngine(), 'runKernel');
  try {
    tf.tidy(() => {
      fn();
    });
    return spy.mock.calls.map(([name]) => name);
  } finally {
    spy.mockRestore();
  }
}

const z = [
  [2, -1, 0.5, 30],
  [-3, 0, 1, 2],
];
const y = [
  [0, 0, 1, 0],
  [0.1, 0.2, 0.3, 0.4],
];

/** -sum(y * logSoftmax(z)) and its gradient softmax(z) * sum(y) - y, per row, in float64. */
function reference(zs: number[][], ys: number[][]): { loss: number[]; grad: number[][] } {
  const rows = zs.map((row, i) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const sy = ys[i].reduce((a, b) => a + b, 0);
    return {
      loss: -row.reduce((s, v, j) => s + ys[i][j] * (v - lse), 0),
      grad: row.map((v, j) => Math.exp(v - lse) * sy - ys[i][j]),
    };
  });
  return { loss: rows.map((r) => r.loss), grad: rows.map((r) => r.grad) };
}

describe('crossentropy from logits', () => {
  it('categorical with fromLogits runs SoftmaxCrossEntropyWithLogits, forward and backward', () => {
    const forward = kernelsOf(() => categoricalCrossentropy(y, tf.tensor(z), { fromLogits: true }));
    expect(forward).toContain('SoftmaxCrossEntropyWithLogits');
    expect(forward).not.toContain('Exp');
    const logits = tf.tensor(z);
    const backward = kernelsOf(() => tf.grads((t: tf.Tensor) => tf.sum(categoricalCrossentropy(y, t, { fromLogits: true })))([logits]));
    expect(backward).toContain('SoftmaxCrossEntropyWithLogitsGrad');
    const ref = reference(z, y);
    expectClose(categoricalCrossentropy(y, logits, { fromLogits: true }), ref.loss, 1e-6);
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(categoricalCrossentropy(y, t, { fromLogits: true })))([logits]);
    expectClose(g, ref.grad, 1e-6);
    tf.dispose([logits, g]);
  });

  it('categorical on a softmax output with attached logits takes the same kernel', () => {
    const logits = tf.tensor(z);
    const probs = attachLogits(tf.softmax(logits), logits, 'softmax');
    expect(kernelsOf(() => categoricalCrossentropy(y, probs))).toContain('SoftmaxCrossEntropyWithLogits');
    expectClose(categoricalCrossentropy(y, probs), reference(z, y).loss, 1e-6);
    tf.dispose([logits, probs]);
  });

  it('sparse categorical with fromLogits one-hot encodes the labels, then takes the same kernel', () => {
    const kernels = kernelsOf(() => sparseCategoricalCrossentropy([2, 0], tf.tensor(z), { fromLogits: true }));
    expect(kernels).toContain('OneHot');
    expect(kernels).toContain('SoftmaxCrossEntropyWithLogits');
    expectClose(sparseCategoricalCrossentropy([2, 0], tf.tensor(z), { fromLogits: true }), reference(z, [[0, 0, 1, 0], [1, 0, 0, 0]]).loss, 1e-6);
  });

  it('logits on another axis keep the logSoftmax path', () => {
    const zt = tf.transpose(tf.tensor(z));
    const kernels = kernelsOf(() => categoricalCrossentropy(tf.transpose(tf.tensor(y)), zt, { fromLogits: true, axis: 0 }));
    expect(kernels).not.toContain('SoftmaxCrossEntropyWithLogits');
    expectClose(categoricalCrossentropy(tf.transpose(tf.tensor(y)), zt, { fromLogits: true, axis: 0 }), reference(z, y).loss, 1e-5);
  });

  it('probabilities without logits keep the clipped Keras path (no fused kernel)', () => {
    const p = [
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ];
    const labels = [
      [0, 0, 1],
      [0, 0, 1],
    ];
    expect(kernelsOf(() => categoricalCrossentropy(labels, p))).not.toContain('SoftmaxCrossEntropyWithLogits');
    expectClose(categoricalCrossentropy(labels, p), [cce(labels[0], p[0]), cce(labels[1], p[1])], 1e-5);
  });
});
