import '@tessera/cpu-backend';
import { BatchNormalization, Concatenate, Dense, InputLayer, clearSession } from '@tessera/layers';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../src/index.js';

const glorot2 = { class_name: 'VarianceScaling', config: { distribution: 'uniform', scale: 1.0, seed: null, mode: 'fan_avg' } };

describe('configs from every Keras generation map onto Tessera layers', () => {
  it('Keras 2.2 functional ("Model", list inbound nodes, batch_input_shape, old initializers, axis lists)', () => {
    clearSession();
    const config = {
      class_name: 'Model',
      keras_version: '2.2.4',
      config: {
        name: 'model_1',
        layers: [
          { name: 'input_1', class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_1' }, inbound_nodes: [] },
          { name: 'dense_1', class_name: 'Dense', config: { name: 'dense_1', units: 3, activation: 'relu', use_bias: true, kernel_initializer: glorot2, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } } }, inbound_nodes: [[['input_1', 0, 0, {}]]] },
          { name: 'bn', class_name: 'BatchNormalization', config: { name: 'bn', axis: [1], momentum: 0.9, epsilon: 0.001, center: true, scale: true, renorm: false, fused: null } , inbound_nodes: [[['dense_1', 0, 0, {}]]] },
          { name: 'concatenate_1', class_name: 'Concatenate', config: { name: 'concatenate_1', axis: -1 }, inbound_nodes: [[['bn', 0, 0, {}], ['input_1', 0, 0, {}]]] },
        ],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['concatenate_1', 0, 0]],
      },
    };
    const model = modelFromJSON(config);
    expect(model.layers.map((l) => l.constructor)).toEqual([InputLayer, Dense, BatchNormalization, Concatenate]);
    expect(model.outputShapes).toEqual([[null, 7]]);
    expect((model.layers[2] as BatchNormalization).axis).toBe(1);
    expect((model.layers[2] as BatchNormalization).momentum).toBe(0.9);
    model.dispose();
  });

  it('Keras 3 functional (__keras_tensor__ nodes, DTypePolicy objects, single input refs)', () => {
    clearSession();
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const tensor = (name: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [name, 0, 0] } });
    const config = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'functional',
        trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 5], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
          { module: 'keras.layers', class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: policy, units: 2, activation: 'softmax', use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } }, registered_name: null, build_config: { input_shape: [null, 5] }, name: 'dense', inbound_nodes: [{ args: [tensor('input_layer', [null, 5])], kwargs: {} }] },
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: ['dense', 0, 0],
      },
      registered_name: 'Functional',
    };
    const model = modelFromJSON(config);
    expect(model.outputShapes).toEqual([[null, 2]]);
    model.dispose();
  });

  it('a Sequential without an input shape is built from build_input_shape', () => {
    clearSession();
    const model = modelFromJSON({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }], build_input_shape: [null, 3] } });
    expect(model.built).toBe(true);
    expect(model.layers[0].weights[0].shape).toEqual([3, 2]);
    model.dispose();
  });
});
