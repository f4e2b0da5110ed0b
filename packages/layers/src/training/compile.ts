import { getLoss, type Loss, type LossIdentifier } from '@tessera/losses';
import { getOptimizer, type Optimizer, type OptimizerIdentifier } from '@tessera/optimizers';
import { ValueError } from '@tessera/tensor';
import type { Model } from '../engine/model.js';
import type { Metric } from '../metrics/metric.js';
import { resolveMetric, type MetricIdentifier } from '../metrics/resolve.js';

/** Arguments of `compile` (Keras's, camelCase). */
export interface CompileArgs {
  /** `'adam'`, `'rmsprop'`, ... or an Optimizer. */
  optimizer: OptimizerIdentifier;
  /** One loss for every output, one per output (list), or per output name (object). */
  loss: LossIdentifier | LossIdentifier[] | Record<string, LossIdentifier>;
  /** Metrics for every output (list), or per output name (object). */
  metrics?: MetricIdentifier[] | Record<string, MetricIdentifier[]>;
  /** Weights of the outputs' losses in the total (default 1 each). */
  lossWeights?: number[] | Record<string, number>;
}

/** What `compile` resolved. */
export interface CompiledState {
  readonly optimizer: Optimizer;
  /** One per output. */
  readonly losses: Loss[];
  readonly lossWeights: number[];
  /** Per output, its metrics. */
  readonly metrics: Metric[][];
  /** Output layer names (prefixes of per-output logs). */
  readonly outputNames: string[];
}

function perOutput<T>(value: T | T[] | Record<string, T>, names: string[], what: string, isLeaf: (v: unknown) => boolean): T[] {
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new ValueError(`compile: ${what} has ${value.length} entries but the model has ${names.length} outputs (${names.join(', ')})`);
    }
    return value;
  }
  if (!isLeaf(value) && value !== null && typeof value === 'object') {
    const rec = value as Record<string, T>;
    for (const k of Object.keys(rec)) {
      if (!names.includes(k)) throw new ValueError(`compile: ${what} names output '${k}', but the outputs are ${names.join(', ')}`);
    }
    return names.map((n) => {
      if (!(n in rec)) throw new ValueError(`compile: ${what} has no entry for output '${n}'`);
      return rec[n];
    });
  }
  return names.map(() => value as T);
}

const isLossLeaf = (v: unknown) => typeof v === 'string' || typeof v === 'function' || (typeof v === 'object' && v !== null && ('compute' in v || 'class_name' in v));

function requireLoss(name: string, args: CompileArgs): void {
  if (!args || args.loss === undefined) throw new ValueError(`${name}.compile: a loss is required (e.g. loss: 'categorical_crossentropy')`);
}

/**
 * `compile` of a model that is not built yet: checks what can be checked without its
 * outputs (a loss is given, every loss, metric and optimizer id resolves) and returns the
 * optimizer; {@link compileModel} completes the compile once the model is built.
 */
export function checkDeferredCompile(name: string, args: CompileArgs): Optimizer {
  requireLoss(name, args);
  const loss = args.loss;
  const ids: LossIdentifier[] = isLossLeaf(loss) ? [loss as LossIdentifier] : Array.isArray(loss) ? loss : Object.values(loss as Record<string, LossIdentifier>);
  for (const id of ids) getLoss(id);
  const metrics = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : Object.values(args.metrics).flat();
  for (const id of metrics) if (typeof id === 'string') resolveMetric(id, '', [null, null]);
  return getOptimizer(args.optimizer);
}

/** Resolves `compile`'s arguments against a model's outputs (with the optimizer already made, when given). */
export function compileModel(model: Model, args: CompileArgs, made?: Optimizer): CompiledState {
  requireLoss(model.name, args);
  const outputNames = model.outputs.map((o) => o.sourceLayer.name);
  if (outputNames.length === 0) throw new ValueError(`${model.name}.compile: the model has no layers or unknown input shape; add layers first`);
  const optimizer = made ?? getOptimizer(args.optimizer);
  const losses = perOutput<LossIdentifier>(args.loss, outputNames, 'loss', isLossLeaf).map((l) => getLoss(l));
  const lossWeights = args.lossWeights
    ? perOutput<number>(args.lossWeights, outputNames, 'lossWeights', (v) => typeof v === 'number')
    : outputNames.map(() => 1);
  const metricIds = args.metrics
    ? Array.isArray(args.metrics)
      ? outputNames.map(() => args.metrics as MetricIdentifier[])
      : perOutput<MetricIdentifier[]>(args.metrics, outputNames, 'metrics', Array.isArray)
    : outputNames.map(() => []);
  const multi = outputNames.length > 1;
  const metrics = metricIds.map((ids, i) =>
    ids.map((id) => {
      const m = resolveMetric(id, losses[i].name, model.outputs[i].shape);
      return multi ? renamed(m, `${outputNames[i]}_${m.name}`) : m;
    }),
  );
  // Create the optimizer's slots now (as Keras builds it for a built model), so the
  // memory a training run holds is allocated before it starts.
  if (model.built) optimizer.build(model.trainableWeights);
  return { optimizer, losses, lossWeights, metrics, outputNames };
}

// Per-output metric names carry the output's name, as Keras logs them.
function renamed(m: Metric, name: string): Metric {
  return Object.create(m, { name: { value: name } }) as Metric;
}
