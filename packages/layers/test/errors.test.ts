import '@tessera/cpu-backend';
import { ShapeError, ValueError, dispose, memory, tensor, zeros } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { Dense, Flatten, Sequential, clearSession } from '../src/index.js';

describe('bad input gets a clear error', () => {
  beforeEach(() => clearSession());

  const mlp = () => new Sequential([new Dense({ units: 8, activation: 'relu', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })]);

  it('fit before compile', async () => {
    const model = mlp();
    const x = zeros([4, 784]);
    await expect(model.fit(x, x)).rejects.toThrow(/must call compile\(\) before fit\(\)/);
    dispose(x);
    model.dispose();
  });

  it('an unknown optimizer, loss or metric id lists the valid ones', () => {
    const model = mlp();
    expect(() => model.compile({ optimizer: 'adamm', loss: 'mse' })).toThrow(/adamm.*sgd.*rmsprop.*adam/s);
    expect(() => model.compile({ optimizer: 'adam', loss: 'categorical_crossentropyy' })).toThrow(/categorical_crossentropyy.*categorical_crossentropy/s);
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] })).toThrow(/Unknown metric 'acuracy'. Valid: accuracy/);
    model.dispose();
  });

  it('an input that does not fit the first layer names the layer, expected and found shapes', async () => {
    const model = mlp();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const x = zeros([128, 28, 28]);
    const y = zeros([128, 10]);
    const before = memory().numTensors;
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(ShapeError);
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/dense_input expects input \[\*, 784\] but got \[32, 28, 28\]/);
    expect(memory().numTensors).toBe(before);
    dispose([x, y]);
    model.dispose();
  });

  it('labels that do not fit the output say what was expected', async () => {
    const model = mlp();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const x = zeros([60, 784]);
    const y = tensor(Array.from({ length: 60 }, (_, i) => i % 10), [60]);
    await expect(model.fit(x, y, { verbose: 0, batchSize: 60 })).rejects.toThrow(/\[60, 10\]/);
    dispose([x, y]);
    model.dispose();
  });

  it('x and y with different sample counts, and bad fit options', async () => {
    const model = mlp();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = zeros([10, 784]);
    const y = zeros([9, 10]);
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/x has 10 samples but y has 9/);
    await expect(model.fit(x, x, { verbose: 0, batchSize: 0 })).rejects.toThrow(ValueError);
    await expect(model.fit(x, x, { verbose: 0, validationSplit: 1.5 })).rejects.toThrow(/validationSplit must be a number in \[0, 1\)/);
    dispose([x, y]);
    model.dispose();
  });

  it('layer arguments are validated', () => {
    expect(() => new Dense({ units: 0 })).toThrow(/units must be a positive integer/);
    expect(() => new Dense({ units: 3, activation: 'relux' as 'relu' })).toThrow(/Unknown activation 'relux'. Valid: linear, relu/);
    expect(() => new Dense({ units: 3, kernelInitializer: 'glorot_uniformm' }).apply(zeros([1, 2]))).toThrow(/Unknown initializer/);
    expect(() => new Sequential([new Flatten()]).getLayer('nope')).toThrow(/no layer named 'nope'/);
  });
});
