import { ValueError } from '@tessera/tensor';
import type { LayerShape } from '../engine/symbolic.js';
import {
  binaryAccuracy,
  categoricalAccuracy,
  meanAbsoluteErrorMetric,
  meanSquaredErrorMetric,
  precision,
  recall,
  sparseCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from './builtin.js';
import type { Metric } from './metric.js';

/** A metric as `compile` accepts it: a Keras id or an instance. */
export type MetricIdentifier = string | Metric;

const BY_ID: Record<string, (name: string) => Metric> = {
  categorical_accuracy: (n) => categoricalAccuracy(n),
  sparse_categorical_accuracy: (n) => sparseCategoricalAccuracy(n),
  binary_accuracy: (n) => binaryAccuracy(n),
  top_k_categorical_accuracy: (n) => topKCategoricalAccuracy(5, n),
  sparse_top_k_categorical_accuracy: (n) => sparseTopKCategoricalAccuracy(5, n),
  mse: (n) => meanSquaredErrorMetric(n),
  mean_squared_error: (n) => meanSquaredErrorMetric(n),
  mae: (n) => meanAbsoluteErrorMetric(n),
  mean_absolute_error: (n) => meanAbsoluteErrorMetric(n),
  precision: (n) => precision(n),
  recall: (n) => recall(n),
};

/** Valid metric ids, for errors and docs. */
export const METRIC_IDS = ['accuracy', 'acc', ...Object.keys(BY_ID)];

/**
 * Resolves a metric as Keras's `compile` does: `'accuracy'`/`'acc'` becomes binary,
 * sparse categorical or categorical accuracy from the loss and the output shape.
 * @param lossName - the compiled loss's Keras name.
 * @param outputShape - the model output it applies to.
 */
export function resolveMetric(id: MetricIdentifier, lossName: string, outputShape: LayerShape): Metric {
  if (typeof id !== 'string') return id;
  if (id === 'accuracy' || id === 'acc') {
    const units = outputShape[outputShape.length - 1];
    if (lossName.includes('binary') || units === 1) return binaryAccuracy(id);
    if (lossName.includes('sparse')) return sparseCategoricalAccuracy(id);
    return categoricalAccuracy(id);
  }
  const make = BY_ID[id];
  if (!make) throw new ValueError(`Unknown metric '${id}'. Valid: ${METRIC_IDS.join(', ')}`);
  return make(id);
}
