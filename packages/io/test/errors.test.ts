import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import { Dense, Layer, Sequential, clearSession, type LayerArgs, type LayerShape, type Tensors } from '@tessera/layers';
import { TesseraError, memory, mul, tensor, type Tensor, type Variable } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { group, stringAttr } from '../src/h5/tree.js';
import {
  ModelFileError,
  kerasArgs,
  loadModel,
  loadWeights,
  readModel,
  registerLayer,
  saveModel,
  saveWeights,
  unregisterLayer,
  writeH5,
} from '../src/index.js';
import { readZip, writeZip } from '../src/zip.js';
import { haveKerasModels, sharedFile, skipReason } from './helpers.js';

async function failure(p: Promise<unknown>): Promise<ModelFileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    expect(e).toBeInstanceOf(TesseraError);
    return e as ModelFileError;
  }
  throw new Error('expected a ModelFileError');
}

function small(units = 3): Sequential {
  return new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [2], name: 'hidden' }), new Dense({ units, name: 'out' })]);
}

const enc = new TextEncoder();

async function kerasWithConfig(config: string): Promise<Uint8Array> {
  clearSession();
  const m = small();
  const bytes = await saveModel(m, null, { format: 'keras' });
  m.dispose();
  const entries = [...readZip(bytes).entries()].map(([n, d]) => [n, n === 'config.json' ? enc.encode(config) : d] as const);
  return writeZip(entries);
}

