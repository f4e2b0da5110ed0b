import '@tessera/cpu-backend';
import { dispose, memory, tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import {
  binaryAccuracy,
  categoricalAccuracy,
  meanAbsoluteErrorMetric,
  meanSquaredErrorMetric,
  precision,
  recall,
  resolveMetric,
  sparseCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
  type Metric,
} from '../src/index.js';

/** Runs a metric over batches as fit does and returns its result. */
function run(metric: Metric, batches: Array<[number[][] | number[], number[][]]>): number {
  metric.reset();
  for (const [t, p] of batches) {
    const yTrue = tensor(t);
    const yPred = tensor(p);
    const stats = metric.batchStats(yTrue, yPred);
    metric.accumulate(stats.dataSync());
    dispose([yTrue, yPred, stats]);
  }
  return metric.result();
}

describe('metrics', () => {
  it('accuracy variants accumulate over batches', () => {
    const start = memory().numTensors;
    expect(run(categoricalAccuracy(), [[[[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]], [[[1, 0]], [[0.9, 0.1]]]])).toBeCloseTo(2 / 3);
    expect(run(sparseCategoricalAccuracy(), [[[1, 0, 2], [[0.1, 0.9, 0], [0.6, 0.3, 0.1], [0.5, 0.4, 0.1]]]])).toBeCloseTo(2 / 3);
    expect(run(binaryAccuracy(), [[[[1], [0], [1], [0]], [[0.7], [0.2], [0.4], [0.6]]]])).toBeCloseTo(0.5);
    expect(memory().numTensors).toBe(start);
  });

  it('top-k accuracy counts a label among the k highest scores', () => {
    const pred = [[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.4, 0.35, 0.25]];
    expect(run(topKCategoricalAccuracy(2), [[[[0, 1, 0], [1, 0, 0], [0, 0, 1]], pred]])).toBeCloseTo(1 / 3);
    expect(run(sparseTopKCategoricalAccuracy(2), [[[1, 0, 2], pred]])).toBeCloseTo(1 / 3);
  });

  it('regression metrics and precision/recall', () => {
    expect(run(meanSquaredErrorMetric(), [[[[1, 2]], [[2, 4]]]])).toBeCloseTo(2.5);
    expect(run(meanAbsoluteErrorMetric(), [[[[1, 2]], [[2, 4]]]])).toBeCloseTo(1.5);
    // tp = 2, fp = 1, fn = 1
    const t = [[1], [1], [0], [1], [0]];
    const p = [[0.9], [0.6], [0.7], [0.2], [0.1]];
    expect(run(precision(), [[t, p]])).toBeCloseTo(2 / 3);
    expect(run(recall(), [[t, p]])).toBeCloseTo(2 / 3);
  });

  it("resolves 'accuracy' as Keras does", () => {
    expect(resolveMetric('accuracy', 'categorical_crossentropy', [null, 10]).batchStats).toBeDefined();
    const names = [
      resolveMetric('accuracy', 'binary_crossentropy', [null, 1]),
      resolveMetric('acc', 'sparse_categorical_crossentropy', [null, 10]),
      resolveMetric('accuracy', 'categorical_crossentropy', [null, 10]),
    ].map((m) => m.name);
    expect(names).toEqual(['accuracy', 'acc', 'accuracy']);
    // The resolved kinds behave differently on the same data.
    const sparse = resolveMetric('accuracy', 'sparse_categorical_crossentropy', [null, 3]);
    expect(run(sparse, [[[2, 0], [[0, 0, 1], [1, 0, 0]]]])).toBe(1);
    const binary = resolveMetric('accuracy', 'mse', [null, 1]);
    expect(run(binary, [[[[1], [0]], [[0.9], [0.8]]]])).toBe(0.5);
  });
});
