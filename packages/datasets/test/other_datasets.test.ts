import '@tessera/cpu-backend';
import { dispose, memory } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { digits, fashionMnist, trainTestSplit } from '../src/index.js';
import { hasSharedDigits, hasSharedFashion, histogram, SKIP_NOTE, sharedDigits, sharedFashion } from './helpers.js';
import path from 'node:path';

describe('fashionMnist (shared copy)', () => {
  it.skipIf(!hasSharedFashion)(`loads 60000 + 10000 verified examples, 6000 / 1000 per class ${SKIP_NOTE}`, async () => {
    const before = memory().numTensors;
    const t = performance.now();
    const data = await fashionMnist.loadData({ source: sharedFashion });
    console.log(`fashionMnist.loadData({source: shared .gz}): ${(performance.now() - t).toFixed(0)} ms`);
    const [[xTrain, yTrain], [xTest, yTest]] = data;
    expect(xTrain.shape).toEqual([60000, 28, 28]);
    expect(xTest.shape).toEqual([10000, 28, 28]);
    expect(histogram(yTrain.dataSync())).toEqual(new Array(10).fill(6000));
    expect(histogram(yTest.dataSync())).toEqual(new Array(10).fill(1000));
    // The first test example is an ankle boot (label 9), as in Keras.
    expect(yTest.dataSync()[0]).toBe(9);
    const px = xTest.dataSync();
    expect(Math.min(...px.subarray(0, 78400))).toBe(0);
    expect(Math.max(...px.subarray(0, 78400))).toBe(255);
    expect(fashionMnist.CLASS_NAMES[9]).toBe('Ankle boot');
    dispose(data);
    expect(memory().numTensors).toBe(before);
  });
});

describe('digits (shared copy)', () => {
  it.skipIf(!hasSharedDigits)(`loads 1797 rows of 64 pixels 0..16 and labels 0..9 ${SKIP_NOTE}`, async () => {
    const before = memory().numTensors;
    const t = performance.now();
    const [x, y] = await digits.loadData({ source: sharedDigits });
    console.log(`digits.loadData({source: shared}): ${(performance.now() - t).toFixed(0)} ms`);
    expect([x.shape, x.dtype]).toEqual([[1797, 64], 'float32']);
    expect([y.shape, y.dtype]).toEqual([[1797], 'int32']);
    // scikit-learn's load_digits: the class counts and the first image.
    expect(histogram(y.dataSync())).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect([...x.dataSync().subarray(0, 16)]).toEqual([0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]);
    const px = x.dataSync();
    expect([Math.min(...px), Math.max(...px)]).toEqual([0, 16]);
    // The file path works as a source too.
    expect((await digits.loadRaw({ source: path.join(sharedDigits, 'digits.csv.gz') })).count).toBe(1797);

    const [[xTrain, yTrain], [xTest, yTest]] = trainTestSplit(x, y, { testSize: 0.2, seed: 0 });
    expect([xTrain.shape, yTrain.shape, xTest.shape, yTest.shape]).toEqual([[1437, 64], [1437], [360, 64], [360]]);
    dispose([x, y, xTrain, yTrain, xTest, yTest]);
    expect(memory().numTensors).toBe(before);
  });
});
