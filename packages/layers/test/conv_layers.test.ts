import '@tessera/cpu-backend';
import { dispose, memory, randomNormal, relu, tensor, tidy, transpose, zeros, type Tensor } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Activation,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Flatten,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  Input,
  Layer,
  LayerNormalization,
  MaxPooling1D,
  MaxPooling2D,
  Model,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  SeparableConv2D,
  Sequential,
  SpatialDropout1D,
  SpatialDropout2D,
  UpSampling2D,
  ZeroPadding2D,
  clearSession,
  type LayerShape,
  type SymbolicTensor,
} from '../src/index.js';

const silent = { printFn: () => {} };

type Case = [string, () => Layer, LayerShape, LayerShape];

// [description, layer, sample shape (no batch), expected output shape (with null batch)]
const cases: Case[] = [
  ['Conv2D valid', () => new Conv2D({ filters: 4, kernelSize: 3 }), [8, 8, 2], [null, 6, 6, 4]],
  ['Conv2D same stride 2', () => new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), [7, 7, 2], [null, 4, 4, 4]],
  ['Conv2D rectangular', () => new Conv2D({ filters: 4, kernelSize: [3, 2], strides: [2, 1] }), [9, 6, 2], [null, 4, 5, 4]],
  ['Conv2D dilated valid', () => new Conv2D({ filters: 3, kernelSize: 3, dilationRate: 2 }), [9, 9, 1], [null, 5, 5, 3]],
  ['Conv2D dilated same', () => new Conv2D({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }), [9, 9, 1], [null, 9, 9, 3]],
  ['Conv2D channels_first', () => new Conv2D({ filters: 5, kernelSize: 3, dataFormat: 'channels_first' }), [2, 8, 6], [null, 5, 6, 4]],
  ['Conv1D valid', () => new Conv1D({ filters: 4, kernelSize: 3 }), [10, 2], [null, 8, 4]],
  ['Conv1D same stride 2', () => new Conv1D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), [10, 2], [null, 5, 4]],
  ['Conv1D causal dilated', () => new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2 }), [10, 2], [null, 10, 4]],
  ['Conv1D channels_first', () => new Conv1D({ filters: 4, kernelSize: 3, dataFormat: 'channels_first' }), [2, 10], [null, 4, 8]],
  ['Conv2DTranspose same', () => new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), [4, 4, 2], [null, 8, 8, 3]],
  ['Conv2DTranspose valid', () => new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2 }), [4, 4, 2], [null, 9, 9, 3]],
  ['Conv2DTranspose outputPadding', () => new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, outputPadding: 1 }), [4, 4, 2], [null, 10, 10, 3]],
  ['Conv2DTranspose channels_first', () => new Conv2DTranspose({ filters: 3, kernelSize: 2, strides: 2, dataFormat: 'channels_first' }), [2, 3, 4], [null, 3, 6, 8]],
  ['DepthwiseConv2D', () => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }), [6, 6, 3], [null, 4, 4, 6]],
  ['DepthwiseConv2D same stride 2', () => new DepthwiseConv2D({ kernelSize: 3, strides: 2, padding: 'same' }), [5, 5, 3], [null, 3, 3, 3]],
  ['DepthwiseConv2D channels_first', () => new DepthwiseConv2D({ kernelSize: 3, dataFormat: 'channels_first' }), [3, 6, 6], [null, 3, 4, 4]],
  ['SeparableConv2D same', () => new SeparableConv2D({ filters: 5, kernelSize: 3, padding: 'same' }), [6, 6, 3], [null, 6, 6, 5]],
  ['SeparableConv2D stride 2', () => new SeparableConv2D({ filters: 5, kernelSize: 3, strides: 2, depthMultiplier: 2 }), [6, 6, 3], [null, 2, 2, 5]],
  ['MaxPooling2D default', () => new MaxPooling2D(), [7, 7, 2], [null, 3, 3, 2]],
  ['MaxPooling2D same', () => new MaxPooling2D({ padding: 'same' }), [7, 7, 2], [null, 4, 4, 2]],
  ['MaxPooling2D 3 stride 1', () => new MaxPooling2D({ poolSize: 3, strides: 1 }), [7, 7, 2], [null, 5, 5, 2]],
  ['MaxPooling2D channels_first', () => new MaxPooling2D({ dataFormat: 'channels_first' }), [2, 7, 7], [null, 2, 3, 3]],
  ['AveragePooling2D [2, 3]', () => new AveragePooling2D({ poolSize: [2, 3] }), [6, 6, 1], [null, 3, 2, 1]],
  ['MaxPooling1D', () => new MaxPooling1D(), [9, 2], [null, 4, 2]],
  ['AveragePooling1D same', () => new AveragePooling1D({ padding: 'same' }), [9, 2], [null, 5, 2]],
  ['AveragePooling1D 3 stride 1', () => new AveragePooling1D({ poolSize: 3, strides: 1 }), [9, 2], [null, 7, 2]],
  ['GlobalAveragePooling1D', () => new GlobalAveragePooling1D(), [5, 3], [null, 3]],
  ['GlobalAveragePooling1D keepdims', () => new GlobalAveragePooling1D({ keepdims: true }), [5, 3], [null, 1, 3]],
  ['GlobalMaxPooling1D channels_first', () => new GlobalMaxPooling1D({ dataFormat: 'channels_first' }), [3, 5], [null, 3]],
  ['GlobalAveragePooling2D', () => new GlobalAveragePooling2D(), [4, 4, 3], [null, 3]],
  ['GlobalMaxPooling2D keepdims', () => new GlobalMaxPooling2D({ keepdims: true }), [4, 4, 3], [null, 1, 1, 3]],
  ['GlobalMaxPooling2D channels_first keepdims', () => new GlobalMaxPooling2D({ dataFormat: 'channels_first', keepdims: true }), [3, 4, 4], [null, 3, 1, 1]],
  ['BatchNormalization', () => new BatchNormalization(), [4, 4, 3], [null, 4, 4, 3]],
  ['LayerNormalization', () => new LayerNormalization(), [4, 3], [null, 4, 3]],
  ['ZeroPadding2D 1', () => new ZeroPadding2D(), [3, 3, 2], [null, 5, 5, 2]],
  ['ZeroPadding2D [1, 2]', () => new ZeroPadding2D({ padding: [1, 2] }), [3, 3, 2], [null, 5, 7, 2]],
  ['ZeroPadding2D [[1, 0], [2, 3]]', () => new ZeroPadding2D({ padding: [[1, 0], [2, 3]] }), [3, 3, 2], [null, 4, 8, 2]],
  ['ZeroPadding2D channels_first', () => new ZeroPadding2D({ padding: [1, 2], dataFormat: 'channels_first' }), [2, 3, 3], [null, 2, 5, 7]],
  ['Cropping2D', () => new Cropping2D({ cropping: [[1, 0], [2, 1]] }), [5, 6, 2], [null, 4, 3, 2]],
  ['Cropping2D channels_first', () => new Cropping2D({ cropping: 1, dataFormat: 'channels_first' }), [2, 5, 6], [null, 2, 3, 4]],
  ['UpSampling2D', () => new UpSampling2D(), [3, 3, 2], [null, 6, 6, 2]],
  ['UpSampling2D bilinear [2, 3]', () => new UpSampling2D({ size: [2, 3], interpolation: 'bilinear' }), [3, 3, 2], [null, 6, 9, 2]],
  ['UpSampling2D channels_first', () => new UpSampling2D({ dataFormat: 'channels_first' }), [2, 3, 4], [null, 2, 6, 8]],
  ['SpatialDropout2D', () => new SpatialDropout2D({ rate: 0.5 }), [4, 4, 3], [null, 4, 4, 3]],
  ['SpatialDropout1D', () => new SpatialDropout1D({ rate: 0.5 }), [4, 3], [null, 4, 3]],
  ['RandomFlip', () => new RandomFlip({ seed: 1 }), [4, 5, 3], [null, 4, 5, 3]],
  ['RandomTranslation', () => new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed: 1 }), [4, 5, 3], [null, 4, 5, 3]],
  ['RandomRotation', () => new RandomRotation({ factor: 0.1, seed: 1 }), [4, 5, 3], [null, 4, 5, 3]],
  ['RandomZoom', () => new RandomZoom({ heightFactor: 0.2, seed: 1 }), [4, 5, 3], [null, 4, 5, 3]],
];

