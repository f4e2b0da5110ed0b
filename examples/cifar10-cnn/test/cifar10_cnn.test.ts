import '@tessera/cpu-backend';
import { clearSession } from '@tessera/layers';
import { dispose, memory, oneHot, randomUniform, tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { cifar10Cnn } from '../src/model.js';

describe("Keras's CIFAR-10 CNN", () => {
  it('has the per-layer parameter counts Keras prints', () => {
    clearSession();
    const model = cifar10Cnn();
    const text = model.summary({ printFn: () => undefined });
    const rows = text.split('\n').filter((l) => /\(Conv2D\)|\(Dense\)/.test(l));
    expect(rows.map((r) => r.trim().split(/\s+/).pop())).toEqual(['896', '9248', '18496', '36928', '1180160', '5130']);
    expect(text).toContain('Total params: 1,250,858');
    expect(text).toContain('Trainable params: 1,250,858');
    expect(text).toMatch(/flatten \(Flatten\)\s+\(None, 2304\)/);
    model.dispose();
  });

  it('takes a training step on 32x32x3 images without leaking', async () => {
    clearSession();
    const model = cifar10Cnn();
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const x = randomUniform([8, 32, 32, 3], { seed: 1 });
    const labels = tensor([0, 1, 2, 3, 4, 5, 6, 7], [8], 'int32');
    const y = oneHot(labels, 10);
    const start = memory().numTensors;
    const history = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(history.history.loss[0]).toBeGreaterThan(0);
    expect(memory().numTensors).toBe(start);
    dispose([x, labels, y]);
    model.dispose();
  }, 60_000);
});
