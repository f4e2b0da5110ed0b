import { Prng, ShapeError, ValueError, gather, getEngine, randomSeed, tidy, type Tensor } from '@tessera/tensor';

/**
 * Options of {@link shuffle}.
 * @example
 * ```ts
 * shuffle(x, y, { seed: 42 } satisfies ShuffleOptions);
 * ```
 */
export interface ShuffleOptions {
  /** Seed of the permutation: the same seed gives the same order everywhere (default: random). */
  seed?: number;
}

/**
 * A random permutation of `0 .. n-1` (Fisher-Yates, driven by Tessera's seeded `Prng`).
 *
 * @param n - the number of indices.
 * @param seed - the same seed gives the same permutation (default: random).
 * @example
 * ```ts
 * permutation(5, 42); // e.g. Int32Array [3, 0, 4, 1, 2], the same on every run
 * ```
 */
export function permutation(n: number, seed?: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`permutation: expected a non-negative integer n but got ${n}`);
  const prng = new Prng(seed ?? randomSeed());
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(prng.nextFloat() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** @internal Checks that `x` and `y` have the same number of rows; returns it. */
export function rowsOf(x: Tensor, y: Tensor | undefined, op: string): number {
  if (x.rank < 1) throw new ShapeError(`${op}: expected x with at least 1 dimension but got shape [] (a scalar)`);
  const n = x.shape[0];
  if (y !== undefined && (y.rank < 1 || y.shape[0] !== n)) {
    throw new ShapeError(`${op}: expected y with ${n} rows like x [${x.shape.join(', ')}] but got y [${y.shape.join(', ')}]`);
  }
  return n;
}

/** @internal Rows of `x` at `indices` (an int32 tensor is made and freed). */
export function takeRows(x: Tensor, indices: Int32Array): Tensor {
  return tidy(() => gather(x, getEngine().makeTensor(indices.slice(), [indices.length], 'int32'), 0));
}

/**
 * Shuffles `x` and `y` along their first axis with one permutation, so pairs stay together.
 * Returns new tensors; the inputs are left as they are (dispose them if no longer needed).
 *
 * @param x - examples, `[n, ...]`.
 * @param y - targets, `[n, ...]`.
 * @param options - `seed` for a reproducible order.
 * @example
 * ```ts
 * const [xs, ys] = shuffle(xTrain, yTrain, { seed: 1 });
 * ```
 */
export function shuffle(x: Tensor, y: Tensor, options: ShuffleOptions = {}): [Tensor, Tensor] {
  const n = rowsOf(x, y, 'shuffle');
  const perm = permutation(n, options.seed);
  return [takeRows(x, perm), takeRows(y, perm)];
}
