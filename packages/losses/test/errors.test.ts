import '@tessera/cpu-backend';
import { describe, expect, it, vi } from 'vitest';
import { BackendError, DTypeError, ShapeError, Tensor, ValueError, softmax, tensor, zeros } from '@tessera/tensor';
import {
  CategoricalCrossentropy,
  MeanSquaredError,
  attachLogits,
  binaryCrossentropy,
  categoricalCrossentropy,
  hinge,
  huber,
  klDivergence,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../src/index.js';

describe('shape mismatches', () => {
  it('categorical crossentropy with integer labels says what it expected, what it found and what to use', () => {
    const labels = zeros([60000]);
    const probs = zeros([60000, 10]);
    const call = () => categoricalCrossentropy(labels, probs);
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(
      'categorical_crossentropy: expected yTrue of shape [60000, 10] (one-hot, like yPred) but got [60000]; ' +
        'for integer class labels use sparse_categorical_crossentropy',
    );
    expect(() => new CategoricalCrossentropy().compute(labels, probs)).toThrow(/\[60000, 10\].*but got \[60000\].*sparse_categorical_crossentropy/);
    expect(() => categoricalCrossentropy(zeros([4, 1]), zeros([4, 10]))).toThrow(/expected yTrue of shape \[4, 10\].*but got \[4, 1\]/);
  });

  it('sparse crossentropy with one-hot labels points to categorical crossentropy', () => {
    expect(() => sparseCategoricalCrossentropy(zeros([4, 3]), zeros([4, 3]))).toThrow(ShapeError);
    expect(() => sparseCategoricalCrossentropy(zeros([4, 3]), zeros([4, 3]))).toThrow(
      'sparse_categorical_crossentropy: expected yTrue of shape [4] or [4, 1] (integer class labels) for yPred [4, 3] ' +
        'but got [4, 3]; yTrue looks one-hot: use categorical_crossentropy',
    );
    expect(() => sparseCategoricalCrossentropy(zeros([5]), zeros([4, 3]))).toThrow(/but got \[5\]$/);
  });

  it('elementwise losses need one shape (after [batch] meets [batch, 1])', () => {
    for (const [name, f] of [
      ['mean_squared_error', meanSquaredError],
      ['mean_absolute_error', meanAbsoluteError],
      ['huber', huber],
      ['kl_divergence', klDivergence],
      ['hinge', hinge],
      ['binary_crossentropy', binaryCrossentropy],
    ] as const) {
      expect(() => f(zeros([2, 3]), zeros([2, 2]))).toThrow(ShapeError);
      expect(() => f(zeros([2, 3]), zeros([2, 2]))).toThrow(`${name}: expected yTrue of the shape of yPred [2, 2] but got [2, 3]`);
    }
  });

  it('one class, a scalar prediction, sample weights that do not fit', () => {
    expect(() => categoricalCrossentropy(zeros([4, 1]), zeros([4, 1]))).toThrow(/2 or more classes.*use binary_crossentropy/);
    expect(() => sparseCategoricalCrossentropy([0, 0], zeros([2, 1]))).toThrow(ShapeError);
    expect(() => meanSquaredError(1, 1)).toThrow(/mean_squared_error: expected yPred of rank >= 1/);
    expect(() => new MeanSquaredError().compute(zeros([3, 2]), zeros([3, 2]), [1, 2, 3, 4])).toThrow(
      /mean_squared_error: expected sampleWeight of a shape that broadcasts to the per-sample losses \[3\].*but got \[4\]/,
    );
    expect(() => new MeanSquaredError().compute(zeros([3, 2]), zeros([3, 2]), zeros([3, 2]))).toThrow(ShapeError);
    expect(() => categoricalCrossentropy(zeros([2, 3]), zeros([2, 3]), { axis: 2 })).toThrow(/categorical_crossentropy/);
  });

  it('attachLogits needs logits of the output shape and a known activation', () => {
    expect(() => attachLogits(zeros([2, 3]), zeros([2, 4]), 'softmax')).toThrow(ShapeError);
    expect(() => attachLogits(zeros([2]), zeros([2]), 'relu' as never)).toThrow(ValueError);
  });
});

describe('bad labels and dtypes', () => {
  const probs = softmax(tensor([[1, 2, 3], [0, 0, 0]]));

  it('sparse labels out of range or not integers are a ValueError naming the loss and the label', () => {
    expect(() => sparseCategoricalCrossentropy([0, 3], probs)).toThrow(ValueError);
    expect(() => sparseCategoricalCrossentropy([0, 3], probs)).toThrow(
      'sparse_categorical_crossentropy: expected integer class labels in [0, 3) (yPred has 3 classes) but yTrue holds 3 at flat index 1',
    );
    expect(() => sparseCategoricalCrossentropy(tensor([-1, 0], undefined, 'int32'), probs)).toThrow(/holds -1 at flat index 0/);
    expect(() => sparseCategoricalCrossentropy([0.5, 1], probs)).toThrow(/holds 0.5 at flat index 0/);
    expect(() => sparseCategoricalCrossentropy([NaN, 1], probs)).toThrow(/holds NaN/);
    // ignoreClass may lie outside the classes.
    expect(sparseCategoricalCrossentropy([-1, 1], probs, { ignoreClass: -1 }).dataSync()[0]).toBe(0);
  });

  it('where labels cannot be read synchronously (a GPU), a bad label makes its loss NaN instead', () => {
    let blocked = true;
    const original = Tensor.prototype.dataSync;
    const spy = vi.spyOn(Tensor.prototype, 'dataSync').mockImplementation(function (this: Tensor) {
      if (blocked) throw new BackendError('dataSync: no synchronous reads here');
      return original.call(this);
    });
    try {
      const good = sparseCategoricalCrossentropy([0, 2], probs);
      const bad = sparseCategoricalCrossentropy(tensor([3, 1.5]), probs);
      const ignored = sparseCategoricalCrossentropy([-1, 2], probs, { ignoreClass: -1 });
      blocked = false;
      expect(Array.from(good.dataSync()).every(Number.isFinite)).toBe(true);
      expect(Array.from(bad.dataSync()).every(Number.isNaN)).toBe(true);
      const [l0, l1] = ignored.dataSync();
      expect(l0).toBe(0);
      expect(Number.isFinite(l1)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('wrong dtypes are a DTypeError naming the loss', () => {
    expect(() => sparseCategoricalCrossentropy(tensor([true, false]), probs)).toThrow(DTypeError);
    expect(() => sparseCategoricalCrossentropy(tensor([true, false]), probs)).toThrow(/sparse_categorical_crossentropy: expected yTrue of integer class labels.*got bool/);
    const intPred = tensor([[0, 1]], undefined, 'int32');
    for (const [name, f] of [
      ['categorical_crossentropy', categoricalCrossentropy],
      ['sparse_categorical_crossentropy', sparseCategoricalCrossentropy],
      ['binary_crossentropy', binaryCrossentropy],
      ['mean_squared_error', meanSquaredError],
    ] as const) {
      expect(() => f([[0, 1]] as never, intPred)).toThrow(DTypeError);
      expect(() => f([[0, 1]] as never, intPred)).toThrow(`${name}: expected yPred of dtype float32 (the model's output) but got int32`);
    }
  });

  it('bad options are a ValueError naming the loss', () => {
    expect(() => categoricalCrossentropy([[0, 1]], [[0.5, 0.5]], { labelSmoothing: -0.1 })).toThrow(/categorical_crossentropy: expected labelSmoothing/);
    expect(() => binaryCrossentropy([[0, 1]], [[0.5, 0.5]], { labelSmoothing: 2 })).toThrow(/binary_crossentropy: expected labelSmoothing/);
    expect(() => huber([[0, 1]], [[0.5, 0.5]], -1)).toThrow(/huber: expected delta/);
    expect(() => sparseCategoricalCrossentropy([1], [[0.5, 0.5]], { ignoreClass: 1.5 })).toThrow(ValueError);
  });
});
