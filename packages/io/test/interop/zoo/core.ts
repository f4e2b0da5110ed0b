// Zoo entries for the layers Tessera had before the interop suite: each model twice, in
// TypeScript and in Keras 3's Python, covering Sequential (with inputShape, with Input, built
// late), functional models with several inputs, shared layers and nested models. The larger
// models are the round-trip suite's (../../models.ts), written here again in Python.
import { Activation, Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D, Sequential } from '@tessera/layers';
import { functionalModel, imageModel, sequenceModel } from '../../models.js';
import type { ZooEntry } from './types.js';

export const core: ZooEntry[] = [
  {
    name: 'mlp_input_shape',
    covers: ['Dense', 'Dropout'],
    inputs: [{ shape: [6] }],
    build: () =>
      new Sequential([
        new Dense({ units: 8, activation: 'relu', inputShape: [6] }),
        new Dropout({ rate: 0.2 }),
        new Dense({ units: 3, activation: 'softmax' }),
      ]),
    keras: `model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dropout(0.2), keras.layers.Dense(3, activation="softmax")])`,
  },
  {
    name: 'mlp_input_layer',
    covers: ['InputLayer', 'Dense', 'Activation'],
    inputs: [{ shape: [5] }],
    build: () => new Sequential([Input({ shape: [5] }) as never, new Dense({ units: 4, useBias: false }), new Activation({ activation: 'tanh' }), new Dense({ units: 2 })]),
    keras: `model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, use_bias=False), keras.layers.Activation("tanh"), keras.layers.Dense(2)])`,
  },
  {
    name: 'mlp_built_late',
    covers: ['Dense'],
    inputs: [{ shape: [4] }],
    build: () => {
      const model = new Sequential([new Dense({ units: 3, activation: 'sigmoid' }), new Dense({ units: 2 })]);
      model.build([null, 4]);
      return model;
    },
    keras: `model = keras.Sequential([keras.layers.Dense(3, activation="sigmoid"), keras.layers.Dense(2)])\nmodel.build((None, 4))`,
  },
  {
    name: 'mnist_cnn',
    covers: ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dropout'],
    inputs: [{ shape: [10, 10, 1] }],
    build: () =>
      new Sequential([
        new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 1] }),
        new MaxPooling2D({ poolSize: 2 }),
        new Flatten(),
        new Dropout({ rate: 0.5 }),
        new Dense({ units: 3, activation: 'softmax' }),
      ]),
    keras: `model = keras.Sequential([keras.Input((10, 10, 1)), keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.MaxPooling2D(2), keras.layers.Flatten(), keras.layers.Dropout(0.5), keras.layers.Dense(3, activation="softmax")])`,
  },
  {
    name: 'images',
    covers: [
      'RandomFlip',
      'RandomTranslation',
      'RandomRotation',
      'RandomZoom',
      'ZeroPadding2D',
      'Conv2D',
      'BatchNormalization',
      'DepthwiseConv2D',
      'SeparableConv2D',
      'MaxPooling2D',
      'SpatialDropout2D',
      'UpSampling2D',
      'Cropping2D',
      'Conv2DTranspose',
      'AveragePooling2D',
      'GlobalAveragePooling2D',
    ],
    inputs: [{ shape: [12, 12, 3] }],
    build: imageModel,
    keras: `L = keras.layers
model = keras.Sequential([
    keras.Input((12, 12, 3)),
    L.RandomFlip(seed=1), L.RandomTranslation(0.1, 0.1, seed=2), L.RandomRotation(0.1, seed=3), L.RandomZoom(0.1, seed=4),
    L.ZeroPadding2D(1), L.Conv2D(4, 3, activation="relu", padding="same"), L.BatchNormalization(),
    L.DepthwiseConv2D(3, depth_multiplier=2), L.SeparableConv2D(5, 3, padding="same", activation="tanh"),
    L.MaxPooling2D(2), L.SpatialDropout2D(0.2), L.UpSampling2D(2), L.Cropping2D(((1, 1), (2, 0))),
    L.Conv2DTranspose(3, 3, strides=2, padding="same"), L.AveragePooling2D(2), L.GlobalAveragePooling2D(),
    L.Dense(3, activation="softmax"),
])`,
    rtol: 1e-4,
  },
  {
    name: 'sequences',
    covers: [
      'Conv1D',
      'LayerNormalization',
      'SpatialDropout1D',
      'MaxPooling1D',
      'AveragePooling1D',
      'GlobalAveragePooling1D',
      'GlobalMaxPooling1D',
      'GlobalMaxPooling2D',
      'Concatenate',
    ],
    inputs: [{ shape: [10, 4] }, { shape: [4, 4, 2] }],
    build: sequenceModel,
    keras: `L = keras.layers
x = keras.Input((10, 4), name="steps")
h = L.Conv1D(6, 3, padding="causal", activation="relu")(x)
h = L.LayerNormalization()(h)
h = L.SpatialDropout1D(0.1)(h)
a = L.MaxPooling1D(2)(h)
b = L.AveragePooling1D(2)(h)
image = keras.Input((4, 4, 2), name="small_image")
merged = L.Concatenate()([L.GlobalAveragePooling1D()(a), L.GlobalMaxPooling1D()(b), L.GlobalMaxPooling2D()(image)])
model = keras.Model([x, image], L.Dense(2)(merged), name="sequences")`,
  },
  {
    name: 'functional_shared_nested',
    covers: ['Dense', 'Reshape', 'Permute', 'Flatten', 'Add', 'Activation', 'Dropout', 'BatchNormalization'],
    inputs: [{ shape: [6] }],
    build: functionalModel,
    keras: `L = keras.layers
x = keras.Input((6,), name="features")
shared = L.Dense(6, activation="relu", name="shared")
h1 = shared(x)
h2 = shared(h1)
f = L.Flatten()(L.Permute((2, 1))(L.Reshape((2, 3))(h2)))
act = L.Dropout(0.3)(L.Activation("sigmoid")(L.Add()([f, h1])))
inner = keras.Sequential([keras.Input((6,)), L.Dense(4, activation="elu"), L.BatchNormalization(), L.Dense(2)], name="inner")
model = keras.Model(x, inner(act), name="functional_mix")`,
  },
  {
    name: 'sequential_nested',
    covers: ['Dense'],
    inputs: [{ shape: [3] }],
    build: () => {
      const inner = new Sequential({ name: 'block', layers: [new Dense({ units: 5, activation: 'relu', inputShape: [3] }), new Dense({ units: 4 })] });
      return new Sequential([inner, new Dense({ units: 2, activation: 'softmax' })]);
    },
    keras: `inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(4)], name="block")
model = keras.Sequential([keras.Input((3,)), inner, keras.layers.Dense(2, activation="softmax")])`,
  },
];
