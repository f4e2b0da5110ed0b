import {
  add,
  concat,
  dispose,
  keep,
  mul,
  reshape,
  tidy,
  ValueError,
  variableGrads,
  type Tensor,
} from '@tessera/tensor';
import type { Data, Model } from '../engine/model.js';
import type { CompiledState } from './compile.js';
import { checkedData, checkOptions } from './checks.js';
import { exclusive } from './exclusive.js';
import { asList } from './data.js';

/** Names of the values a step reports, in the order of its statistics. */
export function logNames(c: CompiledState): string[] {
  const names = ['loss'];
  if (c.outputNames.length > 1) names.push(...c.outputNames.map((n) => `${n}_loss`));
  for (const ms of c.metrics) for (const m of ms) names.push(m.name);
  return names;
}

/**
 * The compiled state, or the error Keras gives for `fit` before `compile`. A model compiled
 * before it was built is built here from the shapes of its first data `x`.
 */
export function requireCompiled(model: Model, what: string, x?: Data): CompiledState {
  if (!model.compiled && model.compilePending && x !== undefined) {
    const xs = asList(x, 'x', model.name);
    model.build(xs.map((t) => [null, ...t.shape.slice(1)]));
  }
  if (!model.compiled) {
    throw new ValueError(`${model.name}: you must call compile() before ${what}() (e.g. model.compile({ optimizer: 'adam', loss: 'mse' }))`);
  }
  return model.compiled;
}

/**
 * Total loss (weighted output losses, weight regularization, and the losses layers added
 * during the forward pass) and per-output losses. `preds` are the model outputs for `ys`.
 */
export function computeLosses(
  model: Model,
  c: CompiledState,
  ys: Tensor[],
  preds: Tensor[],
  added: readonly Tensor[] = [],
  masks: readonly (Tensor | undefined)[] = [],
): { total: Tensor; perOutput: Tensor[] } {
  const perOutput = preds.map((p, i) => c.losses[i].compute(ys[i], p, undefined, masks[i]));
  let total = perOutput.reduce((acc, l, i) => {
    const w = c.lossWeights[i] === 1 ? l : mul(l, c.lossWeights[i]);
    return acc ? add(acc, w) : w;
  }, undefined as Tensor | undefined)!;
  for (const r of model.regularizationLosses()) total = add(total, r);
  for (const r of added) total = add(total, r);
  return { total, perOutput };
}

/**
 * The statistics of a batch as one 1-D tensor: `[loss, (per-output losses), ...metric stats]`,
 * so reading a step's logs is a single transfer. Also returns each metric's stat length.
 */
export function batchStatistics(
  c: CompiledState,
  total: Tensor,
  perOutput: Tensor[],
  ys: Tensor[],
  preds: Tensor[],
  masks: readonly (Tensor | undefined)[] = [],
): { stats: Tensor; sizes: number[] } {
  return tidy(() => {
    const parts: Tensor[] = [reshape(total, [1])];
    if (perOutput.length > 1) parts.push(...perOutput.map((l) => reshape(l, [1])));
    const sizes: number[] = [];
    c.metrics.forEach((ms, i) =>
      ms.forEach((m) => {
        const s = m.batchStats(ys[i], preds[i], masks[i]);
        sizes.push(s.size);
        parts.push(s);
      }),
    );
    return { stats: concat(parts), sizes };
  });
}

/**
 * One optimizer step on a batch; returns the batch statistics tensor (the caller reads
 * and disposes it). Leaves no other tensor behind.
 */
export function trainStep(model: Model, c: CompiledState, xs: Tensor[], ys: Tensor[]): { stats: Tensor; sizes: number[] } {
  const vars = model.trainableWeights;
  if (vars.length === 0) throw new ValueError(`${model.name} has no trainable weights; nothing to train`);
  if (!c.optimizer.built) c.optimizer.build(vars);
  let preds: Tensor[] = [];
  let masks: (Tensor | undefined)[] = [];
  let perOutput: Tensor[] = [];
  const { value, grads } = variableGrads(() => {
    const added: Tensor[] = [];
    const run = model.runMasked(xs, true, added);
    preds = run.outputs.map((p) => keep(p));
    // Masks (padded timesteps) are kept for the metrics, which are computed after the step.
    masks = run.masks.map((m) => (m === undefined ? m : keep(m)));
    const losses = computeLosses(model, c, ys, preds, added, masks);
    perOutput = losses.perOutput.map((l) => keep(l));
    return losses.total;
  }, vars);
  try {
    c.optimizer.applyGradients(vars.map((v) => [grads[v.name], v]));
    return batchStatistics(c, value, perOutput, ys, preds, masks);
  } finally {
    // A model that returns its input unchanged must not free the caller's tensor.
    dispose([value, grads, preds.filter((p) => !xs.includes(p)), perOutput, masks.filter((m): m is Tensor => m !== undefined)]);
  }
}

/** Splits a stats vector into per-metric slices and folds them into the metrics. */
export class StatsFolder {
  private lossSum: number[] = [];
  private samples = 0;

  constructor(private readonly c: CompiledState) {
    this.reset();
  }

  reset(): void {
    const n = this.c.outputNames.length > 1 ? 1 + this.c.outputNames.length : 1;
    this.lossSum = new Array(n).fill(0);
    this.samples = 0;
    for (const ms of this.c.metrics) for (const m of ms) m.reset();
  }

  fold(stats: ArrayLike<number>, sizes: number[], batchSize: number): void {
    const nLoss = this.lossSum.length;
    for (let i = 0; i < nLoss; i++) this.lossSum[i] += stats[i] * batchSize;
    this.samples += batchSize;
    let offset = nLoss;
    let k = 0;
    for (const ms of this.c.metrics) {
      for (const m of ms) {
        m.accumulate(Array.prototype.slice.call(stats, offset, offset + sizes[k]));
        offset += sizes[k++];
      }
    }
  }

  /** Running values, named as Keras logs them (with an optional `val_` prefix). */
  logs(prefix = ''): Record<string, number> {
    const names = logNames(this.c);
    const out: Record<string, number> = {};
    this.lossSum.forEach((s, i) => (out[prefix + names[i]] = this.samples ? s / this.samples : 0));
    for (const ms of this.c.metrics) for (const m of ms) out[prefix + m.name] = m.result();
    return out;
  }
}

/** Keras's return value: the loss alone, or `[loss, ...metrics]`. */
export function scalarOrList(logs: Record<string, number>): number | number[] {
  const values = Object.values(logs);
  return values.length === 1 ? values[0] : values;
}

/** Options of `trainOnBatch`. */
export interface TrainOnBatchArgs {
  /** Check `x` and `y` for NaN and Infinity first (default true). */
  checkFinite?: boolean;
}

/** One step on one batch (Keras's `train_on_batch`). Refused while the model runs `fit`. */
export function trainOnBatch(model: Model, x: Data, y: Data, args: TrainOnBatchArgs = {}): Promise<number | number[]> {
  return exclusive(model, 'trainOnBatch', async () => {
    const where = `${model.name}.trainOnBatch`;
    checkOptions(where, args);
    const c = requireCompiled(model, 'trainOnBatch', x);
    const { xs, ys, n } = await checkedData(where, model, x, y, args?.checkFinite);
    const { stats, sizes } = trainStep(model, c, xs, ys);
    const values = await stats.data();
    stats.dispose();
    const folder = new StatsFolder(c);
    folder.fold(values, sizes, n);
    return scalarOrList(folder.logs());
  });
}
