import '@tessera/cpu-backend';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Conv1D, Conv2D, Conv2DTranspose, Dense, Flatten, MaxPooling2D, Sequential, type Model } from '@tessera/layers';
import { add, argMax, concat, dispose, matMul, randomUniform, relu, sigmoid, slice, tanh, tensor, tidy, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { loadModel, loadWeights, ModelFileError, modelFromJSON, writeH5 } from '../src/index.js';
import { group, stringAttr, stringsAttr, dataset, type H5Group } from '../src/h5/tree.js';
import { keras1LayerConfig } from '../src/keras/keras1_config.js';
import { convertKernel, convertLegacyWeights, transposeWeight } from '../src/keras/keras1_weights.js';
import { legacyWeightEntries } from '../src/keras/weights.js';
import { maxAbsDiff, repoRoot } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => resolve(here, 'fixtures/keras1', name);
const mnistDir = resolve(repoRoot, '../shared/data/mnist');
const haveMnist = existsSync(resolve(mnistDir, 't10k-images-idx3-ubyte.gz'));

function translate(className: string, config: Record<string, unknown>) {
  const warnings: string[] = [];
  const out = keras1LayerConfig(className, config, { file: 'm.json', warn: (m) => warnings.push(m) });
  return { ...out, warnings };
}

describe('Keras 1 layer configs read as Keras 2 reads them (keras/legacy/interfaces.py)', () => {
  it('Convolution2D: nb_filter, nb_row/nb_col, border_mode, subsample, dim_ordering, init, W_regularizer, bias', () => {
    const t = translate('Convolution2D', {
      name: 'convolution2d_1',
      trainable: true,
      batch_input_shape: [null, 1, 28, 28],
      input_dtype: 'float32',
      nb_filter: 32,
      nb_row: 3,
      nb_col: 5,
      init: 'glorot_uniform',
      activation: 'relu',
      border_mode: 'same',
      subsample: [2, 1],
      dim_ordering: 'th',
      W_regularizer: { name: 'L1L2Regularizer', l1: 0.0, l2: 0.01 },
      b_regularizer: null,
      activity_regularizer: null,
      W_constraint: null,
      b_constraint: null,
      bias: false,
    });
    expect(t.className).toBe('Conv2D');
    expect(t.config).toEqual({
      name: 'convolution2d_1',
      trainable: true,
      batch_input_shape: [null, 1, 28, 28],
      input_dtype: 'float32',
      filters: 32,
      kernel_size: [3, 5],
      kernel_initializer: 'glorot_uniform',
      activation: 'relu',
      padding: 'same',
      strides: [2, 1],
      data_format: 'channels_first',
      kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } },
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      use_bias: false,
    });
  });

  it("Dense, Dropout, pooling, dim_ordering 'tf' and 'default', initializer names", () => {
    expect(translate('Dense', { name: 'd', output_dim: 10, init: 'zero', bias: true, input_dim: null }).config).toEqual({
      name: 'd',
      units: 10,
      kernel_initializer: 'zeros',
      use_bias: true,
      input_dim: null,
    });
    expect(translate('Dropout', { name: 'x', p: 0.25 }).config).toEqual({ name: 'x', rate: 0.25 });
    expect(translate('MaxPooling1D', { name: 'p', pool_length: 2, stride: null, border_mode: 'valid' }).config).toEqual({
      name: 'p',
      pool_size: 2,
      strides: null,
      padding: 'valid',
    });
    expect(translate('AveragePooling2D', { pool_size: [2, 2], border_mode: 'same', strides: [2, 2], dim_ordering: 'tf' }).config).toEqual({
      pool_size: [2, 2],
      padding: 'same',
      strides: [2, 2],
      data_format: 'channels_last',
    });
    expect(translate('GlobalAveragePooling2D', { dim_ordering: 'default' }).config).toEqual({ data_format: null });
    expect(translate('BatchNormalization', { mode: 0, axis: 1, beta_init: 'zero', gamma_init: 'one' }).config).toEqual({
      axis: 1,
      beta_initializer: 'zeros',
      gamma_initializer: 'ones',
    });
    expect(translate('Convolution1D', { nb_filter: 4, filter_length: 3, subsample_length: 1, border_mode: 'valid', input_dim: 8, input_length: 20 })).toMatchObject({
      className: 'Conv1D',
      config: { filters: 4, kernel_size: 3, strides: 1, padding: 'valid', batch_input_shape: [null, 20, 8] },
    });
    expect(translate('AtrousConvolution2D', { nb_filter: 4, nb_row: 3, nb_col: 3, atrous_rate: [2, 2] })).toMatchObject({
      className: 'Conv2D',
      config: { filters: 4, kernel_size: [3, 3], dilation_rate: [2, 2] },
    });
    expect(translate('ZeroPadding2D', { padding: [1, 2, 3, 4], dim_ordering: 'th' }).config).toEqual({
      padding: [
        [1, 2],
        [3, 4],
      ],
      data_format: 'channels_first',
    });
  });

  it('Keras 2 and 3 configs pass unchanged', () => {
    const dense = { name: 'dense', units: 3, use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: {} } };
    expect(translate('Dense', dense)).toEqual({ className: 'Dense', config: dense, warnings: [] });
    const conv = { name: 'c', filters: 2, kernel_size: [3, 3], padding: 'valid', data_format: 'channels_last' };
    expect(translate('Conv2D', conv).config).toEqual(conv);
  });

  it('Merge in a functional model becomes the Keras 2 merge layer of its mode', () => {
    expect(translate('Merge', { name: 'm', mode: 'concat', concat_axis: 1, mode_type: 'raw', dot_axes: -1, output_shape: null })).toMatchObject({
      className: 'Concatenate',
      config: { name: 'm', axis: 1 },
    });
    expect(translate('Merge', { name: 'm', mode: 'sum', mode_type: 'raw' }).className).toBe('Add');
  });

  it('what Keras 2 refuses fails with a ModelFileError naming the file and the layer', () => {
    const fail = (className: string, config: Record<string, unknown>) => {
      try {
        translate(className, config);
      } catch (e) {
        return e as ModelFileError;
      }
      throw new Error('expected a failure');
    };
    const bn = fail('BatchNormalization', { name: 'bn', mode: 2 });
    expect(bn).toBeInstanceOf(ModelFileError);
    expect(bn.code).toBe('unsupported');
    expect(bn.layer).toBe('bn');
    expect(bn.file).toBe('m.json');
    expect(bn.message).toMatch(/mode=2/);
    expect(fail('Merge', { name: 'm', mode: 'gASV...', mode_type: 'lambda' }).message).toMatch(/Python code/);
    expect(fail('Merge', { name: 'm', mode: 'concat', layers: [{ class_name: 'Sequential', config: [] }] }).message).toMatch(/only be the first layer of a Sequential/);
    expect(fail('Dense', { name: 'd', output_dim: 3, units: 3 }).message).toMatch(/both Keras 1's 'output_dim' and Keras 2's 'units'/);
  });

  it('a Keras 1 functional model with Input and Merge builds', () => {
    const json = {
      class_name: 'Model',
      keras_version: '1.2.2',
      config: {
        name: 'model_1',
        layers: [
          { name: 'input_1', class_name: 'InputLayer', config: { batch_input_shape: [null, 4], input_dtype: 'float32', sparse: false, name: 'input_1' }, inbound_nodes: [] },
          {
            name: 'dense_1',
            class_name: 'Dense',
            config: { name: 'dense_1', trainable: true, output_dim: 3, init: 'glorot_uniform', activation: 'relu', W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, input_dim: null },
            inbound_nodes: [[['input_1', 0, 0]]],
          },
          {
            name: 'dense_2',
            class_name: 'Dense',
            config: { name: 'dense_2', trainable: true, output_dim: 3, init: 'glorot_uniform', activation: 'linear', W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, input_dim: null },
            inbound_nodes: [[['input_1', 0, 0]]],
          },
          {
            name: 'merge_1',
            class_name: 'Merge',
            config: { name: 'merge_1', mode: 'concat', mode_type: 'raw', concat_axis: -1, dot_axes: -1, output_shape: null, output_shape_type: 'raw', output_mask: null, output_mask_type: 'raw', arguments: {} },
            inbound_nodes: [
              [
                ['dense_1', 0, 0],
                ['dense_2', 0, 0],
              ],
            ],
          },
        ],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['merge_1', 0, 0]],
      },
    };
    const model = modelFromJSON(json);
    expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Dense', 'Concatenate']);
    expect(model.outputs[0].shape).toEqual([null, 6]);
    model.dispose();
  });
});

