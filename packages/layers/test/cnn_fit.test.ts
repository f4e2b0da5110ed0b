import '@tessera/cpu-backend';
import { Adam } from '@tessera/optimizers';
import { Prng, dispose, memory, oneHot, tensor, type Tensor } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AveragePooling2D,
  BatchNormalization,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Flatten,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  Input,
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
  SpatialDropout2D,
  UpSampling2D,
  ZeroPadding2D,
  clearSession,
  type SymbolicTensor,
} from '../src/index.js';

/** 8 x 8 images holding one vertical (class 0) or horizontal (class 1) bar, plus noise. */
function bars(n: number, seed: number): { x: Tensor; y: Tensor; labels: Tensor } {
  const rng = new Prng(seed);
  const pixels = new Float32Array(n * 64);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const at = 1 + Math.floor(rng.nextFloat() * 6);
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = rng.nextFloat() * 0.2;
    for (let k = 0; k < 8; k++) pixels[i * 64 + (cls === 0 ? k * 8 + at : at * 8 + k)] = 1;
    labels.push(cls);
  }
  const l = tensor(labels, [n], 'int32');
  return { x: tensor(pixels, [n, 8, 8, 1]), y: oneHot(l, 2), labels: l };
}

const seeded = (seed: number) => ({ class_name: 'GlorotUniform', config: { seed } });

describe('CNNs train', () => {
  beforeEach(() => clearSession());

  it('a small Sequential CNN with augmentation, BatchNormalization and SpatialDropout learns bars and leaks nothing', async () => {
    const { x, y, labels } = bars(96, 1);
    const model = new Sequential([
      new RandomFlip({ mode: 'horizontal', seed: 1, inputShape: [8, 8, 1] }),
      new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'nearest', seed: 2 }),
      new Conv2D({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(1) }),
      new BatchNormalization(),
      new MaxPooling2D(),
      new SpatialDropout2D({ rate: 0.1, seed: 3 }),
      new Flatten(),
      new Dense({ units: 2, activation: 'softmax', kernelInitializer: seeded(2) }),
    ]);
    model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const start = memory().numTensors;
    const history = await model.fit(x, y, { batchSize: 16, epochs: 8, verbose: 0, random: new Prng(4).nextFloat.bind(new Prng(4)) });
    expect(memory().numTensors).toBe(start);
    const loss = history.history.loss;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.7);
    const [, accuracy] = (await model.evaluate(x, y, { verbose: 0 })) as number[];
    expect(accuracy).toBeGreaterThan(0.9);
    expect(memory().numTensors).toBe(start);
    dispose([x, y, labels]);
    model.dispose();
  });

  it('a functional model through the other image layers fits a regression and leaks nothing', async () => {
    const { x } = bars(32, 2);
    // Target: the mean brightness of the top half of each image.
    const values = Array.from(x.dataSync());
    const target = tensor(Array.from({ length: 32 }, (_, i) => [values.slice(i * 64, i * 64 + 32).reduce((a, b) => a + b, 0) / 32]));
    const inputs = Input({ shape: [8, 8, 1] });
    const layers = [
      new RandomZoom({ heightFactor: 0.05, fillMode: 'reflect', seed: 5 }),
      new RandomRotation({ factor: 0.01, fillMode: 'constant', seed: 6 }),
      new SeparableConv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: seeded(3), pointwiseInitializer: seeded(4) }),
      new DepthwiseConv2D({ kernelSize: 3, padding: 'same', depthwiseInitializer: seeded(5) }),
      new AveragePooling2D(),
      new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(6) }),
      new ZeroPadding2D({ padding: 1 }),
      new Cropping2D({ cropping: 1 }),
      new UpSampling2D({ interpolation: 'bilinear' }),
      new LayerNormalization(),
      new GlobalAveragePooling2D(),
      new Dense({ units: 1, kernelInitializer: seeded(7) }),
    ];
    let h: SymbolicTensor = inputs;
    for (const l of layers) h = l.apply(h) as SymbolicTensor;
    const model = new Model({ inputs, outputs: h });
    expect(model.outputShapes).toEqual([[null, 1]]);
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
    const start = memory().numTensors;
    const history = await model.fit(x, target, { batchSize: 8, epochs: 6, verbose: 0, shuffle: false });
    expect(memory().numTensors).toBe(start);
    const loss = history.history.loss;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    dispose([x, target]);
    model.dispose();
  });

  it('a Conv1D model on sequences fits and leaks nothing', async () => {
    const rng = new Prng(7);
    const n = 48;
    const seq = new Float32Array(n * 12 * 2);
    const cls: number[] = [];
    for (let i = 0; i < n; i++) {
      // Class 1 has a rising ramp in channel 0, class 0 a falling one.
      const c = i % 2;
      cls.push(c);
      for (let t = 0; t < 12; t++) {
        seq[(i * 12 + t) * 2] = (c ? t : 11 - t) / 11 + rng.nextNormal() * 0.1;
        seq[(i * 12 + t) * 2 + 1] = rng.nextNormal() * 0.1;
      }
    }
    const x = tensor(seq, [n, 12, 2]);
    const y = tensor(cls.map((c) => [c]));
    const model = new Sequential([
      new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', activation: 'relu', inputShape: [12, 2], kernelInitializer: seeded(8) }),
      new MaxPooling1D(),
      new Conv1D({ filters: 4, kernelSize: 2, activation: 'relu', kernelInitializer: seeded(9) }),
      new GlobalMaxPooling1D(),
      new Dense({ units: 1, activation: 'sigmoid', kernelInitializer: seeded(10) }),
    ]);
    model.compile({ optimizer: new Adam({ learningRate: 0.03 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const start = memory().numTensors;
    const history = await model.fit(x, y, { batchSize: 16, epochs: 10, verbose: 0, shuffle: false });
    expect(memory().numTensors).toBe(start);
    const loss = history.history.loss;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    dispose([x, y]);
    model.dispose();
  });
});
