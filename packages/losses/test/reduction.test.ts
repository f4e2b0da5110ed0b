import '@tessera/cpu-backend';
import { describe, expect, it } from 'vitest';
import { tensor } from '@tessera/tensor';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Hinge,
  Huber,
  KLDivergence,
  Loss,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  type Reduction,
} from '../src/index.js';
import * as ref from './helpers.js';
import { expectClose, rows } from './helpers.js';

const yT = [[0, 1], [0, 0], [1, 1]];
const yP = [[1, 1], [1, 0], [0.5, 0]];
const per = rows(ref.mse, yT, yP); // [0.5, 0.5, 0.625]
const w = [0.8, 0.2, 1];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const weighted = per.map((l, i) => l * w[i]);

describe('reductions (Keras reduce_weighted_values)', () => {
  const mse = (reduction: Reduction | null) => new MeanSquaredError({ reduction });

  it('without sample weights', () => {
    expectClose(mse('sum_over_batch_size').compute(yT, yP), sum(per) / 3, 1e-6, []);
    expectClose(mse('mean').compute(yT, yP), sum(per) / 3, 1e-6, []);
    expectClose(mse('sum').compute(yT, yP), sum(per), 1e-6, []);
    expectClose(mse('none').compute(yT, yP), per, 1e-6, [3]);
    expectClose(mse(null).compute(yT, yP), per, 1e-6, [3]);
    expectClose(mse('mean_with_sample_weight').compute(yT, yP), sum(per) / 3, 1e-6, []);
    expectClose(new MeanSquaredError().compute(yT, yP), sum(per) / 3, 1e-6, []); // the default
  });

  it('with sample weights of shape [batch], [batch, 1] and scalar', () => {
    expectClose(mse('sum_over_batch_size').compute(yT, yP, w), sum(weighted) / 3, 1e-6, []);
    expectClose(mse('sum').compute(yT, yP, w), sum(weighted), 1e-6, []);
    expectClose(mse('none').compute(yT, yP, w), weighted, 1e-6, [3]);
    expectClose(mse('mean_with_sample_weight').compute(yT, yP, w), sum(weighted) / sum(w), 1e-6, []);
    expectClose(mse('sum_over_batch_size').compute(yT, yP, tensor([[0.8], [0.2], [1]])), sum(weighted) / 3, 1e-6, []);
    expectClose(mse('sum').compute(yT, yP, 2), 2 * sum(per), 1e-6, []);
    expectClose(mse('sum').compute(yT, yP, tensor([1, 0, 2], undefined, 'int32')), per[0] + 2 * per[2], 1e-6, []);
  });

  it('reproduces the numbers of the Keras docstrings', () => {
    const y = [[0, 1, 0], [0, 0, 1]];
    const p = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
    expectClose(new CategoricalCrossentropy().compute(y, p), 1.177, 1e-3);
    expectClose(new CategoricalCrossentropy().compute(y, p, [0.3, 0.7]), 0.814, 1e-3);
    expectClose(new CategoricalCrossentropy({ reduction: 'sum' }).compute(y, p), 2.354, 1e-3);
    expectClose(new SparseCategoricalCrossentropy().compute([1, 2], p, [0.3, 0.7]), 0.814, 1e-3);
    const yb = [[0, 1], [0, 0]];
    const xb = [[-18.6, 0.51], [2.94, -12.8]];
    const bce = (reduction?: Reduction) => new BinaryCrossentropy({ fromLogits: true, reduction });
    expectClose(bce().compute(yb, xb), 0.865, 1e-3);
    expectClose(bce().compute(yb, xb, [0.8, 0.2]), 0.243, 1e-3);
    expectClose(bce('sum').compute(yb, xb), 1.730, 1e-3);
    expectClose(bce('none').compute(yb, xb), [0.235, 1.496], 1e-3);
  });

  it('every class reduces its per-sample losses the same way', () => {
    const y = [[0, 1], [1, 0]];
    const p = [[0.3, 0.6], [0.8, 0.4]];
    const cases: Array<[Loss, number[]]> = [
      [new MeanAbsoluteError(), rows(ref.mae, y, p)],
      [new Huber({ delta: 0.5 }), rows((a, b) => ref.huber(a, b, 0.5), y, p)],
      [new KLDivergence(), rows(ref.kld, y, p)],
      [new Hinge(), rows(ref.hingeSigned, y.map((r) => r.map((v) => 2 * v - 1)), p)],
      [new BinaryCrossentropy({ labelSmoothing: 0.2 }), rows(ref.bce, y.map((r) => ref.smoothBinary(r, 0.2)), p)],
      [new CategoricalCrossentropy({ labelSmoothing: 0.2 }), rows(ref.cce, y.map((r) => ref.smooth(r, 0.2)), p)],
    ];
    for (const [loss, want] of cases) {
      expectClose(loss.call(tensor(y), tensor(p)), want, 1e-5, [2]);
      expectClose(loss.compute(y, p, [2, 0.5]), (2 * want[0] + 0.5 * want[1]) / 2, 1e-5, []);
    }
  });
});

