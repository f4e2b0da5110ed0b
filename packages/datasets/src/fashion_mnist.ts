import { DatasetError } from './errors.js';
import { loadIdxDataset, toTensors, type IdxLoadOptions, type RawDataset, type TrainTestTensors } from './idx_dataset.js';
import { directoryExists } from './source.js';

const WHO = 'fashionMnist';

/**
 * Where Debian's package `dataset-fashion-mnist` installs the four `.gz` files
 * (`apt-get install dataset-fashion-mnist`); the default source when it exists.
 * @example
 * ```ts
 * await fashionMnist.loadData({ source: fashionMnist.DEBIAN_DIRECTORY });
 * ```
 */
export const DEBIAN_DIRECTORY = '/usr/share/datasets/fashion-mnist';

/**
 * Fashion-MNIST's class names, by label (Keras's order).
 * @example
 * ```ts
 * fashionMnist.CLASS_NAMES[9]; // 'Ankle boot'
 * ```
 */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

async function resolveSource(source: string | undefined): Promise<string> {
  if (source !== undefined) return source;
  if (await directoryExists(DEBIAN_DIRECTORY)) return DEBIAN_DIRECTORY;
  throw new DatasetError(
    `${WHO}: expected {source}: a directory (or, in browsers, a URL prefix) with the four Fashion-MNIST IDX files ` +
      `(train-images-idx3-ubyte.gz, ...); none was given and ${DEBIAN_DIRECTORY} (Debian's dataset-fashion-mnist) is not there`,
  );
}

/**
 * Loads Fashion-MNIST as raw bytes, without making tensors (like `mnist.loadRaw`).
 *
 * @param options - `source` (default: `/usr/share/datasets/fashion-mnist`, where Debian's
 *   `dataset-fashion-mnist` puts the files, if it exists) and `verify` (default true).
 * @example
 * ```ts
 * const { test } = await fashionMnist.loadRaw({ source: 'data/fashion-mnist' });
 * test.count; // 10000
 * ```
 */
export async function loadRaw(options: IdxLoadOptions = {}): Promise<RawDataset> {
  return loadIdxDataset('fashion-mnist', WHO, await resolveSource(options.source), options.verify ?? true);
}

/**
 * Loads Fashion-MNIST the Keras way: `[[xTrain, yTrain], [xTest, yTest]]`, float32 images
 * `[n, 28, 28]` with values 0..255 and int32 labels `[n]` (names in {@link CLASS_NAMES}).
 * The files are not bundled: pass `source`, a directory of the four IDX files (`.gz` or raw),
 * or a URL prefix in browsers. Without it, Debian's `/usr/share/datasets/fashion-mnist` is used
 * when present. With `verify` (default), each file's decompressed content is checked against
 * that of Zalando's published files.
 *
 * @example
 * ```ts
 * const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData({ source: 'data/fashion-mnist' });
 * xTest.shape; // [10000, 28, 28]
 * ```
 */
export async function loadData(options: IdxLoadOptions = {}): Promise<TrainTestTensors> {
  return toTensors(await loadRaw(options));
}
