import { ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, formatShape } from '../util/shape.js';
import { getEngine } from '../engine/engine.js';
import { Prng, randomSeed } from '../random/prng.js';
import type { Shape } from '../types.js';
import { sizeFromShape } from '../util/shape.js';
import { mul } from './binary.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { hasKernel, op, runKernel } from './op.js';

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
    // One multiply by a constant mask: backprop multiplies dy by the same mask and
    // computes nothing for the mask itself.
    return mul(t, scaledMask(noiseShape, rate, options.seed));
  });
}

/**
 * `1 / (1 - rate)` where a uniform draw is at least `rate`, else 0, in one pass: the same
 * draws (and so the same kept elements) as `randomUniform(shape, { seed }) >= rate`. The
 * backend's `DropoutMask` kernel draws it where there is one (the CPU's, in WebAssembly);
 * elsewhere `Prng.fillMask` draws it here and the backend receives it as data.
 */
function scaledMask(shape: Shape, rate: number, seed: number | undefined): Tensor {
  const attrs = { shape: [...shape], seed: (seed ?? randomSeed()) >>> 0, rate, scale: 1 / (1 - rate) };
  if (hasKernel('DropoutMask')) return runKernel('DropoutMask', [], attrs);
  const values = new Float32Array(sizeFromShape(shape));
  new Prng(attrs.seed).fillMask(values, rate, attrs.scale);
  return getEngine().makeTensor(values, shape, 'float32');
}