describe('convolutional layers: shapes', () => {
  beforeEach(() => clearSession());

  it.each(cases)('%s: symbolic, computeOutputShape and eager shapes agree', (_, make, sample, expected) => {
    const layer = make();
    const out = layer.apply(Input({ shape: sample as number[] })) as SymbolicTensor;
    expect(out.shape).toEqual(expected);
    expect(layer.computeOutputShape([null, ...sample])).toEqual(expected);
    const before = memory().numTensors;
    const x = randomNormal([2, ...(sample as number[])], { seed: 1 });
    for (const training of [false, true]) {
      // Eager calls leave their intermediates to the caller's scope, as every op does.
      const shape = tidy(() => (layer.apply(x, { training }) as Tensor).shape);
      expect(shape).toEqual([2, ...expected.slice(1)]);
    }
    x.dispose();
    expect(memory().numTensors).toBe(before);
    layer.dispose();
  });

  it('keeps unknown spatial dimensions as None', () => {
    const x = Input({ batchShape: [null, null, null, 3] });
    const y = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same' }).apply(x) as SymbolicTensor;
    const z = new MaxPooling2D().apply(y) as SymbolicTensor;
    const g = new GlobalAveragePooling2D().apply(z) as SymbolicTensor;
    expect([y.shape, z.shape, g.shape]).toEqual([[null, null, null, 8], [null, null, null, 8], [null, 8]]);
  });

  it('rejects bad arguments and inputs with messages that say what was expected', () => {
    expect(() => new Conv2D({ filters: 0, kernelSize: 3 })).toThrow(/positive integer number of filters but got 0/);
    expect(() => new Conv2D({ filters: 2, kernelSize: [3, 3, 3] })).toThrow(/kernelSize.*list of 2/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/strides > 1 cannot be combined with dilationRate > 1/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, padding: 'causal' as 'same' })).toThrow(/expected padding 'valid' or 'same' but got 'causal'/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, dataFormat: 'nhwc' as 'channels_last' })).toThrow(/channels_last.*channels_first/);
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 })).toThrow(/outputPadding must be smaller than strides/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3 }).apply(Input({ shape: [8, 8] }))).toThrow(/conv2d(_\d+)? expects inputs of rank 4 \(batch, rows, cols, channels\) but got shape \(None, 8, 8\)/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 5 }).apply(Input({ shape: [3, 3, 1] }))).toThrow(/does not fit/);
    expect(() => new Cropping2D({ cropping: 2 }).apply(Input({ shape: [4, 4, 1] }))).toThrow(/leaves nothing/);
    expect(() => new ZeroPadding2D({ padding: -1 })).toThrow(/non-negative integers/);
    const conv = new Conv2D({ filters: 2, kernelSize: 3 });
    conv.apply(Input({ shape: [8, 8, 3] }));
    const wrong = zeros([1, 8, 8, 2]);
    expect(() => conv.apply(wrong)).toThrow(/conv2d_\d+ expects input \[\*, 8, 8, 3\] but got \[1, 8, 8, 2\]/);
    wrong.dispose();
  });
});

