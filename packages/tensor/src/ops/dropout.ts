import { ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, formatShape } from '../util/shape.js';
import { div, mul } from './binary.js';
import { greaterEqual } from './compare.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { op } from './op.js';
import { randomUniform } from './random.js';
import { cast } from './unary.js';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Same seed, same mask. */
  seed?: number;
  /** Shape of the mask, broadcast over `x` (e.g. `[batch, 1, 1, channels]` drops whole maps). */
  noiseShape?: readonly number[];
}

/**
 * Zeroes each element with probability `rate` and scales the rest by `1 / (1 - rate)`,
 * so the expected value is unchanged (inverted dropout, as Keras).
 * @example
 * ```ts
 * dropout(ones([4, 4]), 0.5, { seed: 7 }); // about half zeros, the rest 2
 * ```
 */
export function dropout(x: TensorOrLike, rate: number, options: DropoutOptions = {}): Tensor {
  if (!(rate >= 0 && rate < 1)) throw new ValueError(`dropout: expected a rate in [0, 1) but got ${rate}`);
  return op('dropout', () => {
    const t = toTensor(x, 'x', 'dropout');
    assertDType(t, ['float32'], 'x', 'dropout');
    if (rate === 0) return mul(t, 1);
    const noiseShape = options.noiseShape ?? t.shape;
    const out = broadcastShapes('dropout', noiseShape, t.shape);
    if (out.length !== t.rank || out.some((d, i) => d !== t.shape[i])) {
      throw new ShapeError(`dropout: noiseShape ${formatShape(noiseShape)} does not broadcast to x's shape ${formatShape(t.shape)}`);
    }
    const keep = cast(greaterEqual(randomUniform(noiseShape, { seed: options.seed }), rate), 'float32');
    return div(mul(t, keep), 1 - rate);
  });
}
