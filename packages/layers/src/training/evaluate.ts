import { tidy, type Tensor } from '@tessera/tensor';
import { ProgbarLogger } from '../callbacks/progbar.js';
import type { Data, Model } from '../engine/model.js';
import type { CompiledState } from './compile.js';
import { sampleCount, sliceRows } from './data.js';
import { checkedData, checkOptions } from './checks.js';
import { exclusive } from './exclusive.js';
import { StatsFolder, batchStatistics, computeLosses, requireCompiled, scalarOrList } from './train_step.js';

/** Arguments of `evaluate`. */
export interface EvaluateArgs {
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** 1 (default) prints Keras's final progress line; 0 is silent. */
  verbose?: 0 | 1;
  /** Check `x` and `y` for NaN and Infinity first (default true). */
  checkFinite?: boolean;
}

/** Loss and metrics over data in batches, as logs (`val_` prefix for validation). */
export async function evaluateLogs(
  model: Model,
  c: CompiledState,
  xs: Tensor[],
  ys: Tensor[],
  batchSize: number,
  prefix = '',
): Promise<Record<string, number>> {
  const n = sampleCount({ x: xs, y: ys }, model.name);
  const folder = new StatsFolder(c);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const { stats, sizes } = tidy(() => {
      const xb = sliceRows(xs, start, end);
      const yb = sliceRows(ys, start, end);
      const added: Tensor[] = [];
      const { outputs: preds, masks } = model.runMasked(xb, false, added);
      const { total, perOutput } = computeLosses(model, c, yb, preds, added, masks);
      return batchStatistics(c, total, perOutput, yb, preds, masks);
    });
    const values = await stats.data();
    stats.dispose();
    folder.fold(values, sizes, end - start);
  }
  return folder.logs(prefix);
}

/** `model.evaluate`: the loss, or `[loss, ...metrics]`. Refused while the model runs `fit`. */
export function evaluateModel(model: Model, x: Data, y: Data, args: EvaluateArgs): Promise<number | number[]> {
  return exclusive(model, 'evaluate', async () => {
    const where = `${model.name}.evaluate`;
    checkOptions(where, args);
    const c = requireCompiled(model, 'evaluate', x);
    const { xs, ys } = await checkedData(where, model, x, y, args?.checkFinite);
    const batchSize = args?.batchSize ?? 32;
    const steps = Math.ceil(xs[0].shape[0] / batchSize);
    const bar = (args?.verbose ?? 1) === 1 ? new ProgbarLogger({ verbose: 1 }) : undefined;
    bar?.beginRun(steps);
    const logs = await evaluateLogs(model, c, xs, ys, batchSize);
    bar?.endRun(steps, logs);
    return scalarOrList(logs);
  });
}