describe('convolutional layers: weights and parameter counts', () => {
  beforeEach(() => clearSession());

  const built = (layer: Layer, sample: number[]) => {
    layer.apply(Input({ shape: sample }));
    return layer;
  };
  const names = (l: Layer) => l.weightEntries.map((w) => `${w.name}${JSON.stringify(w.variable.shape)}${w.trainable ? '' : ' (frozen)'}`);

  it('creates Keras-named weights of Keras layouts and counts', () => {
    const c2 = built(new Conv2D({ filters: 4, kernelSize: 3 }), [8, 8, 2]);
    expect(names(c2)).toEqual(['kernel[3,3,2,4]', 'bias[4]']);
    expect(c2.countParams()).toBe(76);
    const c1 = built(new Conv1D({ filters: 4, kernelSize: 3, useBias: false }), [10, 2]);
    expect(names(c1)).toEqual(['kernel[3,2,4]']);
    expect(c1.countParams()).toBe(24);
    const ct = built(new Conv2DTranspose({ filters: 3, kernelSize: 3 }), [4, 4, 2]);
    expect(names(ct)).toEqual(['kernel[3,3,3,2]', 'bias[3]']);
    expect(ct.countParams()).toBe(57);
    const dw = built(new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }), [6, 6, 3]);
    expect(names(dw)).toEqual(['kernel[3,3,3,2]', 'bias[6]']);
    expect(dw.countParams()).toBe(60);
    const sep = built(new SeparableConv2D({ filters: 5, kernelSize: 3 }), [6, 6, 3]);
    expect(names(sep)).toEqual(['depthwise_kernel[3,3,3,1]', 'pointwise_kernel[1,1,3,5]', 'bias[5]']);
    expect(sep.countParams()).toBe(27 + 15 + 5);
    const bn = built(new BatchNormalization(), [4, 4, 3]);
    expect(names(bn)).toEqual(['gamma[3]', 'beta[3]', 'moving_mean[3] (frozen)', 'moving_variance[3] (frozen)']);
    expect([bn.countParams(), bn.trainableWeights.length, bn.nonTrainableWeights.length]).toEqual([12, 2, 2]);
    const bnChannelsFirst = built(new BatchNormalization({ axis: 1, center: false }), [3, 4, 4]);
    expect(names(bnChannelsFirst)).toEqual(['gamma[3]', 'moving_mean[3] (frozen)', 'moving_variance[3] (frozen)']);
    const ln = built(new LayerNormalization({ axis: [1, 2] }), [4, 3]);
    expect(names(ln)).toEqual(['gamma[4,3]', 'beta[4,3]']);
    for (const l of [c2, c1, ct, dw, sep, bn, bnChannelsFirst, ln]) l.dispose();
  });

  it('the MNIST tutorial CNN has 592,074 parameters and Keras summary rows', () => {
    const model = new Sequential([
      new Conv2D({ filters: 32, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 128, activation: 'relu' }),
      new Dropout({ rate: 0.2 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ]);
    // 5*5*1*32 + 32 = 832; 12*12*32 = 4608 features; 4608*128 + 128 = 589,952; 128*10 + 10 = 1,290.
    expect(model.countParams()).toBe(832 + 589_952 + 1_290);
    const text = model.summary(silent);
    expect(text).toContain('conv2d (Conv2D)              (None, 24, 24, 32)        832       ');
    expect(text).toContain('max_pooling2d (MaxPooling2D) (None, 12, 12, 32)        0         ');
    expect(text).toContain('flatten (Flatten)            (None, 4608)              0         ');
    expect(text).toContain('dense (Dense)                (None, 128)               589952    ');
    expect(text).toContain('Total params: 592,074');
    expect(text).toContain('Non-trainable params: 0');

    const kernel = model.layers[0].getWeights();
    expect(kernel.map((k) => k.shape)).toEqual([[5, 5, 1, 32], [32]]);
    dispose(kernel);
    model.dispose();
  });

  it('the Keras CIFAR-10 example CNN has 1,250,858 parameters', () => {
    const model = new Sequential([
      new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', inputShape: [32, 32, 3] }),
      new Activation({ activation: 'relu' }),
      new Conv2D({ filters: 32, kernelSize: 3 }),
      new Activation({ activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.25 }),
      new Conv2D({ filters: 64, kernelSize: 3, padding: 'same' }),
      new Activation({ activation: 'relu' }),
      new Conv2D({ filters: 64, kernelSize: 3 }),
      new Activation({ activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.25 }),
      new Flatten(),
      new Dense({ units: 512 }),
      new Activation({ activation: 'relu' }),
      new Dropout({ rate: 0.5 }),
      new Dense({ units: 10 }),
      new Activation({ activation: 'softmax' }),
    ]);
    // 896 + 9,248 + 18,496 + 36,928 + (6*6*64)*512 + 512 = 1,180,160 + 5,130.
    expect(model.countParams()).toBe(1_250_858);
    const text = model.summary(silent);
    expect(text).toContain('Total params: 1,250,858');
    expect(text).toContain('(None, 32, 32, 32)        896');
    expect(text).toContain('(None, 30, 30, 32)        9248');
    expect(text).toContain('(None, 13, 13, 64)        36928');
    expect(text).toContain('(None, 2304)');
    model.dispose();
  });

  it('summary counts BatchNormalization moving statistics as non-trainable', () => {
    const model = new Sequential([
      new Conv2D({ filters: 8, kernelSize: 3, inputShape: [8, 8, 1], useBias: false }),
      new BatchNormalization(),
      new GlobalAveragePooling2D(),
      new Dense({ units: 2 }),
    ]);
    const text = model.summary(silent);
    expect(text).toContain('Total params: 122'); // 72 + 32 + 18
    expect(text).toContain('Trainable params: 106');
    expect(text).toContain('Non-trainable params: 16');
    model.dispose();
  });
});

