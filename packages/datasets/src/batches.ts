import { ValueError, slice, type Tensor } from '@tessera/tensor';
import { permutation, rowsOf, takeRows } from './shuffle.js';

/**
 * Options of {@link batches}.
 * @example
 * ```ts
 * batches(x, y, 32, { shuffle: true, seed: epoch, dropRemainder: true } satisfies BatchOptions);
 * ```
 */
export interface BatchOptions {
  /** Visit the rows in a random order (default false). */
  shuffle?: boolean;
  /** Seed of that order; use e.g. `seed + epoch` for a new order each epoch (default: random). */
  seed?: number;
  /** Leave out the last batch when it is smaller than `batchSize` (default false, as Keras). */
  dropRemainder?: boolean;
}

/**
 * Iterates over `x` and `y` in batches of `batchSize` rows (the last one may be smaller),
 * yielding `[xBatch, yBatch]` tensor pairs. Each pair is new: **the caller disposes it**
 * (or runs the loop body in `tidy`), and the batches are made lazily, one per step.
 *
 * @param x - examples, `[n, ...]`.
 * @param y - targets, `[n, ...]`.
 * @param batchSize - rows per batch, a positive integer.
 * @param options - `shuffle`, `seed`, `dropRemainder`.
 * @example
 * ```ts
 * for (const [xb, yb] of batches(xTrain, yTrain, 128, { shuffle: true, seed: epoch })) {
 *   // ... a training step on xb, yb ...
 *   dispose([xb, yb]);
 * }
 * ```
 */
export function* batches(x: Tensor, y: Tensor, batchSize: number, options: BatchOptions = {}): Generator<[Tensor, Tensor], void, undefined> {
  const n = rowsOf(x, y, 'batches');
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`batches: expected batchSize to be a positive integer but got ${batchSize}`);
  }
  const order = options.shuffle ? permutation(n, options.seed) : undefined;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    if (size < batchSize && options.dropRemainder) return;
    if (order) {
      const rows = order.subarray(start, start + size);
      yield [takeRows(x, rows), takeRows(y, rows)];
    } else {
      yield [slice(x, [start], [size]), slice(y, [start], [size])];
    }
  }
}
