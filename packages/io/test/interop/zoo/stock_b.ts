// Interop zoo: the stock layers of issue 13 part 3 (preprocessing, embedding, noise,
// regularization, unit and group normalization), each model also written in Keras 3.
// The noise layers are the identity at inference, so predictions compare.
import {
  ActivityRegularization,
  AlphaDropout,
  CenterCrop,
  Conv2D,
  Dense,
  Embedding,
  Flatten,
  GaussianDropout,
  GaussianNoise,
  GlobalAveragePooling1D,
  GroupNormalization,
  Input,
  Model,
  Normalization,
  RepeatVector,
  Rescaling,
  Resizing,
  Sequential,
  UnitNormalization,
  type SymbolicTensor,
} from '@tessera/layers';
import { tensor, tidy } from '@tessera/tensor';
import type { ZooEntry } from './types.js';

/** Values to adapt the Normalization of `stock_b_normalization_adapted` on, the same in both libraries. */
const ADAPT_DATA = [
  [0.5, -1.2, 3.0],
  [1.5, 0.4, 2.0],
  [-0.3, 2.2, 5.5],
  [2.0, 0.0, 4.5],
];

export const stockB: ZooEntry[] = [
  {
    name: 'stock_b_image_preprocessing',
    covers: ['Rescaling', 'Resizing', 'CenterCrop', 'GroupNormalization'],
    inputs: [{ shape: [10, 12, 3] }],
    build() {
      const input = Input({ shape: [10, 12, 3] });
      let x = new Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(input) as SymbolicTensor;
      x = new Resizing({ height: 8, width: 8, cropToAspectRatio: true }).apply(x) as SymbolicTensor;
      x = new CenterCrop({ height: 6, width: 6 }).apply(x) as SymbolicTensor;
      x = new Conv2D({ filters: 6, kernelSize: 3 }).apply(x) as SymbolicTensor;
      x = new GroupNormalization({ groups: 3 }).apply(x) as SymbolicTensor;
      x = new Flatten().apply(x) as SymbolicTensor;
      return new Model({ inputs: input, outputs: new Dense({ units: 3 }).apply(x) as SymbolicTensor });
    },
    keras: `
inputs = keras.Input((10, 12, 3))
x = keras.layers.Rescaling(1 / 127.5, offset=-1.0)(inputs)
x = keras.layers.Resizing(8, 8, crop_to_aspect_ratio=True)(x)
x = keras.layers.CenterCrop(6, 6)(x)
x = keras.layers.Conv2D(6, 3)(x)
x = keras.layers.GroupNormalization(groups=3)(x)
x = keras.layers.Flatten()(x)
model = keras.Model(inputs, keras.layers.Dense(3)(x))
`,
    // A resize and a group normalization in float32 before a dense layer: measured 7e-6 (max
    // |diff| / (1e-3 + |keras|)) against Keras 3.15 on JAX, so a margin above the default.
    rtol: 1e-4,
  },
  {
    name: 'stock_b_resize_modes',
    covers: ['Resizing', 'CenterCrop', 'Rescaling'],
    inputs: [{ shape: [6, 8, 2] }],
    build() {
      return new Sequential([
        new Resizing({ height: 4, width: 5, interpolation: 'bicubic', antialias: true, inputShape: [6, 8, 2] }),
        new Resizing({ height: 7, width: 6, interpolation: 'nearest' }),
        new Resizing({ height: 5, width: 5, interpolation: 'lanczos3', padToAspectRatio: true, fillValue: 0.25 }),
        new CenterCrop({ height: 7, width: 4 }),
        new Rescaling({ scale: [2, 0.5], offset: [0.1, -0.1] }),
        new Flatten(),
        new Dense({ units: 2 }),
      ]);
    },
    keras: `
model = keras.Sequential([
    keras.Input((6, 8, 2)),
    keras.layers.Resizing(4, 5, interpolation="bicubic", antialias=True),
    keras.layers.Resizing(7, 6, interpolation="nearest"),
    keras.layers.Resizing(5, 5, interpolation="lanczos3", pad_to_aspect_ratio=True, fill_value=0.25),
    keras.layers.CenterCrop(7, 4),
    keras.layers.Rescaling([2.0, 0.5], offset=[0.1, -0.1]),
    keras.layers.Flatten(),
    keras.layers.Dense(2),
])
`,
    // Several resizes in a row mix many inputs in float32 (measured 5e-7): a margin above the default.
    rtol: 1e-4,
  },
  {
    name: 'stock_b_normalization_fixed',
    covers: ['Normalization', 'UnitNormalization'],
    inputs: [{ shape: [4] }],
    build() {
      const input = Input({ shape: [4] });
      let x = new Normalization({ mean: [0.5, -1, 2, 0], variance: [1, 4, 0.25, 2] }).apply(input) as SymbolicTensor;
      x = new Dense({ units: 6, activation: 'tanh' }).apply(x) as SymbolicTensor;
      x = new Normalization({ axis: null, mean: 0.1, variance: 2, invert: true }).apply(x) as SymbolicTensor;
      x = new UnitNormalization().apply(x) as SymbolicTensor;
      return new Model({ inputs: input, outputs: new Dense({ units: 2 }).apply(x) as SymbolicTensor });
    },
    keras: `
inputs = keras.Input((4,))
x = keras.layers.Normalization(mean=[0.5, -1.0, 2.0, 0.0], variance=[1.0, 4.0, 0.25, 2.0])(inputs)
x = keras.layers.Dense(6, activation="tanh")(x)
x = keras.layers.Normalization(axis=None, mean=0.1, variance=2.0, invert=True)(x)
x = keras.layers.UnitNormalization()(x)
model = keras.Model(inputs, keras.layers.Dense(2)(x))
`,
  },
  {
    // The adapted statistics are weights (mean, variance, int32 count); a suite that
    // randomizes weights must keep the variance non-negative (the layer takes its square root).
    name: 'stock_b_normalization_adapted',
    covers: ['Normalization'],
    inputs: [{ shape: [3] }],
    build() {
      const norm = new Normalization({ inputShape: [3] });
      tidy(() => norm.adapt(tensor(ADAPT_DATA)));
      return new Sequential([norm, new Dense({ units: 2 })]);
    },
    keras: `
norm = keras.layers.Normalization()
norm.adapt(np.array(${JSON.stringify(ADAPT_DATA)}, dtype="float32"))
model = keras.Sequential([keras.Input((3,)), norm, keras.layers.Dense(2)])
`,
  },
  {
    name: 'stock_b_embedding',
    covers: ['Embedding'],
    inputs: [{ shape: [6], below: 10 }],
    build() {
      const input = Input({ shape: [6] });
      let x = new Embedding({ inputDim: 10, outputDim: 4 }).apply(input) as SymbolicTensor;
      x = new GlobalAveragePooling1D().apply(x) as SymbolicTensor;
      return new Model({ inputs: input, outputs: new Dense({ units: 2 }).apply(x) as SymbolicTensor });
    },
    keras: `
inputs = keras.Input((6,))
x = keras.layers.Embedding(10, 4)(inputs)
x = keras.layers.GlobalAveragePooling1D()(x)
model = keras.Model(inputs, keras.layers.Dense(2)(x))
`,
  },
  {
    name: 'stock_b_noise_and_sequences',
    covers: ['GaussianNoise', 'GaussianDropout', 'ActivityRegularization', 'UnitNormalization', 'RepeatVector', 'GroupNormalization'],
    inputs: [{ shape: [8] }],
    build() {
      return new Sequential([
        new Dense({ units: 16, activation: 'selu', inputShape: [8] }),
        new GaussianNoise({ stddev: 0.1, seed: 1 }),
        new GaussianDropout({ rate: 0.2 }),
        new ActivityRegularization({ l1: 0.01, l2: 0.001 }),
        new UnitNormalization({ axis: [1] }),
        new RepeatVector({ n: 3 }),
        new GroupNormalization({ groups: 4, epsilon: 1e-5 }),
        new Flatten(),
        new Dense({ units: 2 }),
      ]);
    },
    keras: `
model = keras.Sequential([
    keras.Input((8,)),
    keras.layers.Dense(16, activation="selu"),
    keras.layers.GaussianNoise(0.1, seed=1),
    keras.layers.GaussianDropout(0.2),
    keras.layers.ActivityRegularization(l1=0.01, l2=0.001),
    keras.layers.UnitNormalization(axis=[1]),
    keras.layers.RepeatVector(3),
    keras.layers.GroupNormalization(groups=4, epsilon=1e-5),
    keras.layers.Flatten(),
    keras.layers.Dense(2),
])
`,
  },
  {
    name: 'stock_b_alpha_dropout',
    covers: ['AlphaDropout'],
    inputs: [{ shape: [5] }],
    build() {
      const input = Input({ shape: [5] });
      let x = new Dense({ units: 8, activation: 'selu' }).apply(input) as SymbolicTensor;
      x = new AlphaDropout({ rate: 0.1, noiseShape: [null, 1], seed: 4 }).apply(x) as SymbolicTensor;
      return new Model({ inputs: input, outputs: new Dense({ units: 2 }).apply(x) as SymbolicTensor });
    },
    keras: `
inputs = keras.Input((5,))
x = keras.layers.Dense(8, activation="selu")(inputs)
x = keras.layers.AlphaDropout(0.1, noise_shape=[None, 1], seed=4)(x)
model = keras.Model(inputs, keras.layers.Dense(2)(x))
`,
    skipKinds: {
      // Keras itself: model.save('m.h5') raises "cannot pickle 'module' object" for any model
      // holding an AlphaDropout (3.15.1); Keras does load Tessera's .h5 of this model.
      h5: "Keras 3.15 cannot save AlphaDropout to a legacy .h5 (TypeError: cannot pickle 'module' object)",
    },
  },
];
