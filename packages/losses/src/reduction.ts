import { ShapeError, ValueError, cast, div, mul, sum, toTensor, util, type Tensor, type TensorOrLike } from '@tessera/tensor';
import { divNoNan, squeezeOrExpandToSameRank } from './checks.js';

/**
 * How `Loss.compute` turns per-sample losses into its result (Keras's names):
 * `'sum_over_batch_size'` (default; `'mean'` is the same) sums and divides by the number
 * of losses, `'sum'` sums, `'mean_with_sample_weight'` divides the sum by the sum of the
 * sample weights, `'none'` returns the weighted per-sample losses.
 * @example
 * ```ts
 * new CategoricalCrossentropy({ reduction: 'sum' });
 * ```
 */
export type Reduction = 'sum_over_batch_size' | 'sum' | 'none' | 'mean' | 'mean_with_sample_weight';

/**
 * Every accepted {@link Reduction}.
 * @example
 * ```ts
 * REDUCTIONS.includes('sum'); // true
 * ```
 */
export const REDUCTIONS: readonly Reduction[] = ['sum_over_batch_size', 'sum', 'none', 'mean', 'mean_with_sample_weight'];

/** Validates a reduction; `null` (Keras's `None`) means `'none'`. */
export function standardizeReduction(reduction: Reduction | null | undefined, who: string): Reduction {
  if (reduction === undefined) return 'sum_over_batch_size';
  if (reduction === null) return 'none';
  if (!REDUCTIONS.includes(reduction)) {
    throw new ValueError(`${who}: expected reduction to be one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')} but got '${String(reduction)}'`);
  }
  return reduction;
}

function asFloat(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/** `values * weights` after Keras's rank alignment; `weights` may broadcast, `values` may not grow. */
function weigh(values: Tensor, weights: Tensor, what: string, loss: string): [Tensor, Tensor] {
  const [v, w] = squeezeOrExpandToSameRank(values, weights);
  let ok: boolean;
  try {
    ok = util.shapesEqual(util.broadcastShapes(loss, v.shape, w.shape), v.shape);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ShapeError(
      `${loss}: expected ${what} of a shape that broadcasts to the per-sample losses ${util.formatShape(values.shape)} ` +
        `(e.g. [batch]) but got ${util.formatShape(weights.shape)}`,
    );
  }
  return [mul(v, w), w];
}

/**
 * Keras's `reduce_weighted_values`: folds the mask into the sample weights (rescaled so
 * that a mean is over the unmasked entries only), weighs the per-sample losses and reduces
 * them. Call inside a `tidy`.
 */
export function reduceWeightedValues(
  values: Tensor,
  reduction: Reduction,
  loss: string,
  sampleWeight?: TensorOrLike,
  mask?: Tensor,
): Tensor {
  let weights = sampleWeight === undefined || sampleWeight === null ? undefined : asFloat(toTensor(sampleWeight, 'sampleWeight', loss));
  if (mask) {
    let m = asFloat(mask);
    if (reduction === 'sum_over_batch_size' || reduction === 'mean') m = mul(m, divNoNan(m.size, sum(m)));
    weights = weights ? weigh(m, weights, 'sampleWeight', loss)[0] : m;
  }
  let v = values;
  if (weights) [v, weights] = weigh(values, weights, 'sampleWeight', loss);
  if (reduction === 'none' || v.rank === 0 || (v.rank === 1 && v.shape[0] === 0)) return v;
  const total = sum(v);
  if (reduction === 'sum') return total;
  if (reduction === 'mean_with_sample_weight' && weights) return divNoNan(total, sum(weights));
  return v.size > 0 ? div(total, v.size) : total;
}