describe('convolutional layers: values', () => {
  beforeEach(() => clearSession());

  it('exposes inner activations through layer.output in a functional sub-model', () => {
    const model = new Sequential([
      new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
      new MaxPooling2D(),
      new Flatten(),
      new Dense({ units: 2, activation: 'softmax' }),
    ]);
    const probe = new Model({ inputs: model.inputs, outputs: model.layers[0].output as SymbolicTensor });
    expect(probe.outputShapes).toEqual([[null, 4, 4, 3]]);
    expect(model.layers[1].input).toBe(model.layers[0].output);
    expect(model.output).toBe(model.layers[3].output);
    const start = memory().numTensors;
    const x = randomNormal([2, 6, 6, 1], { seed: 3 });
    const maps = probe.predict(x) as Tensor;
    const direct = tidy(() => model.layers[0].apply(x) as Tensor);
    expect(maps.shape).toEqual([2, 4, 4, 3]);
    expect(Array.from(maps.dataSync())).toEqual(Array.from(direct.dataSync()));
    dispose([x, maps, direct]);
    expect(memory().numTensors).toBe(start);
    expect(() => new Conv2D({ filters: 1, kernelSize: 1 }).output).toThrow(/has not been called on a symbolic input yet/);
    model.dispose();
  });

  it('Conv2D computes cross-correlation plus bias, and channels_first matches channels_last', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const conv = new Conv2D({ filters: 1, kernelSize: 2, kernelInitializer: 'ones', biasInitializer: { class_name: 'Constant', config: { value: 0.5 } } });
    const y = conv.apply(x) as Tensor;
    expect(Array.from(y.dataSync())).toEqual([12.5, 16.5, 24.5, 28.5]);

    const xs = randomNormal([2, 5, 5, 3], { seed: 4 });
    const last = new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' });
    const first = new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', dataFormat: 'channels_first' });
    const a = last.apply(xs) as Tensor;
    const xsFirst = transpose(xs, [0, 3, 1, 2]);
    first.apply(xsFirst);
    const weights = last.getWeights();
    first.setWeights(weights);
    const b = first.apply(xsFirst) as Tensor;
    const bLast = transpose(b, [0, 2, 3, 1]);
    expect(b.shape).toEqual([2, 4, 3, 3]);
    const [av, bv] = [a.dataSync(), bLast.dataSync()];
    av.forEach((v, i) => expect(bv[i]).toBeCloseTo(v, 5));
    dispose([x, y, xs, a, xsFirst, b, bLast, weights]);
    for (const l of [conv, last, first]) l.dispose();
  });

  it('pools, pads, crops and upsamples as Keras', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    const run = (l: Layer, t: Tensor = x) => {
      const y = l.apply(t) as Tensor;
      const v = Array.from(y.dataSync());
      y.dispose();
      return v;
    };
    expect(run(new MaxPooling2D())).toEqual([6, 8, 14, 16]);
    expect(run(new AveragePooling2D())).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(run(new GlobalMaxPooling2D())).toEqual([16]);
    expect(run(new GlobalAveragePooling2D())).toEqual([8.5]);
    expect(run(new Cropping2D({ cropping: [[1, 2], [0, 1]] }))).toEqual([5, 6, 7]);
    const small = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(run(new ZeroPadding2D({ padding: [[1, 0], [0, 1]] }), small)).toEqual([0, 0, 0, 1, 2, 0, 3, 4, 0]);
    expect(run(new UpSampling2D(), small)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const row = tensor([1, 2], [1, 1, 2, 1]);
    // Half-pixel centers (as tf.image.resize): sources -0.25, 0.25, 0.75, 1.25 clamped.
    expect(run(new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }), row)).toEqual([1, 1.25, 1.75, 2]);
    const seq = tensor([1, 5, 2, 4, 3, 3], [1, 3, 2]);
    expect(run(new GlobalAveragePooling1D(), seq)).toEqual([2, 4]);
    expect(run(new GlobalMaxPooling1D(), seq)).toEqual([3, 5]);
    expect(run(new MaxPooling1D({ poolSize: 2, strides: 1 }), seq)).toEqual([2, 5, 3, 4]);
    dispose([x, small, row, seq]);
  });

  it('SpatialDropout2D drops whole channels in training only', () => {
    const x = randomNormal([2, 3, 3, 8], { seed: 5 });
    const layer = new SpatialDropout2D({ rate: 0.5, seed: 9 });
    const same = layer.apply(x) as Tensor;
    expect(same).toBe(x);
    const y = layer.apply(x, { training: true }) as Tensor;
    const [xv, yv] = [x.dataSync(), y.dataSync()];
    let dropped = 0;
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 8; c++) {
        const ratios = new Set<string>();
        for (let p = 0; p < 9; p++) {
          const i = (b * 9 + p) * 8 + c;
          ratios.add(yv[i] === 0 ? '0' : (yv[i] / xv[i]).toFixed(4));
        }
        expect(ratios.size).toBe(1); // the whole map is kept (x2) or dropped
        if (ratios.has('0')) dropped++;
        else expect([...ratios][0]).toBe('2.0000');
      }
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(16);
    expect(layer.getConfig()).toMatchObject({ rate: 0.5, seed: 9, data_format: 'channels_last' });
    expect(layer.getConfig()).not.toHaveProperty('noise_shape');
    dispose([x, y]);
  });

  it('relu activation is applied after the bias', () => {
    const x = tensor([1, -1], [1, 1, 2, 1]);
    const conv = new Conv1D({ filters: 1, kernelSize: 1, kernelInitializer: 'ones', biasInitializer: { class_name: 'Constant', config: { value: -0.5 } }, activation: 'relu' });
    const seq = tensor([1, -1], [1, 2, 1]);
    const y = conv.apply(seq) as Tensor;
    const expected = relu(tensor([0.5, -1.5]));
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected.dataSync()));
    dispose([x, seq, y, expected]);
    conv.dispose();
  });
});

