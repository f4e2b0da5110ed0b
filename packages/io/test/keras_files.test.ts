import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import { Adam } from '@tessera/optimizers';
import { dispose, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { loadModel, loadWeights, modelFromJSON } from '../src/index.js';
import { haveKerasModels, maxAbsDiff, npyTensor, sharedFile, skipReason } from './helpers.js';

/** Each Keras-written model, its inputs and Keras's outputs. */
const CASES = [
  { file: 'keras3.1.1_mnist_cnn.h5', stem: 'keras3.1.1_mnist_cnn' },
  { file: 'keras3.1.1_mnist_cnn.keras', stem: 'keras3.1.1_mnist_cnn_keras' },
  { file: 'keras2.1.3_conv_bn.h5', stem: 'keras2.1.3_conv_bn' },
] as const;

function check(model: { predict(x: Tensor): unknown }, stem: string, label: string): number {
  const x = npyTensor(sharedFile(`${stem}.input.npy`));
  const expected = npyTensor(sharedFile(`${stem}.expected.npy`));
  const y = model.predict(x) as Tensor;
  expect(y.shape).toEqual(expected.shape);
  const diff = maxAbsDiff(y.dataSync(), expected.dataSync());
  console.log(`${label}: max abs difference ${diff.toExponential(3)}`);
  dispose([x, expected, y]);
  return diff;
}

describe.skipIf(!haveKerasModels)(`models saved by Keras load and predict as Keras did ${haveKerasModels ? '' : skipReason}`, () => {
  for (const c of CASES) {
    it(`${c.file}`, async () => {
      const model = await loadModel(sharedFile(c.file));
      expect(check(model, c.stem, c.file)).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it('keras2.0.6_mnist_mlp.json + .weights.h5 (model.to_json() and save_weights)', async () => {
    const model = modelFromJSON(readFileSync(sharedFile('keras2.0.6_mnist_mlp.json'), 'utf8'));
    expect(model.layers.map((l) => l.name)).toEqual(['dense_1', 'dropout_1', 'dense_2', 'dropout_2', 'dense_3']);
    await loadWeights(model, sharedFile('keras2.0.6_mnist_mlp.weights.h5'));
    expect(check(model, 'keras2.0.6_mnist_mlp', 'keras2.0.6_mnist_mlp')).toBeLessThan(1e-4);
    model.dispose();
  });

  it('keras2.0.6 weights also load by layer name', async () => {
    const model = modelFromJSON(readFileSync(sharedFile('keras2.0.6_mnist_mlp.json'), 'utf8'));
    await loadWeights(model, sharedFile('keras2.0.6_mnist_mlp.weights.h5'), { byName: true });
    expect(check(model, 'keras2.0.6_mnist_mlp', 'keras2.0.6_mnist_mlp (by name)')).toBeLessThan(1e-4);
    model.dispose();
  });

  it('compile: true restores Keras 3 training config and Adam state from .h5 and .keras', async () => {
    for (const file of ['keras3.1.1_mnist_cnn.h5', 'keras3.1.1_mnist_cnn.keras']) {
      const model = await loadModel(sharedFile(file), { compile: true });
      const opt = model.optimizer!;
      expect(opt).toBeInstanceOf(Adam);
      expect(opt.iterations).toBeGreaterThan(0);
      expect(model.compiled!.losses[0].name).toBe('categorical_crossentropy');
      expect(model.compiled!.metrics[0].map((m) => m.name)).toEqual(['accuracy']);
      // The moments are the file's, not zeros.
      const state = opt.getWeights();
      expect(state.length).toBe(2 + 2 * model.trainableWeights.length);
      expect(Math.max(...Array.from(state[2].dataSync(), Math.abs))).toBeGreaterThan(0);
      dispose(state);
      model.dispose();
    }
  });

  it('compile: true on a Keras 2 file maps its optimizer config (lr, decay)', async () => {
    const warnings: string[] = [];
    const model = await loadModel(sharedFile('keras2.1.3_conv_bn.h5'), { compile: true, onWarning: (m) => warnings.push(m) });
    expect(model.optimizer).toBeInstanceOf(Adam);
    expect(model.optimizer!.learningRate).toBeCloseTo(0.001, 6);
    expect(model.compiled!.losses[0].name).toBe('mean_squared_error');
    model.dispose();
  });
});