describe('SparseCategoricalCrossentropy with ignoreClass', () => {
  const logits = [[1, 2, 3], [0, 0, 0], [2.5, -3, 0.5]];
  const labels = [1, -1, 0];
  const l0 = ref.cceLogits([0, 1, 0], logits[0]);
  const l2 = ref.cceLogits([1, 0, 0], logits[2]);
  const make = (reduction?: Reduction) => new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction });

  it('averages over the samples that count only (Keras masks them)', () => {
    expectClose(make().compute(labels, logits), (l0 + l2) / 2, 1e-5, []);
    expectClose(make('sum').compute(labels, logits), l0 + l2, 1e-5, []);
    expectClose(make('none').compute(labels, logits), [l0, 0, l2], 1e-5, [3]);
    expectClose(make().call(tensor(labels), tensor(logits)), [l0, 0, l2], 1e-5, [3]);
  });

  it('combines the mask with sample weights', () => {
    // Keras: weights * mask * (total / valid), then sum / total.
    expectClose(make().compute(labels, logits, [1, 5, 3]), (1.5 * l0 + 4.5 * l2) / 3, 1e-5, []);
    expectClose(make('mean_with_sample_weight').compute(labels, logits, [1, 5, 3]), (l0 + 3 * l2) / 4, 1e-5, []);
  });

  it('gives 0 when every sample is ignored', () => {
    expectClose(make().compute([-1, -1], [[1, 2], [3, 4]]), 0, 0, []);
  });

  it('works with an in-range ignored class too', () => {
    const loss = new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 0 });
    expect(loss.compute([1, 0, 0], logits).dataSync()[0]).toBeCloseTo(l0, 5);
  });
});

describe('masks (the Keras mask of yPred, e.g. padded timesteps)', () => {
  const mask = () => tensor([true, false, true], [3], 'bool');
  it('masked losses count for nothing: the mean is over the unmasked ones (reduction none: zeroed, as Keras)', () => {
    expectClose(new MeanSquaredError().compute(yT, yP, undefined, mask()), (per[0] + per[2]) / 2, 1e-6, []);
    expectClose(new MeanSquaredError({ reduction: 'sum' }).compute(yT, yP, undefined, mask()), per[0] + per[2], 1e-6, []);
    expectClose(new MeanSquaredError({ reduction: 'none' }).compute(yT, yP, undefined, mask()), [per[0], 0, per[2]], 1e-6, [3]);
  });
  it('with sample weights: both apply', () => {
    const expected = (weighted[0] + weighted[2]) * 1.5 / 3;
    expectClose(new MeanSquaredError().compute(yT, yP, w, mask()), expected, 1e-6, []);
  });
});