/** Keras config keys back to our camelCase arguments (the round trip a loader does). */
function configToArgs(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

describe('convolutional layers: configs', () => {
  beforeEach(() => clearSession());

  const configured: Array<[new (args: never) => Layer, Record<string, unknown>]> = [
    [Conv2D, { filters: 6, kernelSize: [3, 2], strides: 2, padding: 'same', dilationRate: 1, activation: 'relu', useBias: false, kernelInitializer: 'he_normal', kernelRegularizer: 'l2', inputShape: [8, 8, 3] }],
    [Conv1D, { filters: 4, kernelSize: 5, padding: 'causal', dilationRate: 2, dataFormat: 'channels_first' }],
    [Conv2DTranspose, { filters: 3, kernelSize: 3, strides: 2, outputPadding: 1, activation: 'sigmoid' }],
    [DepthwiseConv2D, { kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: 'he_uniform' }],
    [SeparableConv2D, { filters: 8, kernelSize: 3, depthMultiplier: 2, pointwiseInitializer: 'lecun_normal', biasRegularizer: 'l1' }],
    [MaxPooling2D, { poolSize: [3, 3], strides: 2, padding: 'same' }],
    [AveragePooling1D, { poolSize: 4, dataFormat: 'channels_first' }],
    [GlobalMaxPooling2D, { keepdims: true }],
    [BatchNormalization, { axis: 1, momentum: 0.9, epsilon: 1e-5, center: false, gammaInitializer: 'random_normal' }],
    [LayerNormalization, { axis: [1, 2], epsilon: 1e-6, scale: false }],
    [ZeroPadding2D, { padding: [[1, 2], [3, 4]] }],
    [Cropping2D, { cropping: [2, 1], dataFormat: 'channels_first' }],
    [UpSampling2D, { size: [2, 3], interpolation: 'bilinear' }],
    [SpatialDropout2D, { rate: 0.3, seed: 4, dataFormat: 'channels_first' }],
    [RandomFlip, { mode: 'horizontal', seed: 5 }],
    [RandomTranslation, { heightFactor: [-0.1, 0.2], widthFactor: 0.3, fillMode: 'constant', fillValue: 1, interpolation: 'nearest', seed: 6 }],
    [RandomRotation, { factor: 0.25, fillMode: 'nearest' }],
    [RandomZoom, { heightFactor: 0.2, widthFactor: [-0.1, 0.1], fillMode: 'wrap', seed: 7 }],
  ];

  it.each(configured.map(([Cls, args]) => [(Cls as unknown as typeof Layer).className, Cls, args] as const))(
    '%s: getConfig holds the arguments and rebuilds an identical layer',
    (_, Cls, args) => {
      const layer = new Cls(args as never);
      const config = layer.getConfig();
      expect(config.name).toBe(layer.name);
      const again = new Cls(configToArgs(config) as never);
      expect(again.getConfig()).toEqual(config);
    },
  );

  it('writes Keras keys and defaults', () => {
    expect(new Conv2D({ filters: 32, kernelSize: 3, name: 'c' }).getConfig()).toEqual({
      name: 'c',
      trainable: true,
      dtype: 'float32',
      filters: 32,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      groups: 1,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    });
    expect(new MaxPooling2D({ name: 'p' }).getConfig()).toEqual({
      name: 'p',
      trainable: true,
      dtype: 'float32',
      pool_size: [2, 2],
      padding: 'valid',
      strides: [2, 2],
      data_format: 'channels_last',
    });
    expect(new BatchNormalization({ name: 'bn' }).getConfig()).toMatchObject({ axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true });
    expect(new LayerNormalization().getConfig()).toMatchObject({ axis: -1, epsilon: 0.001, center: true, scale: true });
    expect(new RandomFlip().getConfig()).toMatchObject({ mode: 'horizontal_and_vertical', seed: null, data_format: 'channels_last' });
    expect(new RandomRotation({ factor: 0.1 }).getConfig()).toMatchObject({ fill_mode: 'reflect', interpolation: 'bilinear', fill_value: 0 });
    // Explicit names do not use up auto-names.
    expect([new Conv2D({ filters: 1, kernelSize: 1 }).name, new Conv2D({ filters: 1, kernelSize: 1 }).name]).toEqual(['conv2d', 'conv2d_1']);
    expect(new MaxPooling2D().name).toBe('max_pooling2d');
    expect(new BatchNormalization().name).toBe('batch_normalization');
    expect(new SeparableConv2D({ filters: 1, kernelSize: 1 }).name).toBe('separable_conv2d');
  });
});
