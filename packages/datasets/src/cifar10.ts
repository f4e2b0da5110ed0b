import { ValueError, getEngine, type Tensor } from '@tessera/tensor';
import {
  CHANNELS, IMAGE_BYTES, META_FILE, SIDE, TEST_FILE, TRAIN_FILES, checkBatchSizes, countRecords, decodeRecords, parseClassNames,
} from './cifar10_format.js';
import { openCifar10, type Cifar10Files } from './cifar10_source.js';
import type { TrainTestTensors } from './idx_dataset.js';

/** The official `cifar-10-binary.tar.gz`: its size in bytes and md5, as checked by `verify`. */
export { CIFAR10_ARCHIVE as ARCHIVE } from './checksums.js';

/**
 * CIFAR-10's class names, by label: the standard list, which is also what the official
 * `batches.meta.txt` holds. {@link loadRaw} returns the names read from that file, when the
 * source has it, as `classNames`.
 * @example
 * ```ts
 * cifar10.CLASS_NAMES[3]; // 'cat'
 * ```
 */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);

/**
 * Where CIFAR-10 is read from, whether to check it, and how much of it to load.
 * @example
 * ```ts
 * const options: Cifar10LoadOptions = { source: 'data/cifar-10-binary.tar.gz', limit: { train: 5000 } };
 * ```
 */
export interface Cifar10LoadOptions {
  /**
   * The official binary archive, `cifar-10-binary.tar.gz` (or its `.tar`), as a path, as a URL
   * (a name ending `.tar.gz`, `.tgz` or `.tar`) or as its bytes; or a directory holding the
   * extracted files (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`, optionally
   * `batches.meta.txt`), or the directory holding their `cifar-10-batches-bin/` folder; or in
   * browsers the URL prefix the extracted files are fetched from. In an archive the members
   * may carry the `cifar-10-batches-bin/` folder or not. The data set is not bundled.
   */
  source: string | Uint8Array;
  /**
   * Check the md5 of the archive against the published one (default true). Only an archive of
   * the official size (170,052,171 bytes) is hashed: any other cannot be the published file,
   * and extracted files have no published checksums, so these are validated record by record
   * only (sizes, labels).
   */
  verify?: boolean;
  /**
   * Load only the first `train` training and `test` test examples (default: all). Files past
   * the limit are not read (directories, URLs) or not decoded (archives). A limit larger than
   * the data set loads all of it.
   */
  limit?: { train?: number; test?: number };
}

/**
 * One split of CIFAR-10, as raw bytes.
 * @example
 * ```ts
 * const { images, labels, count }: RawCifar10Split = (await cifar10.loadRaw({ source })).test;
 * const first = images.subarray(0, 3072); // [32, 32, 3], channels last
 * ```
 */
export interface RawCifar10Split {
  /** `count * 32 * 32 * 3` pixel values 0..255, image after image, each `[row, column, channel]` (channels last). */
  images: Uint8Array;
  /** `count` labels 0..9. */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
}

/**
 * CIFAR-10 as raw bytes: no tensors are made.
 * @example
 * ```ts
 * const raw: RawCifar10 = await cifar10.loadRaw({ source: 'data/cifar-10-binary.tar.gz' });
 * raw.classNames[raw.train.labels[0]]; // 'frog'
 * ```
 */
export interface RawCifar10 {
  train: RawCifar10Split;
  test: RawCifar10Split;
  /** The class names by label, from `batches.meta.txt` when the source has it, else {@link CLASS_NAMES}. */
  classNames: readonly string[];
}

type Arrays<I, L> = (count: number) => { images: I; labels: L };

/**
 * Loads CIFAR-10 as raw bytes, without making tensors: the memory-light path. The 60,000
 * images take 184 MB as bytes, against 737 MB as float32 tensors; convert a batch at a time.
 *
 * Records are checked as they are decoded: each batch's size must be a whole number of
 * 3073-byte records (the official files hold 10,000; fewer are accepted when the size is an
 * exact multiple, as for subsets), and each label 0..9. Images are transposed from the files'
 * channel-planar order to channels-last.
 *
 * @param options - `source` (archive, directory or URL), `verify` (default true), `limit`.
 * @returns `{train, test, classNames}`, each split `{images, labels, count}` (50000 and 10000 examples).
 * @throws {@link DatasetError} for a missing file or member, an input that is not a gzip or tar
 *   archive, a truncated or corrupt batch, a label above 9; {@link ChecksumError} when the
 *   official-size archive's md5 differs from the published one.
 * @example
 * ```ts
 * const { train, classNames } = await cifar10.loadRaw({ source: 'data/cifar-10-binary.tar.gz' });
 * train.count;                        // 50000
 * train.images.subarray(0, 3072);     // the first image, [32, 32, 3] bytes
 * classNames[train.labels[0]];        // 'frog'
 * ```
 */
