import '@tessera/cpu-backend';
import { describe, expect, it } from 'vitest';
import { grads, mean, sigmoid, softmax, sum, tensor, type Tensor } from '@tessera/tensor';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  attachLogits,
  binaryCrossentropy,
  categoricalCrossentropy,
  huber,
  logitsOf,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../src/index.js';
import { expectClose, sigmoid as sig } from './helpers.js';

const allFinite = (t: Tensor) => Array.from(t.dataSync()).every(Number.isFinite);

/** softmax(z) - y, in float64: the exact gradient of crossentropy w.r.t. the logits. */
function softmaxMinus(z: number[], y: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v, i) => v / s - y[i]);
}

describe('a model output that carries softmax logits', () => {
  const z = [100, 0, -100];
  const y = [0, 0, 1];

  it('gives the exact loss (~200) where clipped probabilities give -log(1e-7) ~ 16.1', () => {
    const logits = tensor([z]);
    const probs = softmax(logits);
    expectClose(categoricalCrossentropy([y], probs), [16.118], 1e-4); // the clipped path
    attachLogits(probs, logits, 'softmax');
    expectClose(categoricalCrossentropy([y], probs), [200], 1e-6);
    expectClose(sparseCategoricalCrossentropy([2], probs), [200], 1e-6);
    // Keras uses the logits whatever fromLogits says: the output holds probabilities.
    expectClose(categoricalCrossentropy([y], probs, { fromLogits: true }), [200], 1e-6);
  });

  it('has a finite gradient w.r.t. the logits equal to softmax(z) - y', () => {
    const want = softmaxMinus(z, y); // [1, e^-100, -1]
    for (const loss of [
      (p: Tensor) => categoricalCrossentropy([y], p),
      (p: Tensor) => sparseCategoricalCrossentropy([2], p),
      (p: Tensor) => new CategoricalCrossentropy().compute([y], p),
    ]) {
      const [g] = grads((x) => loss(attachLogits(softmax(x), x, 'softmax')))([tensor([z])]);
      expect(allFinite(g)).toBe(true);
      expectClose(g, [want], 1e-6, [1, 3]);
    }
  });

  it('with label smoothing, the gradient is softmax(z) - smoothed y', () => {
    const s = 0.1;
    const ys = y.map((v) => v * (1 - s) + s / 3);
    const [g] = grads((x) => categoricalCrossentropy([y], attachLogits(softmax(x), x, 'softmax'), { labelSmoothing: s }))([tensor([z])]);
    expectClose(g, [softmaxMinus(z, ys)], 1e-6);
  });

  it('is ignored when the activation does not match, or the logits were disposed', () => {
    const logits = tensor([z]);
    const probs = attachLogits(softmax(logits), logits, 'sigmoid');
    expectClose(categoricalCrossentropy([y], probs), [16.118], 1e-4);
    const l2 = tensor([z]);
    const p2 = attachLogits(softmax(l2), l2, 'softmax');
    l2.dispose();
    expect(logitsOf(p2)).toBeUndefined();
    expectClose(categoricalCrossentropy([y], p2), [16.118], 1e-4);
  });
});

describe('a model output that carries sigmoid logits', () => {
  const x = [40, -40, 0, 3];
  const z = [0, 1, 1, 0];
  // Exact: mean(max(x,0) - x z + log1p(exp(-|x|))); gradient (sigmoid(x) - z) / n.
  const exact = x.reduce((a, xi, i) => a + Math.max(xi, 0) - xi * z[i] + Math.log1p(Math.exp(-Math.abs(xi))), 0) / x.length;
  const wantGrad = x.map((xi, i) => (sig(xi) - z[i]) / x.length);

  it('gives the exact loss where clipped probabilities saturate at ~16', () => {
    const logits = tensor([x]);
    const probs = sigmoid(logits);
    const clipped = binaryCrossentropy([z], probs).dataSync()[0];
    expect(clipped).toBeLessThan(exact / 2);
    attachLogits(probs, logits, 'sigmoid');
    expectClose(binaryCrossentropy([z], probs), [exact], 1e-6);
  });

  it('has a finite gradient w.r.t. the logits equal to (sigmoid(x) - z) / n', () => {
    for (const loss of [
      (p: Tensor) => binaryCrossentropy([z], p),
      (p: Tensor) => new BinaryCrossentropy().compute([z], p),
    ]) {
      const [g] = grads((v) => loss(attachLogits(sigmoid(v), v, 'sigmoid')))([tensor([x])]);
      expect(allFinite(g)).toBe(true);
      expectClose(g, [wantGrad], 1e-6, [1, 4]);
    }
  });

  it('fromLogits with huge logits stays finite, and the gradient at x = 0 is sigmoid(0) - z', () => {
    const big = tensor([[1e4, -1e4, 0]]);
    const [g] = grads((v) => binaryCrossentropy([[0, 1, 1]], v, { fromLogits: true }))([big]);
    expectClose(binaryCrossentropy([[0, 1, 1]], big, { fromLogits: true }), [(1e4 + 1e4 + Math.LN2) / 3], 1e-6);
    expectClose(g, [[1 / 3, -1 / 3, -0.5 / 3]], 1e-6);
  });
});

describe('gradients of the other losses', () => {
  const yT = [[0, 1, -2], [3, 0.5, 0]];
  const yP = [[0.5, -1, -2.5], [1, 0.25, 0.1]];
  const n = 6;

  it('mean of meanSquaredError: 2 (p - y) / n', () => {
    const [g] = grads((p) => mean(meanSquaredError(yT, p)))([tensor(yP)]);
    expectClose(g, yP.map((r, i) => r.map((v, j) => (2 * (v - yT[i][j])) / n)), 1e-6);
  });

  it('meanAbsoluteError: sign(p - y) / 3 per row; huber: clipped error / 3', () => {
    const [ga] = grads((p) => sum(meanAbsoluteError(yT, p)))([tensor(yP)]);
    expectClose(ga, yP.map((r, i) => r.map((v, j) => Math.sign(v - yT[i][j]) / 3)), 1e-6);
    const [gh] = grads((p) => sum(huber(yT, p)))([tensor(yP)]);
    expectClose(gh, yP.map((r, i) => r.map((v, j) => Math.max(-1, Math.min(1, v - yT[i][j])) / 3)), 1e-6);
  });

  it('categorical crossentropy on (unsaturated) probabilities matches finite differences', () => {
    const y = [[0.2, 0.5, 0.3]];
    const p0 = [0.3, 0.45, 0.25];
    const [g] = grads((p) => sum(categoricalCrossentropy(y, p)))([tensor([p0])]);
    const f = (p: number[]) => {
      const s = p.reduce((a, b) => a + b, 0);
      return -p.reduce((a, v, i) => a + y[0][i] * Math.log(v / s), 0);
    };
    const h = 1e-6;
    const fd = p0.map((_, i) => (f(p0.map((v, j) => (j === i ? v + h : v))) - f(p0.map((v, j) => (j === i ? v - h : v)))) / (2 * h));
    expectClose(g, [fd], 1e-4);
  });
});
