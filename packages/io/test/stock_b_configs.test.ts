// Keras 2 (tf.keras) and Keras 3 configs of the stock layers of issue 13 part 3 load
// through the registry: Keras 2's extra keys are accepted, constraints are ignored with a warning.
import '@tessera/cpu-backend';
import { clearSession, Embedding, GaussianNoise, GroupNormalization, Normalization, Resizing } from '@tessera/layers';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../src/index.js';

describe('configs of the new stock layers', () => {
  it('tf.keras 2 Sequential: Embedding with input_length and a constraint, GaussianNoise, Normalization, Resizing, GroupNormalization', () => {
    clearSession();
    const warnings: string[] = [];
    const config = {
      class_name: 'Sequential',
      keras_version: '2.13.1',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'ids' } },
          {
            class_name: 'Embedding',
            config: {
              name: 'embedding',
              trainable: true,
              dtype: 'float32',
              batch_input_shape: [null, 4],
              input_dim: 20,
              output_dim: 6,
              embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
              embeddings_regularizer: null,
              activity_regularizer: null,
              embeddings_constraint: { class_name: 'NonNeg', config: {} },
              mask_zero: false,
              input_length: 4,
            },
          },
          { class_name: 'GaussianNoise', config: { name: 'gaussian_noise', trainable: true, dtype: 'float32', stddev: 0.1, seed: null } },
          { class_name: 'Normalization', config: { name: 'normalization', trainable: true, dtype: 'float32', axis: [-1], mean: null, variance: null, invert: false } },
          { class_name: 'Reshape', config: { name: 'reshape', trainable: true, dtype: 'float32', target_shape: [4, 6, 1] } },
          {
            class_name: 'Resizing',
            config: { name: 'resizing', trainable: true, dtype: 'float32', height: 8, width: 3, interpolation: 'nearest', crop_to_aspect_ratio: false },
          },
          {
            class_name: 'GroupNormalization',
            config: {
              name: 'group_normalization',
              trainable: true,
              dtype: 'float32',
              groups: 1,
              axis: -1,
              epsilon: 0.001,
              center: true,
              scale: true,
              beta_initializer: { class_name: 'Zeros', config: {} },
              gamma_initializer: { class_name: 'Ones', config: {} },
              beta_regularizer: null,
              gamma_regularizer: null,
              beta_constraint: null,
              gamma_constraint: null,
            },
          },
        ],
      },
    };
    const model = modelFromJSON(config, { onWarning: (m) => warnings.push(m) });
    expect(model.layers.map((l) => l.constructor)).toEqual([Embedding, GaussianNoise, Normalization, expect.anything(), Resizing, GroupNormalization]);
    expect(model.outputShapes).toEqual([[null, 8, 3, 1]]);
    expect((model.layers[4] as Resizing).interpolation).toBe('nearest');
    expect(model.layers[2].weightEntries.map((w) => [w.name, w.variable.dtype])).toEqual([
      ['mean', 'float32'],
      ['variance', 'float32'],
      ['count', 'int32'],
    ]);
    expect(warnings.join('\n')).toMatch(/embeddings_constraint is ignored/);
    model.dispose();
  });
});
