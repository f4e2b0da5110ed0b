/**
 * The two tutorial models, built the same way in both libraries, with the same initial
 * weights (Tessera's glorot_uniform draw, copied into the tfjs model):
 * - the Keras MNIST MLP: 784-512-512-512-10, relu, Dropout(0.2) after each hidden
 *   layer (as in the tutorial, `examples/mnist-mlp/src/mlp_d.ts`), softmax, RMSprop;
 * - the small MNIST CNN: Conv2D(32, 5x5, relu) - MaxPooling2D(2) - Flatten - Dense(128,
 *   relu) - Dense(10, softmax), Adam.
 * Both use categorical cross-entropy and the accuracy metric, Keras's defaults otherwise.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { Conv2D, Dense, Dropout, Flatten, knownLayerClasses, layerFromConfig, MaxPooling2D, Sequential } from '@tessera/layers';
import { Adam, RMSprop } from '@tessera/optimizers';
import { tf } from '../tfjs.js';

export type ModelKind = 'mlp' | 'cnn';

export function tesseraModel(kind: ModelKind): Sequential {
  const model = new Sequential();
  if (kind === 'mlp') {
    model.add(new Dense({ units: 512, activation: 'relu', inputShape: [784] }));
    model.add(new Dropout({ rate: 0.2 }));
    model.add(new Dense({ units: 512, activation: 'relu' }));
    model.add(new Dropout({ rate: 0.2 }));
    model.add(new Dense({ units: 512, activation: 'relu' }));
    model.add(new Dropout({ rate: 0.2 }));
    model.add(new Dense({ units: 10, activation: 'softmax' }));
    model.compile({ loss: 'categorical_crossentropy', optimizer: new RMSprop(), metrics: ['accuracy'] });
  } else {
    model.add(new Conv2D({ filters: 32, kernelSize: [5, 5], activation: 'relu', inputShape: [28, 28, 1] }));
    model.add(new MaxPooling2D({ poolSize: [2, 2] }));
    model.add(new Flatten());
    model.add(new Dense({ units: 128, activation: 'relu' }));
    model.add(new Dense({ units: 10, activation: 'softmax' }));
    model.compile({ loss: 'categorical_crossentropy', optimizer: new Adam(), metrics: ['accuracy'] });
  }
  return model;
}

/**
 * LSTM(128) -> Dense(10, softmax) over 28 steps of 28 features, Adam, categorical
 * cross-entropy: the Keras model of bench/python/engines.py. The LSTM is made from its Keras
 * config through the layer registry, so this builds as soon as `@tessera/layers` registers an
 * `LSTM` class; until then it returns why it cannot (the case then runs in Keras and PyTorch only).
 */
export function tesseraLstmModel(): Sequential | string {
  if (!knownLayerClasses().includes('LSTM')) return 'unsupported: @tessera/layers has no LSTM layer yet';
  const model = new Sequential();
  model.add(layerFromConfig('LSTM', { units: 128, batch_input_shape: [null, 28, 28] }));
  model.add(new Dense({ units: 10, activation: 'softmax' }));
  model.compile({ loss: 'categorical_crossentropy', optimizer: new Adam(), metrics: ['accuracy'] });
  return model;
}

/** The same model in tfjs-layers, on the active tfjs backend, with `weights` (Tessera's order and layouts, which are Keras's). */
export function tfjsModel(kind: ModelKind, weights: readonly { values: Float32Array; shape: number[] }[]): tfl.Sequential {
  const model = tfl.sequential();
  if (kind === 'mlp') {
    model.add(tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }));
    model.add(tfl.layers.dropout({ rate: 0.2 }));
    model.add(tfl.layers.dense({ units: 512, activation: 'relu' }));
    model.add(tfl.layers.dropout({ rate: 0.2 }));
    model.add(tfl.layers.dense({ units: 512, activation: 'relu' }));
    model.add(tfl.layers.dropout({ rate: 0.2 }));
    model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
    // Keras's RMSprop defaults: rho 0.9, momentum 0, epsilon 1e-7.
    model.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7), metrics: ['accuracy'] });
  } else {
    model.add(tfl.layers.conv2d({ filters: 32, kernelSize: [5, 5], activation: 'relu', inputShape: [28, 28, 1] }));
    model.add(tfl.layers.maxPooling2d({ poolSize: [2, 2] }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
    model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
    // Keras's Adam defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.
    model.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), metrics: ['accuracy'] });
  }
  model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
  return model;
}

/** A Tessera model's weights as plain arrays (to build the tfjs twin from). */
export function weightsOf(model: Sequential): { values: Float32Array; shape: number[] }[] {
  return model.getWeights().map((w) => ({ values: w.dataSync() as Float32Array, shape: [...w.shape] }));
}
