// Interop zoo: functional models whose masks (Embedding's mask_zero, Masking, merges of masked
// sequences) reach recurrent layers and pooling. Keras 3 records the mask computations as op
// nodes of the config (NotEqual, Any, LogicalOr, ExpandDims, ZerosLike, OnesLike, the
// Concatenate op) and passes each layer its mask as the `mask` keyword argument; Tessera must
// compute those nodes, and Keras must rebuild them from the files Tessera writes. Inputs below a
// small vocabulary put padding (0) at random steps, trailing ones included.
import {
  Add,
  Bidirectional,
  Concatenate,
  Dense,
  Embedding,
  GlobalAveragePooling1D,
  GRU,
  Input,
  LSTM,
  Masking,
  Model,
  TimeDistributed,
} from '@tessera/layers';
import { on, type ZooEntry } from './types.js';

export const maskedFunctional: ZooEntry[] = [
  {
    // Steps of any length: Keras's Input((None,)).
    name: 'masked_embedding_lstm',
    covers: ['Embedding', 'LSTM', 'Dense'],
    inputs: [{ shape: [7], below: 3 }],
    build: () => {
      const x = Input({ batchShape: [null, null] });
      const e = on(new Embedding({ inputDim: 6, outputDim: 4, maskZero: true }), x);
      return new Model({ inputs: x, outputs: on(new Dense({ units: 3 }), on(new LSTM({ units: 5 }), e)) });
    },
    keras: [
      'x = keras.Input((None,), dtype="int32")',
      'e = keras.layers.Embedding(6, 4, mask_zero=True)(x)',
      'model = keras.Model(x, keras.layers.Dense(3)(keras.layers.LSTM(5)(e)))',
    ].join('\n'),
  },
  {
    // A ReLU'd Dense of one unit gives Masking exact zeros to mask.
    name: 'masked_masking_gru_pool',
    covers: ['Masking', 'GRU', 'GlobalAveragePooling1D', 'Dense'],
    inputs: [{ shape: [6, 3] }],
    build: () => {
      const x = Input({ shape: [6, 3] });
      const m = on(new Masking({ maskValue: 0 }), on(new Dense({ units: 1, activation: 'relu' }), x));
      const g = on(new GRU({ units: 3, returnSequences: true }), m);
      return new Model({ inputs: x, outputs: on(new Dense({ units: 2 }), on(new GlobalAveragePooling1D(), g)) });
    },
    keras: [
      'x = keras.Input((6, 3))',
      'm = keras.layers.Masking(mask_value=0.0)(keras.layers.Dense(1, activation="relu")(x))',
      'g = keras.layers.GRU(3, return_sequences=True)(m)',
      'model = keras.Model(x, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling1D()(g)))',
    ].join('\n'),
  },
  {
    name: 'masked_bidirectional_wrappers',
    covers: ['Embedding', 'Bidirectional', 'LSTM', 'GRU', 'TimeDistributed', 'Dense'],
    inputs: [{ shape: [7], below: 4 }],
    build: () => {
      const x = Input({ shape: [7] });
      const e = on(new Embedding({ inputDim: 4, outputDim: 3, maskZero: true }), x);
      const b = on(new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }) }), e);
      const t = on(new TimeDistributed({ layer: new Dense({ units: 2 }) }), b);
      const g = on(new Bidirectional({ layer: new GRU({ units: 2 }), mergeMode: 'sum' }), t);
      return new Model({ inputs: x, outputs: on(new Dense({ units: 2 }), g) });
    },
    keras: [
      'x = keras.Input((7,), dtype="int32")',
      'e = keras.layers.Embedding(4, 3, mask_zero=True)(x)',
      'b = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True))(e)',
      't = keras.layers.TimeDistributed(keras.layers.Dense(2))(b)',
      'g = keras.layers.Bidirectional(keras.layers.GRU(2), merge_mode="sum")(t)',
      'model = keras.Model(x, keras.layers.Dense(2)(g))',
    ].join('\n'),
  },
  {
    // Merges of masked sequences: Add keeps a step either input keeps; Concatenate counts an
    // unmasked input as keeping every step. Two inputs, so two masks that differ.
    name: 'masked_merges',
    covers: ['Embedding', 'Masking', 'Add', 'Concatenate', 'LSTM', 'GRU', 'Dense'],
    inputs: [{ shape: [6], below: 3 }, { shape: [6, 2] }],
    build: () => {
      const tokens = Input({ shape: [6] });
      const features = Input({ shape: [6, 2] });
      const a = on(new Embedding({ inputDim: 3, outputDim: 2, maskZero: true }), tokens);
      const b = on(new Masking({ maskValue: 0 }), on(new Dense({ units: 2, activation: 'relu' }), features));
      const sum = on(new Add(), [a, b]);
      const joined = on(new Concatenate(), [on(new Concatenate(), [a, features]), sum]);
      const out = on(new Concatenate(), [on(new LSTM({ units: 3 }), joined), on(new GRU({ units: 2 }), sum)]);
      return new Model({ inputs: [tokens, features], outputs: out });
    },
    keras: [
      'tokens = keras.Input((6,), dtype="int32")',
      'features = keras.Input((6, 2))',
      'a = keras.layers.Embedding(3, 2, mask_zero=True)(tokens)',
      'b = keras.layers.Masking(mask_value=0.0)(keras.layers.Dense(2, activation="relu")(features))',
      's = keras.layers.Add()([a, b])',
      'j = keras.layers.Concatenate()([keras.layers.Concatenate()([a, features]), s])',
      'model = keras.Model([tokens, features], keras.layers.Concatenate()([keras.layers.LSTM(3)(j), keras.layers.GRU(2)(s)]))',
    ].join('\n'),
    // Keras 3 cannot read its own: it looks the op nodes up as layers ("Unknown layer: 'NotEqual'").
    // Ours has none, but Keras then makes the Concatenate's mask op itself and may name it
    // `concatenate`, as a layer of the file is named ("The name ... is used 2 times").
    skipKinds: { h5: "Keras 3 cannot read a legacy .h5 of a functional model with mask op nodes (Unknown layer: 'NotEqual')" },
  },
];
