// Keras 3's mask op nodes in functional configs: computed with Keras's semantics, written back
// as Keras wrote them, and a clear error for an op Tessera does not compute.
import '@tessera/cpu-backend';
import { tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { modelFromJSON, modelToJSON } from '../src/index.js';

const ref = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'int32', keras_history: [name, 0, 0] } });
const ops = 'keras.src.ops.numpy';

function config(opClass = 'NotEqual'): string {
  const layers = [
    { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'int32', name: 'tokens' }, name: 'tokens', inbound_nodes: [] },
    { module: 'keras.layers', class_name: 'Embedding', config: { name: 'embedding', input_dim: 5, output_dim: 2, mask_zero: true }, name: 'embedding', inbound_nodes: [{ args: [ref('tokens')], kwargs: {} }] },
    { module: ops, class_name: opClass, config: { name: 'not_equal' }, registered_name: opClass, name: 'not_equal', inbound_nodes: [{ args: [ref('tokens'), 0], kwargs: {} }] },
    {
      module: 'keras.layers',
      class_name: 'GlobalAveragePooling1D',
      config: { name: 'pool' },
      name: 'pool',
      inbound_nodes: [{ args: [ref('embedding')], kwargs: { mask: ref('not_equal') } }],
    },
  ];
  return JSON.stringify({ class_name: 'Functional', config: { name: 'm', layers, input_layers: ['tokens', 0, 0], output_layers: ['pool', 0, 0] } });
}

describe('Keras 3 mask op nodes', () => {
  it('computes them and gives the layer the recorded mask', () => {
    const model = modelFromJSON(config());
    expect(model.operations.map((l) => l.className)).toEqual(['InputLayer', 'Embedding', 'NotEqual', 'GlobalAveragePooling1D']);
    expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'Embedding', 'GlobalAveragePooling1D']);
    const [table] = model.getLayer('embedding').getWeights();
    const rows = table.arraySync() as number[][];
    const x = tensor(Int32Array.from([3, 1, 0, 0]), [1, 4], 'int32');
    const out = model.predict(x);
    // The mean of the unmasked steps only (3 and 1), as Keras.
    const want = [0, 1].map((j) => (rows[3][j] + rows[1][j]) / 2);
    Array.from((out as { dataSync(): Float32Array }).dataSync()).forEach((v, j) => expect(v).toBeCloseTo(want[j], 6));
    model.dispose();
  });

  it('writes them back as Keras wrote them', () => {
    const model = modelFromJSON(config());
    const written = JSON.parse(modelToJSON(model)) as { config: { layers: Record<string, unknown>[] } };
    const op = written.config.layers.find((l) => l.name === 'not_equal')!;
    expect(op).toMatchObject({ module: ops, class_name: 'NotEqual', config: { name: 'not_equal' } });
    expect((op.inbound_nodes as { args: unknown[] }[])[0].args[1]).toBe(0);
    const pool = written.config.layers.find((l) => l.name === 'pool')!;
    expect((pool.inbound_nodes as { kwargs: { mask: { config: { keras_history: unknown[] } } } }[])[0].kwargs.mask.config.keras_history).toEqual(['not_equal', 0, 0]);
    model.dispose();
  });

  it('names an op it does not compute', () => {
    expect(() => modelFromJSON(config('Argsort'))).toThrow(/Keras operation Argsort \(keras\.src\.ops\.numpy\) as node 'not_equal'/);
  });
});
