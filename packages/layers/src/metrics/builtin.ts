import {
  abs,
  argMax,
  cast,
  concat,
  equal,
  greater,
  greaterEqual,
  less,
  logicalAnd,
  logicalNot,
  mean,
  mul,
  range,
  reshape,
  squaredDifference,
  sub,
  sum,
  tidy,
  type Tensor,
} from '@tessera/tensor';
import { MeanMetric, type Metric } from './metric.js';

/** Integer class labels as int32, flattened to the batch (accepts `[n]` or `[n, 1]`, float or int). */
function labelsOf(yTrue: Tensor, batch: number): Tensor {
  return reshape(cast(yTrue, 'int32'), [batch]);
}

/**
 * Share of rows whose argmax matches the one-hot label's.
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: [categoricalAccuracy()] });
 * ```
 */
export function categoricalAccuracy(name = 'categorical_accuracy'): Metric {
  return new MeanMetric(name, (t, p) => equal(argMax(t, -1), argMax(p, -1)));
}

/**
 * Share of rows whose argmax equals the integer label.
 * @example
 * ```ts
 * sparseCategoricalAccuracy();
 * ```
 */
export function sparseCategoricalAccuracy(name = 'sparse_categorical_accuracy'): Metric {
  return new MeanMetric(name, (t, p) => equal(labelsOf(t, p.shape[0]), argMax(p, -1)));
}

/**
 * Share of predictions on the right side of `threshold` (default 0.5).
 * @example
 * ```ts
 * binaryAccuracy('accuracy', 0.5);
 * ```
 */
export function binaryAccuracy(name = 'binary_accuracy', threshold = 0.5): Metric {
  return new MeanMetric(name, (t, p) => equal(cast(greater(p, threshold), 'float32'), cast(t, 'float32')));
}

function inTopK(scores: Tensor, target: Tensor, k: number): Tensor {
  // The target is in the top k when fewer than k classes score strictly higher.
  const higher = sum(cast(greater(scores, target), 'int32'), -1);
  return less(higher, k);
}

/**
 * Share of rows whose one-hot label is among the `k` highest predictions (default 5).
 * @example
 * ```ts
 * topKCategoricalAccuracy(3);
 * ```
 */
export function topKCategoricalAccuracy(k = 5, name = 'top_k_categorical_accuracy'): Metric {
  return new MeanMetric(name, (t, p) => inTopK(p, sum(mul(p, cast(equal(t, 1), 'float32')), -1, true), k));
}

/**
 * Top-k accuracy with integer labels.
 * @example
 * ```ts
 * sparseTopKCategoricalAccuracy(5);
 * ```
 */
export function sparseTopKCategoricalAccuracy(k = 5, name = 'sparse_top_k_categorical_accuracy'): Metric {
  return new MeanMetric(name, (t, p) => {
    const classes = p.shape[p.shape.length - 1];
    const labels = labelsOf(t, p.shape[0]);
    const onehot = cast(equal(reshape(labels, [-1, 1]), rangeRow(classes)), 'float32');
    return inTopK(p, sum(mul(p, onehot), -1, true), k);
  });
}

function rangeRow(n: number): Tensor {
  return reshape(range(0, n, 1, 'int32'), [1, n]);
}

/**
 * Mean squared error as a metric.
 * @example
 * ```ts
 * meanSquaredErrorMetric();
 * ```
 */
export function meanSquaredErrorMetric(name = 'mean_squared_error'): Metric {
  return new MeanMetric(name, (t, p) => mean(squaredDifference(p, cast(t, 'float32')), -1));
}

/**
 * Mean absolute error as a metric.
 * @example
 * ```ts
 * meanAbsoluteErrorMetric();
 * ```
 */
export function meanAbsoluteErrorMetric(name = 'mean_absolute_error'): Metric {
  return new MeanMetric(name, (t, p) => mean(abs(sub(p, cast(t, 'float32'))), -1));
}

/** Precision or recall over thresholded binary predictions, accumulated as counts. */
class ConfusionRatio implements Metric {
  private hits = 0;
  private misses = 0;

  constructor(
    readonly name: string,
    private readonly kind: 'precision' | 'recall',
    private readonly threshold: number,
  ) {}

  batchStats(yTrue: Tensor, yPred: Tensor): Tensor {
    return tidy(() => {
      const predicted = greaterEqual(yPred, this.threshold);
      const actual = greaterEqual(cast(yTrue, 'float32'), 0.5);
      const tp = sum(cast(logicalAnd(predicted, actual), 'float32'));
      const other =
        this.kind === 'precision'
          ? sum(cast(logicalAnd(predicted, logicalNot(actual)), 'float32'))
          : sum(cast(logicalAnd(logicalNot(predicted), actual), 'float32'));
      return concat([reshape(tp, [1]), reshape(other, [1])]);
    });
  }

  accumulate(stats: ArrayLike<number>): void {
    this.hits += stats[0];
    this.misses += stats[1];
  }

  result(): number {
    const d = this.hits + this.misses;
    return d === 0 ? 0 : this.hits / d;
  }

  reset(): void {
    this.hits = 0;
    this.misses = 0;
  }

  getConfig() {
    return { name: this.name, thresholds: this.threshold, top_k: null, class_id: null };
  }
}

/**
 * Precision `tp / (tp + fp)` of predictions thresholded at 0.5.
 * @example
 * ```ts
 * model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: [precision()] });
 * ```
 */
export function precision(name = 'precision', threshold = 0.5): Metric {
  return new ConfusionRatio(name, 'precision', threshold);
}

/**
 * Recall `tp / (tp + fn)` of predictions thresholded at 0.5.
 * @example
 * ```ts
 * recall();
 * ```
 */
export function recall(name = 'recall', threshold = 0.5): Metric {
  return new ConfusionRatio(name, 'recall', threshold);
}
