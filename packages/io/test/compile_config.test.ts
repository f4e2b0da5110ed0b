// modelCompileConfig / compileFromConfig: a compiled model's compile arguments as Keras 3's
// compile_config, and back (what @tessera/worker sends with the model's JSON).
import '@tessera/cpu-backend';
import { Dense, Sequential } from '@tessera/layers';
import { Adam } from '@tessera/optimizers';
import { describe, expect, it } from 'vitest';
import { compileFromConfig, ModelFileError, modelCompileConfig, modelFromJSON, modelToJSON } from '../src/index.js';

function compiled(): Sequential {
  const m = new Sequential();
  m.add(new Dense({ units: 4, activation: 'relu', inputShape: [3] }));
  m.add(new Dense({ units: 2, activation: 'softmax' }));
  m.compile({ optimizer: new Adam({ learningRate: 0.003, beta1: 0.8 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

describe('modelCompileConfig / compileFromConfig', () => {
  it("writes Keras 3's compile_config and compiles a copy with the same optimizer, loss and metrics", () => {
    const m = compiled();
    const config = modelCompileConfig(m);
    expect(config).toMatchObject({ loss: 'categorical_crossentropy', metrics: ['accuracy'], loss_weights: null });
    expect(config.optimizer).toMatchObject({ class_name: 'Adam', config: { learning_rate: 0.003, beta_1: 0.8 } });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config); // plain JSON, ready for postMessage

    const copy = modelFromJSON(modelToJSON(m));
    compileFromConfig(copy, config);
    expect(copy.compiled!.optimizer.getConfig()).toEqual(m.compiled!.optimizer.getConfig());
    expect(copy.compiled!.losses.map((l) => l.name)).toEqual(['categorical_crossentropy']);
    expect(modelCompileConfig(copy)).toEqual(config);
    copy.dispose();
    m.dispose();
  });

  it('refuses a model that is not compiled, and a config without a loss', () => {
    const m = new Sequential();
    m.add(new Dense({ units: 1, inputShape: [2] }));
    expect(() => modelCompileConfig(m)).toThrow(ModelFileError);
    expect(() => modelCompileConfig(m)).toThrow(/not compiled/);
    expect(() => compileFromConfig(m, { optimizer: 'adam' })).toThrow(/no loss/);
    m.dispose();
  });
});
