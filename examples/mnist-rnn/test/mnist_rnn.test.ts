import '@tessera/cpu-backend';
import { clearSession } from '@tessera/layers';
import { Adam } from '@tessera/optimizers';
import { dispose, memory } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { loadMnistRows } from '../src/data.js';
import { mnistRnn } from '../src/model.js';

describe("Keras's MNIST-rows LSTM", () => {
  it('has the parameter counts Keras prints', () => {
    clearSession();
    const model = mnistRnn();
    const text = model.summary({ printFn: () => undefined });
    expect(text).toMatch(/lstm \(LSTM\)\s+\(None, 128\)\s+80384/);
    expect(text).toMatch(/dense \(Dense\)\s+\(None, 10\)\s+1290/);
    expect(text).toContain('Total params: 81,674');
    model.dispose();
  });

  it('learns from a few hundred real MNIST rows without leaking', async () => {
    clearSession();
    const { xTrain, yTrain, xTest, yTest } = await loadMnistRows(384);
    dispose([xTest, yTest]);
    const model = mnistRnn(32);
    model.compile({ loss: 'categorical_crossentropy', optimizer: new Adam({ learningRate: 0.01 }), metrics: ['accuracy'] });
    const start = memory().numTensors;
    const history = await model.fit(xTrain, yTrain, { batchSize: 64, epochs: 3, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(memory().numTensors).toBe(start);
    dispose([xTrain, yTrain]);
    model.dispose();
  }, 60_000);
});
