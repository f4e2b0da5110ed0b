import { concat, dispose, tidy, type Tensor } from '@tessera/tensor';
import type { Tensors } from '../engine/layer.js';
import type { Data, Model } from '../engine/model.js';
import { asList, sampleCount, sliceRows } from './data.js';
import { checkOptions, requireSamples } from './checks.js';

/** Arguments of `predict`. */
export interface PredictArgs {
  /** Samples per batch (default 32). */
  batchSize?: number;
}

/** `model.predict`: outputs for all samples, computed batch by batch. */
export function predictModel(model: Model, x: Data, args: PredictArgs): Tensors {
  const where = `${model.name}.predict`;
  checkOptions(where, args);
  const xs = asList(x, 'x', model.name);
  const n = sampleCount({ x: xs }, model.name);
  requireSamples(where, { x: xs });
  const batchSize = args?.batchSize ?? 32;
  const parts: Tensor[][] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    parts.push(tidy(() => model.run(sliceRows(xs, start, end), false)));
  }
  const outputs = model.outputs.map((_, i) => {
    const pieces = parts.map((p) => p[i]);
    return pieces.length === 1 ? pieces[0] : concat(pieces, 0);
  });
  if (parts.length > 1) dispose(parts);
  return outputs.length === 1 ? outputs[0] : outputs;
}
