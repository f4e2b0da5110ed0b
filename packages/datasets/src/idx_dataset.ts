import { getEngine, type Tensor } from '@tessera/tensor';
import { KNOWN_MD5 } from './checksums.js';
import { ChecksumError, DatasetError } from './errors.js';
import { maybeGunzip } from './gzip.js';
import { parseIdx } from './idx.js';
import { md5Hex } from './md5.js';
import { readFromSource } from './source.js';

/**
 * One split of an MNIST-format data set, as raw bytes.
 * @example
 * ```ts
 * const { images, labels, count }: RawSplit = (await mnist.loadRaw()).test;
 * const third = images.subarray(2 * 784, 3 * 784); // the third image, labels[2] is its digit
 * ```
 */
export interface RawSplit {
  /** `count * 28 * 28` pixel values 0..255, image after image, row-major. */
  images: Uint8Array;
  /** `count` labels 0..9. */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
}

/**
 * An MNIST-format data set as raw bytes: no tensors are made.
 * @example
 * ```ts
 * const raw: RawDataset = await mnist.loadRaw();
 * raw.train.count + raw.test.count; // 70000
 * ```
 */
export interface RawDataset {
  train: RawSplit;
  test: RawSplit;
}

/**
 * Where an MNIST-format data set is read from, and whether to check it.
 * @example
 * ```ts
 * const options: IdxLoadOptions = { source: '/data/mnist', verify: true };
 * await mnist.loadData(options);
 * ```
 */
export interface IdxLoadOptions {
  /**
   * A directory holding the four IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
   * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each gzipped with `.gz` or raw), or,
   * in browsers (and for `http(s):` URLs in Node), the URL prefix they are fetched from.
   */
  source?: string;
  /**
   * Check the md5 of each file's decompressed bytes against the published checksum of the
   * file of that name (default true). Hashing uses Node's crypto, or the pure-JavaScript
   * `js-md5` in browsers, loaded only when a check runs.
   */
  verify?: boolean;
}

/**
 * Keras's `((xTrain, yTrain), (xTest, yTest))`.
 * @example
 * ```ts
 * const [[xTrain, yTrain], [xTest, yTest]]: TrainTestTensors = await mnist.loadData();
 * ```
 */
export type TrainTestTensors = [[Tensor, Tensor], [Tensor, Tensor]];

const ROWS = 28;
const COLS = 28;
const NUM_CLASSES = 10;

/** @internal Reads and checks the four IDX files of an MNIST-format data set. */
export async function loadIdxDataset(dataset: 'mnist' | 'fashion-mnist', who: string, source: string, verify: boolean): Promise<RawDataset> {
  const [train, test] = await allInOrder([
    loadSplit(dataset, who, source, verify, 'train'),
    loadSplit(dataset, who, source, verify, 't10k'),
  ]);
  return { train, test };
}

async function loadSplit(dataset: string, who: string, source: string, verify: boolean, prefix: string): Promise<RawSplit> {
  const [images, labels] = await allInOrder([
    loadFile(dataset, who, source, verify, `${prefix}-images-idx3-ubyte`),
    loadFile(dataset, who, source, verify, `${prefix}-labels-idx1-ubyte`),
  ]);
  const [n, rows, cols] = images.shape;
  if (images.shape.length !== 3 || rows !== ROWS || cols !== COLS) {
    throw new DatasetError(`${who}: ${images.location}: expected images of shape [n, ${ROWS}, ${COLS}] but found [${images.shape.join(', ')}]`);
  }
  if (labels.shape.length !== 1) {
    throw new DatasetError(`${who}: ${labels.location}: expected labels of shape [n] but found [${labels.shape.join(', ')}]`);
  }
  if (labels.shape[0] !== n) {
    throw new DatasetError(
      `${who}: expected as many labels as images but ${labels.location} has ${labels.shape[0]} labels and ${images.location} has ${n} images`,
    );
  }
  const bad = labels.data.findIndex((l) => l >= NUM_CLASSES);
  if (bad >= 0) {
    throw new DatasetError(`${who}: ${labels.location}: expected labels 0..${NUM_CLASSES - 1} but label ${bad} is ${labels.data[bad]}`);
  }
  return { images: images.data, labels: labels.data, count: n };
}

async function loadFile(dataset: string, who: string, source: string, verify: boolean, base: string) {
  const { bytes, location } = await readFromSource(source, [`${base}.gz`, base], who);
  const raw = maybeGunzip(bytes, location);
  const { shape, data } = parseIdx(raw, location);
  const expected = KNOWN_MD5[dataset]?.[base];
  if (verify && expected) {
    const found = await md5Hex(raw);
    if (found !== expected) throw new ChecksumError(location, expected, found);
  }
  return { shape, data, location };
}

/**
 * Like `Promise.all`, but when several fail the error reported is the first in list order,
 * not the first in time: the same broken directory always gives the same message.
 */
async function allInOrder<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** @internal Makes Keras's `[[xTrain, yTrain], [xTest, yTest]]`: float32 images 0..255, int32 labels. */
export function toTensors(raw: RawDataset): TrainTestTensors {
  return [splitTensors(raw.train), splitTensors(raw.test)];
}

function splitTensors(split: RawSplit): [Tensor, Tensor] {
  const engine = getEngine();
  // makeTensor keeps the arrays without a copy: the training images are 188 MB as float32.
  const pixels = new Float32Array(split.images.length);
  pixels.set(split.images);
  const labels = new Int32Array(split.count);
  labels.set(split.labels);
  const x = engine.makeTensor(pixels, [split.count, ROWS, COLS], 'float32');
  const y = engine.makeTensor(labels, [split.count], 'int32');
  return [x, y];
}
