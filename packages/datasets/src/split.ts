import { ShapeError, ValueError, slice, tidy, type Tensor } from '@tessera/tensor';
import { permutation, rowsOf, takeRows } from './shuffle.js';

/**
 * The first `n` rows (along axis 0) of a tensor, or of each tensor in a list: a subset such
 * as the first 10,000 training images. Returns new tensors; the caller disposes them.
 *
 * @param x - a tensor, or a list of tensors with the same number of rows (e.g. `[x, y]`).
 * @param n - how many rows, `0 <= n <=` the number of rows.
 * @example
 * ```ts
 * const x10k = take(xTrain, 10000);             // [10000, 28, 28]
 * const [x, y] = take([xTrain, yTrain], 10000); // both cut the same way
 * ```
 */
export function take(x: Tensor, n: number): Tensor;
export function take<T extends readonly Tensor[]>(xs: T, n: number): { [K in keyof T]: Tensor };
export function take(x: Tensor | readonly Tensor[], n: number): Tensor | Tensor[] {
  const list = Array.isArray(x) ? (x as readonly Tensor[]) : [x as Tensor];
  if (list.length === 0) return [];
  const rows = rowsOf(list[0], undefined, 'take');
  for (const t of list) rowsOf(list[0], t, 'take');
  if (!Number.isInteger(n) || n < 0 || n > rows) {
    throw new ValueError(`take: expected n to be an integer in [0, ${rows}] (the number of rows) but got ${n}`);
  }
  const out = list.map((t) => slice(t, [0], [n]));
  return Array.isArray(x) ? out : out[0];
}

/**
 * Options of {@link trainTestSplit}.
 * @example
 * ```ts
 * trainTestSplit(x, y, { testSize: 0.1, shuffle: true, seed: 0 } satisfies TrainTestSplitOptions);
 * ```
 */
export interface TrainTestSplitOptions {
  /** The test part: a fraction in (0, 1), or a number of rows (default 0.25, as scikit-learn). */
  testSize?: number;
  /** Shuffle before splitting (default true, as scikit-learn); otherwise the last rows are the test part. */
  shuffle?: boolean;
  /** Seed of the shuffle (default: random). */
  seed?: number;
}

/**
 * Splits `x` and `y` into a training and a test part, shaped like `loadData`'s result:
 * `[[xTrain, yTrain], [xTest, yTest]]`. A fractional `testSize` rounds the test part up,
 * as scikit-learn does. The caller disposes the four new tensors.
 *
 * @param x - examples, `[n, ...]`.
 * @param y - targets, `[n, ...]`.
 * @param options - `testSize`, `shuffle`, `seed`.
 * @example
 * ```ts
 * const [x, y] = await digits.loadData({ source: 'data/digits' });
 * const [[xTrain, yTrain], [xTest, yTest]] = trainTestSplit(x, y, { testSize: 0.2, seed: 0 });
 * xTest.shape; // [360, 64]
 * ```
 */
export function trainTestSplit(x: Tensor, y: Tensor, options: TrainTestSplitOptions = {}): [[Tensor, Tensor], [Tensor, Tensor]] {
  const n = rowsOf(x, y, 'trainTestSplit');
  const testSize = options.testSize ?? 0.25;
  let nTest: number;
  if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else if (Number.isInteger(testSize) && testSize >= 1) nTest = testSize;
  else throw new ValueError(`trainTestSplit: expected testSize to be a fraction in (0, 1) or a whole number of rows but got ${testSize}`);
  if (nTest >= n) {
    throw new ShapeError(`trainTestSplit: expected a test part smaller than the ${n} rows but testSize ${testSize} gives ${nTest}`);
  }
  const nTrain = n - nTest;
  if (options.shuffle ?? true) {
    const perm = permutation(n, options.seed);
    const test = perm.subarray(0, nTest);
    const train = perm.subarray(nTest);
    return [
      [takeRows(x, train), takeRows(y, train)],
      [takeRows(x, test), takeRows(y, test)],
    ];
  }
  return tidy(() => [
    [slice(x, [0], [nTrain]), slice(y, [0], [nTrain])],
    [slice(x, [nTrain], [nTest]), slice(y, [nTrain], [nTest])],
  ]);
}
