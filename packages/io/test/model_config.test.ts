import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Conv2D, Dense, Flatten, Input, Model, Sequential, type SymbolicTensor } from '@tessera/layers';
import { dispose, randomUniform, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { loadWeights, ModelFileError, modelFromJSON, modelToJSON, readModelConfig, saveModel, saveWeights } from '../src/index.js';
import { haveKerasModels, maxAbsDiff, sharedFile } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function cnn(): Sequential {
  return new Sequential([new Conv2D({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1], activation: 'relu' }), new Flatten(), new Dense({ units: 3 })]);
}

describe('readModelConfig: the architecture of any full save', () => {
  it('from .h5, .keras and JSON, paired with a weights-only file it rebuilds the model', async () => {
    const model = cnn();
    const x = randomUniform([2, 6, 6, 1]);
    const expected = model.predict(x) as Tensor;
    const weights = await saveWeights(model, null, { format: 'keras' });
    for (const [label, bytes] of [
      ['h5', await saveModel(model, null, { format: 'h5' })],
      ['keras', await saveModel(model, null, { format: 'keras' })],
      ['json', new TextEncoder().encode(modelToJSON(model))],
    ] as const) {
      const config = await readModelConfig(bytes);
      expect(config.class_name, label).toBe('Sequential');
      expect(Object.keys(config).filter((k) => !['class_name', 'config', 'build_config', 'module', 'registered_name'].includes(k)), label).toEqual([]);
      const layers = (config.config as { layers: { class_name: string }[] }).layers.map((l) => l.class_name);
      expect(layers, label).toEqual(['InputLayer', 'Conv2D', 'Flatten', 'Dense']);
      const rebuilt = modelFromJSON(config);
      await loadWeights(rebuilt, weights);
      const y = rebuilt.predict(x) as Tensor;
      expect(maxAbsDiff(y.dataSync(), expected.dataSync()), label).toBe(0);
      dispose(y);
      rebuilt.dispose();
    }
    dispose([x, expected]);
    model.dispose();
  });

  it('a functional model: class_name Functional', async () => {
    const input = Input({ shape: [4] });
    const model = new Model({ inputs: input, outputs: new Dense({ units: 2 }).apply(input) as SymbolicTensor });
    const config = await readModelConfig(await saveModel(model, null, { format: 'keras' }));
    expect(config.class_name).toBe('Functional');
    expect(config.build_config).toBeDefined();
    model.dispose();
  });

  it("a Keras 1 full save's model_config comes back as the file holds it", async () => {
    const config = await readModelConfig(resolve(here, 'fixtures/keras1/keras1_mnist_cnn_full.h5'));
    expect(config.class_name).toBe('Sequential');
    expect((config.config as { class_name: string; config: Record<string, unknown> }[])[0]).toMatchObject({ class_name: 'Convolution2D', config: { nb_filter: 8, dim_ordering: 'th' } });
    const json = await readModelConfig(resolve(here, 'fixtures/keras1/keras1_mnist_cnn.json'));
    expect(json).toEqual(config);
  });

  it.skipIf(!haveKerasModels)("Keras's own files: a Keras 3 .h5 and .keras", async () => {
    const h5 = await readModelConfig(sharedFile('keras3.1.1_mnist_cnn.h5'));
    const keras = await readModelConfig(sharedFile('keras3.1.1_mnist_cnn.keras'));
    expect(h5.class_name).toBe('Sequential');
    expect(keras.class_name).toBe('Sequential');
    expect(JSON.stringify(keras)).not.toContain('compile_config');
    const json = JSON.parse(readFileSync(sharedFile('keras2.0.6_mnist_mlp.json'), 'utf8'));
    expect(await readModelConfig(sharedFile('keras2.0.6_mnist_mlp.json'))).toEqual({ class_name: json.class_name, config: json.config });
  });

  it('a weights-only file, garbage and a config of the wrong shape fail with a ModelFileError', async () => {
    const model = cnn();
    for (const format of ['h5', 'keras'] as const) {
      const err = (await readModelConfig(await saveWeights(model, null, { format }), {}).catch((e: unknown) => e)) as ModelFileError;
      expect(err).toBeInstanceOf(ModelFileError);
      expect(err.code).toBe('missing');
      expect(err.message).toMatch(/weights-only file/);
    }
    const bad = (await readModelConfig(new TextEncoder().encode('{"layers": []}')).catch((e: unknown) => e)) as ModelFileError;
    expect(bad.code).toBe('bad_config');
    const junk = (await readModelConfig(new Uint8Array([1, 2, 3, 4, 5])).catch((e: unknown) => e)) as ModelFileError;
    expect(junk.code).toBe('unknown_format');
    model.dispose();
  });
});
