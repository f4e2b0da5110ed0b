// Zoo entries for the activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax), Identity and
// the merges beyond Add and Concatenate (Subtract, Multiply, Average, Maximum, Minimum, Dot):
// each model in TypeScript and in Keras 3's Python.
import {
  Average,
  Concatenate,
  Conv2D,
  Dense,
  Dot,
  ELU,
  Flatten,
  GlobalAveragePooling2D,
  Identity,
  Input,
  LeakyReLU,
  Maximum,
  Minimum,
  Model,
  Multiply,
  PReLU,
  ReLU,
  Sequential,
  Softmax,
  Subtract,
  Add,
} from '@tessera/layers';
import { on, type ZooEntry } from './types.js';

export const stockA: ZooEntry[] = [
  {
    name: 'activation_layers',
    covers: ['Dense', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'Identity'],
    inputs: [{ shape: [6] }],
    build: () =>
      new Sequential([
        new Dense({ units: 6, inputShape: [6] }),
        new ReLU({ maxValue: 2, negativeSlope: 0.1, threshold: 0.2 }),
        new Dense({ units: 6 }),
        new LeakyReLU({ negativeSlope: 0.2 }),
        new Dense({ units: 6 }),
        new PReLU(),
        new ELU({ alpha: 0.7 }),
        new Dense({ units: 4 }),
        new Softmax(),
        new Identity(),
      ]),
    keras: `L = keras.layers
model = keras.Sequential([
    keras.Input((6,)),
    L.Dense(6), L.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.2),
    L.Dense(6), L.LeakyReLU(negative_slope=0.2),
    L.Dense(6), L.PReLU(), L.ELU(alpha=0.7),
    L.Dense(4), L.Softmax(), L.Identity(),
])`,
  },
  {
    name: 'activation_layers_images',
    covers: ['Conv2D', 'PReLU', 'ReLU', 'Softmax', 'LeakyReLU', 'GlobalAveragePooling2D'],
    inputs: [{ shape: [6, 6, 2] }],
    build: () => {
      const x = Input({ shape: [6, 6, 2], name: 'image' });
      let h = on(new Conv2D({ filters: 3, kernelSize: 3, padding: 'same' }), x);
      h = on(new PReLU({ sharedAxes: [1, 2] }), h);
      h = on(new ReLU({ maxValue: 6 }), h);
      h = on(new Softmax({ axis: 1 }), h);
      h = on(new LeakyReLU(), on(new GlobalAveragePooling2D(), h));
      return new Model({ inputs: x, outputs: on(new Dense({ units: 2 }), h), name: 'activation_images' });
    },
    keras: `L = keras.layers
x = keras.Input((6, 6, 2), name="image")
h = L.Conv2D(3, 3, padding="same")(x)
h = L.PReLU(shared_axes=[1, 2])(h)
h = L.ReLU(max_value=6.0)(h)
h = L.Softmax(axis=1)(h)
h = L.LeakyReLU()(L.GlobalAveragePooling2D()(h))
model = keras.Model(x, L.Dense(2)(h), name="activation_images")`,
  },
  {
    name: 'softmax_axes',
    covers: ['Dense', 'Softmax', 'Flatten'],
    inputs: [{ shape: [3, 4] }],
    build: () => {
      const x = Input({ shape: [3, 4], name: 'scores' });
      const h = on(new Softmax({ axis: [1, 2] }), on(new Dense({ units: 4 }), x));
      return new Model({ inputs: x, outputs: on(new Dense({ units: 2 }), on(new Flatten(), h)), name: 'softmax_axes' });
    },
    keras: `L = keras.layers
x = keras.Input((3, 4), name="scores")
h = L.Softmax(axis=[1, 2])(L.Dense(4)(x))
model = keras.Model(x, L.Dense(2)(L.Flatten()(h)), name="softmax_axes")`,
    skipKinds: {
      h5: "Keras's legacy .h5 loader replaces a Softmax axis list of two axes by -1 (legacy saving_utils pops the axis), for its own files too",
    },
  },
  {
    name: 'merges',
    covers: ['Dense', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot', 'Concatenate'],
    inputs: [{ shape: [5] }, { shape: [5] }],
    build: () => {
      const x1 = Input({ shape: [5], name: 'left' });
      const x2 = Input({ shape: [5], name: 'right' });
      const a = on(new Dense({ units: 4 }), x1);
      const b = on(new Dense({ units: 4 }), x2);
      const difference = on(new Subtract(), [a, b]);
      const product = on(new Multiply(), [a, b, difference]);
      const mean = on(new Average(), [a, b, product]);
      const high = on(new Maximum(), [a, b]);
      const low = on(new Minimum(), [mean, high]);
      const cosine = on(new Dot({ axes: 1, normalize: true }), [a, b]);
      const inner = on(new Dot({ axes: -1 }), [low, difference]);
      const merged = on(new Concatenate(), [difference, product, mean, high, low, cosine, inner]);
      return new Model({ inputs: [x1, x2], outputs: on(new Dense({ units: 2 }), merged), name: 'merges' });
    },
    keras: `L = keras.layers
x1 = keras.Input((5,), name="left")
x2 = keras.Input((5,), name="right")
a = L.Dense(4)(x1)
b = L.Dense(4)(x2)
difference = L.Subtract()([a, b])
product = L.Multiply()([a, b, difference])
mean = L.Average()([a, b, product])
high = L.Maximum()([a, b])
low = L.Minimum()([mean, high])
cosine = L.Dot(axes=1, normalize=True)([a, b])
inner = L.Dot(axes=-1)([low, difference])
merged = L.Concatenate()([difference, product, mean, high, low, cosine, inner])
model = keras.Model([x1, x2], L.Dense(2)(merged), name="merges")`,
  },
  {
    name: 'dot_attention',
    covers: ['Dense', 'Dot', 'Softmax', 'Flatten'],
    inputs: [{ shape: [3, 4] }, { shape: [5, 4] }],
    build: () => {
      const queries = Input({ shape: [3, 4], name: 'queries' });
      const keys = Input({ shape: [5, 4], name: 'keys' });
      const scores = on(new Dot({ axes: [2, 2] }), [queries, keys]); // [b, 3, 5]
      const weights = on(new Softmax({ axis: -1 }), scores);
      const values = on(new Dense({ units: 4 }), keys);
      const attended = on(new Dot({ axes: [2, 1] }), [weights, values]); // [b, 3, 4]
      return new Model({ inputs: [queries, keys], outputs: on(new Dense({ units: 2 }), on(new Flatten(), attended)), name: 'dot_attention' });
    },
    keras: `L = keras.layers
queries = keras.Input((3, 4), name="queries")
keys = keras.Input((5, 4), name="keys")
scores = L.Dot(axes=(2, 2))([queries, keys])
weights = L.Softmax(axis=-1)(scores)
values = L.Dense(4)(keys)
attended = L.Dot(axes=(2, 1))([weights, values])
model = keras.Model([queries, keys], L.Dense(2)(L.Flatten()(attended)), name="dot_attention")`,
  },
  {
    name: 'merges_broadcast',
    covers: ['Dense', 'Multiply', 'Add', 'Subtract', 'Flatten'],
    inputs: [{ shape: [4, 3] }, { shape: [3] }],
    build: () => {
      const grid = Input({ shape: [4, 3], name: 'grid' });
      const row = Input({ shape: [3], name: 'row' });
      const gate = on(new Dense({ units: 3, activation: 'sigmoid' }), row);
      const scaled = on(new Multiply(), [grid, gate]); // [b, 4, 3] * [b, 3]: the lower rank gains axis 1
      const shifted = on(new Add(), [scaled, row]);
      const centered = on(new Subtract(), [shifted, gate]);
      return new Model({ inputs: [grid, row], outputs: on(new Dense({ units: 2 }), on(new Flatten(), centered)), name: 'merges_broadcast' });
    },
    keras: `L = keras.layers
grid = keras.Input((4, 3), name="grid")
row = keras.Input((3,), name="row")
gate = L.Dense(3, activation="sigmoid")(row)
scaled = L.Multiply()([grid, gate])
shifted = L.Add()([scaled, row])
centered = L.Subtract()([shifted, gate])
model = keras.Model([grid, row], L.Dense(2)(L.Flatten()(centered)), name="merges_broadcast")`,
  },
];