export async function loadRaw(options: Cifar10LoadOptions): Promise<RawCifar10> {
  const { files, train, test } = await load(options, (n) => ({ images: new Uint8Array(n * IMAGE_BYTES), labels: new Uint8Array(n) }));
  const meta = await files.readOptional(META_FILE);
  const classNames = meta ? Object.freeze(parseClassNames(meta.bytes, meta.location)) : CLASS_NAMES;
  return { train, test, classNames };
}

/**
 * Loads CIFAR-10 the Keras way: `[[xTrain, yTrain], [xTest, yTest]]` with images as float32
 * tensors `[n, 32, 32, 3]` (channels last) holding the raw values 0..255 and labels as int32
 * tensors `[n]` (names in {@link CLASS_NAMES}). The caller owns (and disposes) the four tensors.
 *
 * Memory: the whole set is 60000x3072 float32 values, 737 MB, on top of the archive while it is
 * read. Pass `limit` for a subset, or use {@link loadRaw} (bytes, a quarter of the size).
 *
 * @param options - `source` (archive, directory or URL), `verify` (default true), `limit`.
 * @returns Keras's `((xTrain, yTrain), (xTest, yTest))` as nested arrays.
 * @throws as {@link loadRaw}.
 * @example
 * ```ts
 * import '@tessera/cpu-backend';
 * import { cifar10 } from '@tessera/datasets';
 * import { div } from '@tessera/tensor';
 *
 * const [[xTrain, yTrain], [xTest, yTest]] = await cifar10.loadData({ source: 'data/cifar-10-binary.tar.gz' });
 * xTrain.shape; // [50000, 32, 32, 3]
 * const x = div(xTrain, 255);
 * ```
 */
export async function loadData(options: Cifar10LoadOptions): Promise<TrainTestTensors> {
  const { train, test } = await load(options, (n) => ({ images: new Float32Array(n * IMAGE_BYTES), labels: new Int32Array(n) }));
  const engine = getEngine();
  const tensors = (split: { images: Float32Array; labels: Int32Array; count: number }): [Tensor, Tensor] => [
    // makeTensor keeps the arrays without a copy: the training images are 614 MB as float32.
    engine.makeTensor(split.images, [split.count, SIDE, SIDE, CHANNELS], 'float32'),
    engine.makeTensor(split.labels, [split.count], 'int32'),
  ];
  return [tensors(train), tensors(test)];
}

async function load<I extends Uint8Array | Float32Array, L extends Uint8Array | Int32Array>(options: Cifar10LoadOptions, arrays: Arrays<I, L>) {
  const limit = checkLimit(options?.limit);
  const files = await openCifar10(options?.source, options?.verify ?? true);
  const seen: { location: string; records: number }[] = [];
  const train = await readSplit(files, TRAIN_FILES, limit.train, arrays, seen);
  const test = await readSplit(files, [TEST_FILE], limit.test, arrays, seen);
  checkBatchSizes(seen);
  return { files, train, test };
}

/** Reads the batches of a split in order until `limit` records, then decodes them into one pair of arrays. */
async function readSplit<I extends Uint8Array | Float32Array, L extends Uint8Array | Int32Array>(
  files: Cifar10Files,
  names: readonly string[],
  limit: number,
  arrays: Arrays<I, L>,
  seen: { location: string; records: number }[],
): Promise<{ images: I; labels: L; count: number }> {
  const batches: { bytes: Uint8Array; location: string; count: number }[] = [];
  let count = 0;
  for (const name of names) {
    if (count >= limit) break;
    const { bytes, location } = await files.read(name);
    const records = countRecords(bytes, location);
    seen.push({ location, records });
    const take = Math.min(records, limit - count);
    batches.push({ bytes, location, count: take });
    count += take;
  }
  const { images, labels } = arrays(count);
  let at = 0;
  for (const batch of batches) {
    decodeRecords(batch.bytes, batch.location, batch.count, images, labels, at);
    at += batch.count;
  }
  return { images, labels, count };
}

function checkLimit(limit: Cifar10LoadOptions['limit']): { train: number; test: number } {
  if (limit === undefined) return { train: Infinity, test: Infinity };
  if (typeof limit !== 'object' || limit === null) {
    throw new ValueError(`cifar10: expected limit to be an object {train?, test?} but got ${String(limit)}`);
  }
  const one = (key: 'train' | 'test'): number => {
    const n = limit[key];
    if (n === undefined) return Infinity;
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`cifar10: expected limit.${key} to be a non-negative integer but got ${n}`);
    return n;
  };
  return { train: one('train'), test: one('test') };
}
