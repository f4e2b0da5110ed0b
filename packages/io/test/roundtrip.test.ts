import '@tessera/cpu-backend';
import { Dense, Model, Sequential, clearSession } from '@tessera/layers';
import { dispose, memory, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import {
  KERAS_VERSION,
  knownLayerClasses,
  loadModel,
  loadWeights,
  modelFromJSON,
  modelToJSON,
  readH5,
  saveModel,
  saveWeights,
} from '../src/index.js';
import { maxAbsDiff } from './helpers.js';
import { activationModel, allLayersDeep, exportedLayerClasses, functionalModel, imageModel, inputsFor, randomizeWeights, recurrentModel, sequenceModel, stockModel } from './models.js';

const builders = { images: imageModel, sequences: sequenceModel, functional: functionalModel, activations: activationModel, stock: stockModel, recurrent: recurrentModel };

function predict(model: Model, xs: Tensor[]): Float32Array {
  const y = model.predict(xs.length === 1 ? xs[0] : xs) as Tensor;
  const out = Float32Array.from(y.dataSync());
  y.dispose();
  return out;
}

/** Saves a randomized model's weights in both formats and loads them into a twin: same outputs. */
async function weightsTravel(
  build: () => Model,
  save: (model: Model, format: 'keras' | 'h5') => Promise<Uint8Array>,
  twinOf: (model: Model) => Model,
): Promise<void> {
  clearSession();
  const model = build();
  randomizeWeights(model, 12);
  const xs = inputsFor(model, 6);
  const before = predict(model, xs);
  for (const format of ['keras', 'h5'] as const) {
    const bytes = await save(model, format);
    const twin = twinOf(model);
    await loadWeights(twin, bytes);
    expect(maxAbsDiff(predict(twin, xs), before)).toBe(0);
    twin.dispose();
  }
  dispose(xs);
  model.dispose();
}

describe('save -> load -> predict gives identical outputs', () => {
  it('the test models use every layer class @tessera/layers exports, and the registry knows each', () => {
    clearSession();
    const used = new Set<string>();
    for (const build of Object.values(builders)) {
      const m = build();
      allLayersDeep(m).forEach((l) => used.add(l.className));
      m.dispose();
    }
    const exported = exportedLayerClasses();
    expect(exported.filter((c) => !used.has(c)), 'layer classes with no save/load round trip test: add them to test/models.ts').toEqual([]);
    expect(exported.filter((c) => !knownLayerClasses().includes(c))).toEqual([]);
  });

  for (const [name, build] of Object.entries(builders)) {
    for (const format of ['keras', 'h5'] as const) {
      it(`${name} model, .${format}`, async () => {
        clearSession();
        const model = build();
        randomizeWeights(model, 11);
        const xs = inputsFor(model, 5);
        const before = predict(model, xs);
        const bytes = await saveModel(model, null, { format });
        const tensorsBefore = memory().numTensors;
        const loaded = await loadModel(bytes);
        expect(loaded.name).toBe(model.name);
        expect(loaded.layers.map((l) => `${l.className}:${l.name}`)).toEqual(model.layers.map((l) => `${l.className}:${l.name}`));
        expect(maxAbsDiff(predict(loaded, xs), before)).toBe(0);
        loaded.dispose();
        expect(memory().numTensors).toBe(tensorsBefore);
        dispose(xs);
        model.dispose();
      });
    }
    it(`${name} model: weights only, both layouts, into a model rebuilt from modelToJSON`, () =>
      weightsTravel(build, (model, format) => saveWeights(model, null, { format }), (model) => modelFromJSON(modelToJSON(model))));
  }

  it('a full .h5 and a .keras also give their weights to loadWeights', () =>
    weightsTravel(imageModel, (model, format) => saveModel(model, null, { format }), () => imageModel()));

  it('writes keras_version, backend and Keras-shaped configs', async () => {
    clearSession();
    const model = new Sequential([new Dense({ units: 3, inputShape: [2] })]);
    const tree = await readH5(await saveModel(model, null, { format: 'h5' }));
    expect(tree.attrs.keras_version.value).toBe(KERAS_VERSION);
    expect(tree.attrs.backend.value).toBe('tensorflow');
    const config = JSON.parse(tree.attrs.model_config.value as string);
    expect(config.class_name).toBe('Sequential');
    expect(config.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['InputLayer', 'Dense']);
    expect(config.config.layers[1].config.kernel_initializer).toEqual({ module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null });
    model.dispose();
  });
});