describe('bad files give typed errors', () => {
  it.skipIf(!haveKerasModels)(`truncated and altered Keras files ${haveKerasModels ? '' : skipReason}`, async () => {
    const h5 = new Uint8Array(readFileSync(sharedFile('keras3.1.1_mnist_cnn.h5')));
    const truncated = await failure(loadModel(h5.slice(0, h5.length >> 1)));
    expect(['corrupt', 'missing']).toContain(truncated.code);
    const noSignature = h5.slice();
    noSignature[1] ^= 0xff;
    expect((await failure(loadModel(noSignature))).code).toBe('unknown_format');
    const keras = new Uint8Array(readFileSync(sharedFile('keras3.1.1_mnist_cnn.keras')));
    const flipped = keras.slice();
    flipped[keras.length >> 1] ^= 0x10; // inside model.weights.h5: the CRC-32 catches it
    const e = await failure(loadModel(flipped));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/CRC-32/);
    expect((await failure(loadModel(keras.slice(0, 1000)))).code).toBe('corrupt');
  });

  it('an empty file, random bytes, and a missing file', async () => {
    expect((await failure(loadModel(new Uint8Array(0)))).code).toBe('unknown_format');
    expect((await failure(loadModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])))).code).toBe('unknown_format');
    const missing = await failure(loadModel('/nonexistent/dir/model.keras'));
    expect(missing.code).toBe('io');
    expect(missing.file).toBe('/nonexistent/dir/model.keras');
  });

  it('a zip without config.json', async () => {
    const zip = writeZip([['metadata.json', enc.encode('{}')]]);
    const e = await failure(loadModel(zip));
    expect(e.code).toBe('missing');
    expect(e.message).toMatch(/config\.json/);
  });

  it('a config that is not JSON (.keras and .h5)', async () => {
    const e = await failure(loadModel(await kerasWithConfig('{"class_name": "Sequential", oops')));
    expect(e.code).toBe('bad_config');
    expect(e.message).toMatch(/config\.json is not valid JSON/);
    const h5 = await writeH5(group({ model_config: stringAttr('not json at all'), keras_version: stringAttr('3.1.1') }));
    const tree = group({ model_config: stringAttr('not json at all') });
    tree.children.model_weights = group({ layer_names: { dtype: 'float64', shape: [0], value: new Float64Array(0) } });
    const e2 = await failure(loadModel(await writeH5(tree)));
    expect(e2.code).toBe('bad_config');
    expect(e2.message).toMatch(/model_config is not valid JSON/);
    expect((await failure(loadModel(h5))).code).toBe('missing'); // no model_weights
  });

  it('an unknown layer class names the class and shows registerLayer', async () => {
    const config = {
      module: 'keras',
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2] } }, { class_name: 'MyLayer', config: { name: 'mine' } }] },
    };
    const before = memory().numTensors;
    const e = await failure(loadModel(await kerasWithConfig(JSON.stringify(config))));
    expect(e.code).toBe('unknown_layer');
    expect(e.layer).toBe('mine');
    expect(e.message).toContain("registerLayer('MyLayer', ");
    expect(memory().numTensors).toBe(before);
  });

  it("a Keras layer Tessera lacks, and Keras's Lambda, fail with their own messages", async () => {
    const withLayer = (spec: Record<string, unknown>) => ({
      module: 'keras',
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 4, 2] } }, spec] },
    });
    const before = memory().numTensors;
    const lstm = await failure(loadModel(await kerasWithConfig(JSON.stringify(withLayer({ module: 'keras.layers', class_name: 'ConvLSTM1D', config: { name: 'conv_lstm1d', filters: 3 } })))));
    expect(lstm.code).toBe('unsupported');
    expect(lstm.layer).toBe('conv_lstm1d');
    expect(lstm.message).toMatch(/^Keras layer ConvLSTM1D is not supported by Tessera yet; supported: .*, Dense, /);
    const lambda = await failure(
      loadModel(await kerasWithConfig(JSON.stringify(withLayer({ module: 'keras.layers', class_name: 'Lambda', config: { name: 'lambda', function: {} } })))),
    );
    expect(lambda.code).toBe('unsupported');
    expect(lambda.message).toMatch(/Lambda holds a Python function .* which cannot run in JavaScript/);
    expect(memory().numTensors).toBe(before);
  });

  it('a weight whose shape does not fit the layer: nothing is assigned', async () => {
    clearSession();
    const source = small(3);
    const bytes = await saveWeights(source, null, { format: 'h5' });
    const target = small(5);
    const snapshot = target.getWeights().map((t) => Array.from(t.dataSync()));
    const e = await failure(loadWeights(target, bytes));
    expect(e.code).toBe('weight_mismatch');
    expect(e.layer).toBe('out');
    expect(e.weight).toBe('kernel');
    expect(e.expected).toBe('[4, 5]');
    expect(e.found).toBe('[4, 3]');
    // The first layer fits, but it was not touched either: all weights are checked before any is set.
    expect(target.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(snapshot);
    const k3 = await saveWeights(source, null, { format: 'keras' });
    expect((await failure(loadWeights(target, k3))).code).toBe('weight_mismatch');
    source.dispose();
    target.dispose();
  });

  it('a corrupted config asking for huge weights fails before allocating them', async () => {
    const config = {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2] } }, { class_name: 'Dense', config: { name: 'hidden', units: 4e8 } }] },
    };
    const e = await failure(loadModel(await kerasWithConfig(JSON.stringify(config))));
    expect(e.code).toBe('bad_config');
    expect(e.message).toMatch(/more values than the file holds/);
  });

  it('an unsupported activation or option is named', async () => {
    const config = {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2] } }, { class_name: 'Dense', config: { name: 'hidden', units: 4, activation: 'mish' } }] },
    };
    const e = await failure(loadModel(await kerasWithConfig(JSON.stringify(config))));
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/activation 'mish'/);
    expect(e.layer).toBe('hidden');
  });

  it('a model JSON or compile request that cannot be honoured', async () => {
    expect((await failure(readModel(enc.encode('{"class_name": "Sequential"')))).code).toBe('bad_config');
    expect((await failure(readModel(enc.encode('{"class_name": "Conv2D", "config": {}}')))).code).toBe('bad_config');
  });
});

class Scale extends Layer {
  static override readonly className = 'Scale';
  private w?: Variable;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override build(shape: LayerShape): void {
    this.w = this.addWeight('w', [shape[shape.length - 1] as number], 'ones');
    super.build(shape);
  }
  call(x: Tensors): Tensor {
    return mul(Array.isArray(x) ? x[0] : x, this.w!);
  }
}

describe('custom layers', () => {
  it('load after registerLayer, in both formats', async () => {
    clearSession();
    const model = new Sequential([new Dense({ units: 3, inputShape: [2] }), new Scale()]);
    model.layers[1].setWeights([tensor([2, -1, 0.5])]);
    const x = tensor([[1, 2], [3, 4]]);
    const want = Array.from((model.predict(x) as Tensor).dataSync());
    for (const format of ['keras', 'h5'] as const) {
      const bytes = await saveModel(model, null, { format });
      const e = await failure(loadModel(bytes));
      expect(e.code).toBe('unknown_layer');
      registerLayer('Scale', (config) => new Scale(kerasArgs(config)));
      try {
        const loaded = await loadModel(bytes);
        expect(Array.from((loaded.predict(x) as Tensor).dataSync())).toEqual(want);
        loaded.dispose();
      } finally {
        unregisterLayer('Scale');
      }
    }
    expect(() => registerLayer('Dense', () => new Scale())).toThrow(/built-in/);
    model.dispose();
  });
});