/** A Keras 1.2.2 Dense config (`Dense.get_config`), with batch_input_shape when it comes first. */
function keras1Dense(name: string, units: number, activation: string, inputDim?: number): Record<string, unknown> {
  return {
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      ...(inputDim ? { batch_input_shape: [null, inputDim], input_dtype: 'float32' } : {}),
      output_dim: units,
      init: 'glorot_uniform',
      activation,
      W_regularizer: null,
      b_regularizer: null,
      activity_regularizer: null,
      W_constraint: null,
      b_constraint: null,
      bias: true,
      input_dim: inputDim ?? null,
    },
  };
}

describe("Keras 1's Sequential([Merge([model_a, model_b], mode), ...])", () => {
  const merged = (mode: string) => ({
    class_name: 'Sequential',
    keras_version: '1.2.2',
    config: [
      {
        class_name: 'Merge',
        config: {
          name: 'merge_1',
          layers: [
            { class_name: 'Sequential', config: [keras1Dense('dense_1', 4, 'relu', 3), keras1Dense('dense_2', 2, 'linear')] },
            { class_name: 'Sequential', config: [keras1Dense('dense_3', mode === 'concat' ? 3 : 2, 'tanh', 5)] },
          ],
          mode,
          mode_type: 'raw',
          concat_axis: -1,
          dot_axes: -1,
          output_shape: null,
          output_shape_type: 'raw',
          output_mask: null,
          output_mask_type: 'raw',
          arguments: {},
        },
      },
      keras1Dense('dense_4', 1, 'sigmoid'),
    ],
  });

  it('builds as the functional model it computes and loads a Keras 1 save_weights file in flattened_layers order', async () => {
    const model = modelFromJSON(merged('concat'));
    expect(model.className).toBe('Functional');
    expect(model.layers.map((l) => l.name)).toEqual(['dense_1_input', 'dense_1', 'dense_2', 'dense_3_input', 'dense_3', 'merge_1', 'dense_4']);
    expect(model.layers[5].className).toBe('Concatenate');
    // Keras 1.2.2's save_weights: layer_names = flattened_layers (the merged models' layers, then the rest).
    const shapes: Record<string, [number[], number[]]> = { dense_1: [[3, 4], [4]], dense_2: [[4, 2], [2]], dense_3: [[5, 3], [3]], dense_4: [[5, 1], [1]] };
    const values: Record<string, Tensor[]> = {};
    const root = group({ layer_names: stringsAttr(Object.keys(shapes)) });
    for (const [name, [w, b]] of Object.entries(shapes)) {
      values[name] = [randomUniform(w, { minval: -1, maxval: 1 }), randomUniform(b, { minval: -1, maxval: 1 })];
      const g = group({ weight_names: stringsAttr([`${name}_W`, `${name}_b`]) });
      g.children[`${name}_W`] = dataset(values[name][0].dataSync() as Float32Array, w);
      g.children[`${name}_b`] = dataset(values[name][1].dataSync() as Float32Array, b);
      root.children[name] = g;
    }
    await loadWeights(model, await writeH5(root), { onWarning: (m) => expect.fail(m) });
    const a = randomUniform([6, 3]);
    const b = randomUniform([6, 5]);
    const dense = (x: Tensor, name: string) => add(matMul(x, values[name][0]), values[name][1]);
    const expected = tidy(() => sigmoid(dense(concat([dense(relu(dense(a, 'dense_1')), 'dense_2'), tanh(dense(b, 'dense_3'))], -1), 'dense_4')));
    const y = model.predict([a, b]) as Tensor;
    expect(maxAbsDiff(y.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
    dispose([a, b, y, expected, ...Object.values(values).flat()]);
    model.dispose();
  });

  it('sum becomes Add; a merge of non-Sequentials fails clearly', () => {
    const sum = modelFromJSON(merged('sum'));
    expect(sum.layers.find((l) => l.name === 'merge_1')!.className).toBe('Add');
    sum.dispose();
    const bad = merged('sum');
    (bad.config[0].config as { layers: unknown[] }).layers[1] = keras1Dense('dense_9', 2, 'linear', 2);
    expect(() => modelFromJSON(bad)).toThrow(/only Sequential models can be merged in a Sequential.*layer 'merge_1'/);
  });
});

describe('Keras 1 weight layouts (Keras 2 preprocess_weights_for_loading)', () => {
  it('transposeWeight is numpy transpose, convertKernel flips the spatial axes', () => {
    const w = { data: Float32Array.from({ length: 24 }, (_, i) => i), shape: [2, 3, 4] };
    const t = transposeWeight(w, [2, 0, 1]);
    expect(t.shape).toEqual([4, 2, 3]);
    // t[k, i, j] = w[i, j, k]
    expect(t.data[1 * 6 + 1 * 3 + 2]).toBe(w.data[1 * 12 + 2 * 4 + 1]);
    const k = { data: Float32Array.from({ length: 2 * 2 * 1 * 1 }, (_, i) => i), shape: [2, 2, 1, 1] };
    expect([...convertKernel(k).data]).toEqual([3, 2, 1, 0]);
  });

  it("Conv1D's Keras 1.2 and 1.1 kernels, Conv2DTranspose's, and a nested model's layers", () => {
    const conv1d = new Conv1D({ filters: 2, kernelSize: 3, inputShape: [5, 4] });
    conv1d.build([null, 5, 4]);
    const k = (shape: number[]) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i), shape });
    const entries = conv1d.weightEntries;
    // Keras 1.2: (length, 1, in, filters) -> w[:, 0, :, :]
    const v12 = convertLegacyWeights(conv1d, [k([3, 1, 4, 2]), k([2])], entries, true, false);
    expect(v12[0].shape).toEqual([3, 4, 2]);
    expect([...v12[0].data]).toEqual([...k([3, 4, 2]).data]);
    // Keras 1.1: (filters, in, length, 1) -> transpose (2, 3, 1, 0) -> w[:, 0, :, :]
    const v11 = convertLegacyWeights(conv1d, [transposeWeight(k([3, 1, 4, 2]), [3, 2, 0, 1]), k([2])], entries, true, false);
    expect([...v11[0].data]).toEqual([...v12[0].data]);
    // Theano: then flipped along the length.
    const flipped = convertLegacyWeights(conv1d, [k([3, 1, 4, 2]), k([2])], entries, true, true);
    expect([...flipped[0].data.subarray(0, 8)]).toEqual([...v12[0].data.subarray(16, 24)]);
    const deconv = new Conv2DTranspose({ filters: 2, kernelSize: 3, inputShape: [4, 4, 5] });
    deconv.build([null, 4, 4, 5]);
    expect(convertLegacyWeights(deconv, [k([3, 3, 5, 2]), k([2])], deconv.weightEntries, true, false)[0].shape).toEqual([3, 3, 2, 5]);
    // A nested model: its conv layer's kernel is converted wherever it sits in the legacy order.
    const inner = thModel();
    const outer = new Sequential([inner]);
    const all = legacyWeightEntries(inner);
    const stored = all.map((e) => (e.variable === inner.layers[0].weightEntries[0].variable ? k([3, 2, 3, 2]) : k([...e.variable.shape])));
    const out = convertLegacyWeights(inner, stored, all, true, false);
    expect(out.map((w) => w.shape)).toEqual(all.map((e) => [...e.variable.shape]));
    for (const l of [conv1d, deconv, outer]) l.dispose();
  });

  /** A channels-first CNN as Keras 1 with dim_ordering 'th' builds it. */
  function thModel(): Sequential {
    return new Sequential([
      new Conv2D({ filters: 3, kernelSize: [3, 2], dataFormat: 'channels_first', activation: 'relu', inputShape: [2, 6, 5], name: 'convolution2d_1' }),
      new MaxPooling2D({ poolSize: 2, dataFormat: 'channels_first', name: 'maxpooling2d_1' }),
      new Flatten({ name: 'flatten_1' }),
      new Dense({ units: 4, name: 'dense_1' }),
    ]);
  }

  /** The weights of a model as Keras 1.2.2's save_weights writes them (Theano: kernels flipped, (out, in, rows, cols)). */
  async function keras1File(model: Model, backend?: string): Promise<Uint8Array> {
    const [kernel, bias, dk, db] = model.getWeights();
    const k = { data: Float32Array.from(kernel.dataSync()), shape: [...kernel.shape] };
    const theano = transposeWeight(convertKernel(k), [3, 2, 0, 1]);
    const root = group({ layer_names: stringsAttr(['convolution2d_1', 'maxpooling2d_1', 'flatten_1', 'dense_1']) });
    if (backend) root.attrs.backend = stringAttr(backend);
    const layer = (names: string[], values: { data: Float32Array; shape: number[] }[]): H5Group => {
      const g = group({ weight_names: stringsAttr(names) });
      names.forEach((n, i) => (g.children[n] = dataset(values[i].data, values[i].shape)));
      return g;
    };
    const plain = (t: Tensor) => ({ data: Float32Array.from(t.dataSync()), shape: [...t.shape] });
    root.children.convolution2d_1 = layer(['convolution2d_1_W', 'convolution2d_1_b'], [theano, plain(bias)]);
    root.children.maxpooling2d_1 = layer([], []);
    root.children.flatten_1 = layer([], []);
    root.children.dense_1 = layer(['dense_1_W', 'dense_1_b'], [plain(dk), plain(db)]);
    return writeH5(root);
  }

  it("loads a Keras 1 Theano file with {backend: 'theano'}: transposed and flipped back, same predictions", async () => {
    const source = thModel();
    const bytes = await keras1File(source);
    const x = randomUniform([2, 2, 6, 5]);
    const expected = source.predict(x) as Tensor;
    const target = thModel();
    const warnings: string[] = [];
    await loadWeights(target, bytes, { backend: 'theano', onWarning: (m) => warnings.push(m) });
    const y = target.predict(x) as Tensor;
    expect(maxAbsDiff(y.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
    expect(warnings).toEqual([]);

    // Without {backend}, the kernels are kept as they are (as Keras does), with a warning.
    const unflipped = thModel();
    await loadWeights(unflipped, bytes, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/does not record which Keras backend.*\{backend: 'theano'\}/);
    const z = unflipped.predict(x) as Tensor;
    expect(maxAbsDiff(z.dataSync(), expected.dataSync())).toBeGreaterThan(1e-3);
    dispose([x, expected, y, z]);
    for (const m of [source, target, unflipped]) m.dispose();
  });

  it('a backend the file records wins over {backend}, with a warning', async () => {
    const source = thModel();
    const bytes = await keras1File(source, 'theano');
    const x = randomUniform([1, 2, 6, 5]);
    const expected = source.predict(x) as Tensor;
    const target = thModel();
    const warnings: string[] = [];
    await loadWeights(target, bytes, { backend: 'tensorflow', onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/records that Keras's 'theano' backend wrote it; \{backend: 'tensorflow'\} is ignored/);
    const y = target.predict(x) as Tensor;
    expect(maxAbsDiff(y.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
    dispose([x, expected, y]);
    source.dispose();
    target.dispose();
  });

  it('a kernel that does not fit says how the file stored it; an unknown backend is refused', async () => {
    const bytes = await keras1File(thModel(), 'theano');
    const other = new Sequential([
      new Conv2D({ filters: 3, kernelSize: [2, 3], dataFormat: 'channels_first', inputShape: [2, 6, 5], name: 'c' }),
      new MaxPooling2D({ poolSize: 2, dataFormat: 'channels_first' }),
      new Flatten(),
      new Dense({ units: 4 }),
    ]);
    const err = (await loadWeights(other, bytes).catch((e: unknown) => e)) as ModelFileError;
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err.code).toBe('weight_mismatch');
    expect(err.layer).toBe('c');
    expect(err.expected).toBe('[2, 3, 2, 3]');
    expect(err.found).toBe('[3, 2, 2, 3] ([3, 2, 3, 2] in the file)');
    const bad = (await loadWeights(other, bytes, { backend: 'Theano' as never }).catch((e: unknown) => e)) as ModelFileError;
    expect(bad).toBeInstanceOf(ModelFileError);
    expect(bad.message).toMatch(/unknown Keras backend.*expected 'theano', 'tensorflow', 'cntk', found "Theano"/);
    other.dispose();
  });
});

/** The first `n` MNIST test images as [n, 1, 28, 28] in [0, 1] (Theano's channels-first layout), and their labels. */
function mnistTest(n: number): { x: Tensor; labels: Uint8Array } {
  const images = gunzipSync(readFileSync(resolve(mnistDir, 't10k-images-idx3-ubyte.gz')));
  const labels = gunzipSync(readFileSync(resolve(mnistDir, 't10k-labels-idx1-ubyte.gz')));
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i] / 255;
  return { x: tensor(pixels, [n, 1, 28, 28]), labels: labels.subarray(8, 8 + n) };
}

function accuracy(model: Model, x: Tensor, labels: Uint8Array): number {
  const predicted = tidy(() => argMax(model.predict(x, { batchSize: 500 }) as Tensor, -1)).dataSync();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

const expected = JSON.parse(readFileSync(fixture('keras1_mnist_cnn_expected.json'), 'utf8')) as { test_accuracy: number; first_test_probabilities: number[][] };

describe.skipIf(!haveMnist)(
  `a Keras 1.2.2 Theano MNIST CNN (model.to_json() + save_weights, dim_ordering 'th') classifies MNIST${haveMnist ? '' : ` (skipped: no MNIST at ${mnistDir})`}`,
  () => {
    const N = 10000;

    it("JSON + weights with {backend: 'theano'}: > 95% on the 10,000 test images, Keras's own numbers", async () => {
      const model = modelFromJSON(readFileSync(fixture('keras1_mnist_cnn.json'), 'utf8'));
      expect(model.layers.map((l) => l.className)).toEqual(['Conv2D', 'Activation', 'Conv2D', 'Activation', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Activation', 'Dropout', 'Dense', 'Activation']);
      expect(model.layers[0].getConfig()).toMatchObject({ name: 'convolution2d_1', filters: 8, kernel_size: [3, 3], data_format: 'channels_first', padding: 'valid' });
      await loadWeights(model, fixture('keras1_mnist_cnn_weights.h5'), { backend: 'theano', onWarning: (m) => expect.fail(m) });
      const { x, labels } = mnistTest(N);
      const acc = accuracy(model, x, labels);
      console.log(`Keras 1 Theano CNN in Tessera: test accuracy ${acc.toFixed(4)} (Keras 3, which trained it: ${expected.test_accuracy})`);
      expect(acc).toBeGreaterThan(0.95);
      expect(Math.abs(acc - expected.test_accuracy)).toBeLessThanOrEqual(0.0002);
      const first = expected.first_test_probabilities;
      const probs = tidy(() => model.predict(slice(x, [0, 0, 0, 0], [first.length, 1, 28, 28])) as Tensor);
      const diff = maxAbsDiff(probs.dataSync(), first.flat());
      console.log(`largest difference from Keras's probabilities: ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
      dispose([x, probs]);
      model.dispose();
    });

    it("the full save (model.save of Keras 1.2.2) loads with loadModel(file, {backend: 'theano'})", async () => {
      const model = await loadModel(fixture('keras1_mnist_cnn_full.h5'), { backend: 'theano', onWarning: (m) => expect.fail(m) });
      const { x, labels } = mnistTest(1000);
      expect(accuracy(model, x, labels)).toBeGreaterThan(0.95);
      x.dispose();
      model.dispose();
    });

    it('without {backend}, the kernels are read unflipped as Keras reads them: a warning, and other predictions', async () => {
      const warnings: string[] = [];
      const model = await loadModel(fixture('keras1_mnist_cnn_full.h5'), { onWarning: (m) => warnings.push(m) });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Keras 1 file does not record which Keras backend wrote it.*pass \{backend: 'theano'\}/);
      const { x, labels } = mnistTest(1000);
      const acc = accuracy(model, x, labels);
      console.log(`the same file read without {backend: 'theano'}: accuracy ${acc.toFixed(4)}`);
      expect(acc).toBeLessThan(0.9);
      x.dispose();
      model.dispose();
    });
  },
);
