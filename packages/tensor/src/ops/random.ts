import { getEngine } from '../engine/engine.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { Prng, randomSeed } from '../random/prng.js';
import { makeTypedArray } from '../util/dtype.js';
import { assertValidShape, sizeFromShape } from '../util/shape.js';

/** Options shared by the random tensors. */
export interface RandomOptions {
  /** Same seed, same values, on every backend and platform. */
  seed?: number;
  dtype?: 'float32' | 'int32';
}

function generate(shape: Shape, op: string, options: RandomOptions, draw: (rng: Prng) => number): Tensor {
  assertValidShape(shape, op);
  const dtype = options.dtype ?? 'float32';
  const values = makeTypedArray(dtype, sizeFromShape(shape));
  const rng = new Prng(options.seed ?? randomSeed());
  for (let i = 0; i < values.length; i++) values[i] = draw(rng);
  return getEngine().makeTensor(values, shape, dtype);
}

/**
 * Uniform values in `[minval, maxval)`.
 * @example
 * ```ts
 * randomUniform([2, 3], { minval: -1, maxval: 1, seed: 42 });
 * ```
 */
export function randomUniform(shape: Shape, options: RandomOptions & { minval?: number; maxval?: number } = {}): Tensor {
  const { minval = 0, maxval = 1 } = options;
  if (!(maxval > minval)) throw new ValueError(`randomUniform: expected minval < maxval but got ${minval} and ${maxval}`);
  const span = maxval - minval;
  if (options.dtype === 'int32') return generate(shape, 'randomUniform', options, (r) => Math.floor(minval + r.nextFloat() * span));
  return generate(shape, 'randomUniform', options, (r) => minval + r.nextFloat() * span);
}

/**
 * Normally distributed values.
 * @example
 * ```ts
 * randomNormal([3, 3], { mean: 0, stddev: 0.05, seed: 1 });
 * ```
 */
export function randomNormal(shape: Shape, options: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  const { mean = 0, stddev = 1 } = options;
  if (!(stddev >= 0)) throw new ValueError(`randomNormal: expected stddev >= 0 but got ${stddev}`);
  return generate(shape, 'randomNormal', options, (r) => mean + stddev * r.nextNormal());
}

/**
 * Normal values redrawn until they fall within two standard deviations of the mean
 * (as TensorFlow's `truncated_normal`).
 * @example
 * ```ts
 * truncatedNormal([784, 128], { stddev: 0.05, seed: 3 });
 * ```
 */
export function truncatedNormal(shape: Shape, options: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  const { mean = 0, stddev = 1 } = options;
  if (!(stddev >= 0)) throw new ValueError(`truncatedNormal: expected stddev >= 0 but got ${stddev}`);
  return generate(shape, 'truncatedNormal', options, (r) => {
    let z = r.nextNormal();
    while (Math.abs(z) > 2) z = r.nextNormal();
    return mean + stddev * z;
  });
}
