import '@tessera/cpu-backend';
import { DTypeError, ShapeError, ValueError, dispose, memory, range, reshape, tensor, tidy, type Tensor } from '@tessera/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batches, permutation, shuffle, take, toCategorical, trainTestSplit } from '../src/index.js';

let before = 0;
beforeEach(() => {
  before = memory().numTensors;
});
afterEach(() => {
  // Every helper's results are disposed in the tests: nothing else may stay alive.
  expect(memory().numTensors).toBe(before);
});

/** x: rows [i*10, i*10+1, i*10+2] for i in 0..n-1; y: i. Row i of x always matches y = i. */
function pairs(n: number): [Tensor, Tensor] {
  return tidy(() => [reshape(range(0, n * 3), [n, 3]), range(0, n, 1, 'int32')]);
}

function rowsMatch(x: Tensor, y: Tensor): void {
  const xs = x.dataSync();
  const ys = y.dataSync();
  for (let i = 0; i < ys.length; i++) expect([...xs.subarray(i * 3, i * 3 + 3)]).toEqual([ys[i] * 3, ys[i] * 3 + 1, ys[i] * 3 + 2]);
}

describe('toCategorical', () => {
  it('one-hot encodes arrays and tensors as float32, inferring numClasses as max + 1', () => {
    const a = toCategorical([0, 2, 1]);
    expect([a.shape, a.dtype]).toEqual([[3, 3], 'float32']);
    expect(a.arraySync()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    const y = tensor([3, 0], undefined, 'int32');
    const b = toCategorical(y, 5);
    expect(b.arraySync()).toEqual([[0, 0, 0, 1, 0], [1, 0, 0, 0, 0]]);
    const c = toCategorical(y);
    expect(c.shape).toEqual([2, 4]);
    dispose([a, b, c, y]);
  });

  it('drops a trailing axis of 1 like Keras, and accepts float labels', () => {
    const y = tensor([[1], [0]]);
    const a = toCategorical(y, 2);
    expect(a.shape).toEqual([2, 2]);
    expect(a.arraySync()).toEqual([[0, 1], [1, 0]]);
    const b = toCategorical(y);
    expect(b.arraySync()).toEqual([[0, 1], [1, 0]]);
    dispose([y, a, b]);
  });

  it('rejects bad labels and numClasses, saying what it found', () => {
    expect(() => toCategorical([0, 3], 3)).toThrow('toCategorical: expected labels in [0, 3) for numClasses 3 but label 1 is 3');
    expect(() => toCategorical([0, -1])).toThrow('toCategorical: expected labels that are non-negative integers but label 1 is -1');
    expect(() => toCategorical([0.5])).toThrowError(ValueError);
    expect(() => toCategorical([])).toThrow(/expected at least one label/);
    expect(() => toCategorical([1], 0)).toThrow('toCategorical: expected numClasses to be a positive integer but got 0');
    const b = tensor([true]);
    expect(() => toCategorical(b, 2)).toThrowError(DTypeError);
    const f = tensor([1.5, 2]);
    expect(() => toCategorical(f)).toThrow('label 0 is 1.5');
    dispose([b, f]);
  });
});

describe('permutation and shuffle', () => {
  it('permutation is a seeded Fisher-Yates permutation', () => {
    const p = permutation(1000, 42);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect([...permutation(1000, 42)]).toEqual([...p]);
    expect([...permutation(1000, 43)]).not.toEqual([...p]);
    expect(permutation(0, 1).length).toBe(0);
    expect(() => permutation(-1)).toThrowError(ValueError);
  });

  it('shuffle applies one permutation to x and y', () => {
    const [x, y] = pairs(50);
    const [xs, ys] = shuffle(x, y, { seed: 7 });
    expect(xs.shape).toEqual([50, 3]);
    expect([...ys.dataSync()]).toEqual([...permutation(50, 7)]);
    rowsMatch(xs, ys);
    const [xs2, ys2] = shuffle(x, y, { seed: 7 });
    expect([...ys2.dataSync()]).toEqual([...ys.dataSync()]);
    dispose([x, y, xs, ys, xs2, ys2]);
  });

  it('shuffle checks that x and y have as many rows', () => {
    const [x, y0] = pairs(4);
    const y = range(0, 5, 1, 'int32');
    expect(() => shuffle(x, y)).toThrow('shuffle: expected y with 4 rows like x [4, 3] but got y [5]');
    expect(() => shuffle(x, y)).toThrowError(ShapeError);
    dispose([x, y0, y]);
  });
});

describe('take and trainTestSplit', () => {
  it('take returns the first n rows of one tensor or of several', () => {
    const [x, y] = pairs(10);
    const x4 = take(x, 4);
    expect(x4.arraySync()).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
    const [xa, ya] = take([x, y], 3);
    expect([...ya.dataSync()]).toEqual([0, 1, 2]);
    expect(xa.shape).toEqual([3, 3]);
    expect(() => take(x, 11)).toThrow('take: expected n to be an integer in [0, 10] (the number of rows) but got 11');
    dispose([x, y, x4, xa, ya]);
  });

  it('trainTestSplit shuffles by default and covers every row once', () => {
    const [x, y] = pairs(20);
    const [[xTrain, yTrain], [xTest, yTest]] = trainTestSplit(x, y, { seed: 3 });
    expect([xTrain.shape, xTest.shape]).toEqual([[15, 3], [5, 3]]);
    rowsMatch(xTrain, yTrain);
    rowsMatch(xTest, yTest);
    const all = [...yTrain.dataSync(), ...yTest.dataSync()].sort((a, b) => a - b);
    expect(all).toEqual([...Array(20).keys()]);
    expect([...yTest.dataSync()]).toEqual([...permutation(20, 3).subarray(0, 5)]);
    dispose([x, y, xTrain, yTrain, xTest, yTest]);
  });

  it('trainTestSplit without shuffle puts the last rows in the test part; sizes are checked', () => {
    const [x, y] = pairs(10);
    const [[xTrain, yTrain], [xTest, yTest]] = trainTestSplit(x, y, { testSize: 3, shuffle: false });
    expect([...yTrain.dataSync()]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...yTest.dataSync()]).toEqual([7, 8, 9]);
    expect(xTest.arraySync()).toEqual([[21, 22, 23], [24, 25, 26], [27, 28, 29]]);
    expect(() => trainTestSplit(x, y, { testSize: 10 })).toThrow(/expected a test part smaller than the 10 rows/);
    expect(() => trainTestSplit(x, y, { testSize: 1.5 })).toThrowError(ValueError);
    dispose([x, y, xTrain, yTrain, xTest, yTest]);
  });
});

describe('batches', () => {
  it('yields batches in order, the last one smaller, and leaks nothing when they are disposed', () => {
    const [x, y] = pairs(10);
    const sizes: number[] = [];
    const seen: number[] = [];
    for (const [xb, yb] of batches(x, y, 4)) {
      sizes.push(xb.shape[0]);
      expect(xb.shape.slice(1)).toEqual([3]);
      rowsMatch(xb, yb);
      seen.push(...yb.dataSync());
      dispose([xb, yb]);
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(seen).toEqual([...Array(10).keys()]);
    const dropped = [...batches(x, y, 4, { dropRemainder: true })];
    expect(dropped.length).toBe(2);
    dispose([x, y, dropped]);
  });

  it('shuffles with a seed, covering every row once per pass', () => {
    const [x, y] = pairs(23);
    const order: number[] = [];
    for (const [xb, yb] of batches(x, y, 5, { shuffle: true, seed: 11 })) {
      rowsMatch(xb, yb);
      order.push(...yb.dataSync());
      dispose([xb, yb]);
    }
    expect(order).toEqual([...permutation(23, 11)]);
    expect(() => batches(x, y, 0).next()).toThrow('batches: expected batchSize to be a positive integer but got 0');
    dispose([x, y]);
  });
});
