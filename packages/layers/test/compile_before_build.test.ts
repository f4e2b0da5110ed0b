import '@tessera/cpu-backend';
import { Adam } from '@tessera/optimizers';
import { dispose, memory, oneHot, randomNormal, tensor, type Tensor } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { Dense, Sequential, clearSession } from '../src/index.js';

/** A Sequential without an input shape: Keras builds it on its first data. */
const unbuilt = () => new Sequential([new Dense({ units: 8, activation: 'relu' }), new Dense({ units: 3, activation: 'softmax' })]);

describe('compile before build, as Keras allows', () => {
  beforeEach(() => clearSession());

  it('a Sequential without an input shape compiles, then builds and trains on its first fit', async () => {
    const model = unbuilt();
    const optimizer = new Adam({ learningRate: 0.05 });
    model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    expect(model.built).toBe(false);
    expect(model.compilePending).toBe(true);
    expect(model.compiled).toBeUndefined();
    expect(model.optimizer).toBe(optimizer);
    const x = randomNormal([30, 5], { seed: 1 });
    const y = oneHot(tensor(Array.from({ length: 30 }, (_, i) => i % 3), [30], 'int32'), 3);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 10, verbose: 0 });
    expect(model.built).toBe(true);
    expect(model.compilePending).toBe(false);
    expect(model.compiled!.optimizer).toBe(optimizer);
    expect(model.compiled!.metrics[0].map((m) => m.name)).toEqual(['accuracy']);
    expect(model.layers[0].weights[0].shape).toEqual([5, 8]);
    expect(history.history.loss).toHaveLength(3);
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);
    expect(optimizer.iterations).toBe(9);
    dispose([x, y]);
    model.dispose();
  });

  it('predict, evaluate and trainOnBatch build it too', async () => {
    const x = randomNormal([4, 6], { seed: 2 });
    const y = oneHot(tensor([0, 1, 2, 0], [4], 'int32'), 3);
    const byPredict = unbuilt();
    byPredict.compile({ optimizer: 'sgd', loss: 'mse' });
    const p = byPredict.predict(x) as Tensor;
    expect(p.shape).toEqual([4, 3]);
    expect(byPredict.compiled!.losses[0].name).toBe('mean_squared_error');
    const byEvaluate = unbuilt();
    byEvaluate.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const scores = (await byEvaluate.evaluate(x, y, { verbose: 0 })) as number[];
    expect(scores).toHaveLength(2);
    const byBatch = unbuilt();
    byBatch.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    expect(typeof (await byBatch.trainOnBatch(x, y))).toBe('number');
    const byBuild = unbuilt();
    byBuild.compile({ optimizer: 'sgd', loss: 'mse' });
    byBuild.build([null, 6]);
    expect(byBuild.compiled).toBeDefined();
    dispose([x, y, p]);
    for (const m of [byPredict, byEvaluate, byBatch, byBuild]) m.dispose();
  });

  it('bad ids still fail at compile time, and nothing leaks', () => {
    const before = memory().numTensors;
    const model = unbuilt();
    expect(() => model.compile({ optimizer: 'adamm', loss: 'mse' })).toThrow(/adamm.*sgd.*rmsprop.*adam/s);
    expect(() => model.compile({ optimizer: 'adam', loss: 'categorical_crossentropyy' })).toThrow(/categorical_crossentropyy/);
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] })).toThrow(/Unknown metric 'acuracy'/);
    expect(model.compilePending).toBe(false);
    model.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('fit on an unbuilt model that was never compiled still says to compile', async () => {
    const model = unbuilt();
    const x = randomNormal([2, 5]);
    await expect(model.fit(x, x)).rejects.toThrow(/must call compile\(\) before fit\(\)/);
    expect(model.built).toBe(false);
    dispose(x);
  });
});
