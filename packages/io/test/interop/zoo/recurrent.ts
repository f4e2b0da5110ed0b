// Interop zoo: the sequence layers of issue 14 (recurrent layers, their cells, Bidirectional,
// TimeDistributed, Masking) and masks (Embedding's mask_zero, Masking) reaching them, each
// model also written in Keras 3. Integer inputs below a small vocabulary put padding (0) at
// random steps; a ReLU'd Dense of one unit gives Masking exact zeros to mask.
import {
  Bidirectional,
  Concatenate,
  Dense,
  Embedding,
  GlobalAveragePooling1D,
  GRU,
  GRUCell,
  Input,
  LSTM,
  LSTMCell,
  Masking,
  Model,
  RNN,
  Sequential,
  SimpleRNN,
  SimpleRNNCell,
  StackedRNNCells,
  TimeDistributed,
  type SymbolicTensor,
} from '@tessera/layers';
import { on, type ZooEntry } from './types.js';
const onMany = (layer: { apply(x: never): unknown }, x: SymbolicTensor) => layer.apply(x as never) as SymbolicTensor[];

export const recurrent: ZooEntry[] = [
  {
    name: 'rnn_lstm_time_distributed',
    covers: ['LSTM', 'TimeDistributed', 'Dense'],
    inputs: [{ shape: [5, 3] }],
    build: () =>
      new Sequential([
        new LSTM({ units: 4, returnSequences: true, inputShape: [5, 3] }),
        new TimeDistributed({ layer: new Dense({ units: 2, activation: 'tanh' }) }),
        new LSTM({ units: 3, goBackwards: true, activation: 'relu', recurrentActivation: 'hard_sigmoid' }),
      ]),
    keras: [
      'model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, return_sequences=True),',
      '    keras.layers.TimeDistributed(keras.layers.Dense(2, activation="tanh")),',
      '    keras.layers.LSTM(3, go_backwards=True, activation="relu", recurrent_activation="hard_sigmoid")])',
    ].join('\n'),
  },
  {
    name: 'rnn_embedding_mask_lstm',
    covers: ['Embedding', 'LSTM', 'Dense'],
    inputs: [{ shape: [7], below: 4 }],
    build: () =>
      new Sequential([
        new Embedding({ inputDim: 4, outputDim: 3, maskZero: true, inputShape: [7] }),
        new LSTM({ units: 4, returnSequences: true }),
        new LSTM({ units: 3 }),
        new Dense({ units: 2 }),
      ]),
    keras: [
      'model = keras.Sequential([keras.Input((7,), dtype="int32"), keras.layers.Embedding(4, 3, mask_zero=True),',
      '    keras.layers.LSTM(4, return_sequences=True), keras.layers.LSTM(3), keras.layers.Dense(2)])',
    ].join('\n'),
  },
  {
    name: 'rnn_gru_variants',
    covers: ['GRU', 'SimpleRNN'],
    inputs: [{ shape: [6, 2] }],
    build: () => {
      const x = Input({ shape: [6, 2] });
      const a = on(new GRU({ units: 3, returnSequences: true }), x);
      const b = on(new GRU({ units: 3, resetAfter: false, returnSequences: true, goBackwards: true }), a);
      const c = on(new SimpleRNN({ units: 2, activation: 'relu', useBias: false }), b);
      return new Model({ inputs: x, outputs: c });
    },
    keras: [
      'x = keras.Input((6, 2))',
      'a = keras.layers.GRU(3, return_sequences=True)(x)',
      'b = keras.layers.GRU(3, reset_after=False, return_sequences=True, go_backwards=True)(a)',
      'c = keras.layers.SimpleRNN(2, activation="relu", use_bias=False)(b)',
      'model = keras.Model(x, c)',
    ].join('\n'),
  },
  {
    name: 'rnn_bidirectional_modes',
    covers: ['Bidirectional', 'SimpleRNN', 'GRU', 'LSTM', 'Concatenate'],
    inputs: [{ shape: [5, 3] }],
    build: () => {
      const x = Input({ shape: [5, 3] });
      const s = on(new Bidirectional({ layer: new SimpleRNN({ units: 3, returnSequences: true }), mergeMode: 'sum' }), x);
      const m = on(new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }), mergeMode: 'mul' }), s);
      const a = on(new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'ave' }), m);
      const [f, b] = onMany(new Bidirectional({ layer: new GRU({ units: 2 }), mergeMode: null }), m);
      const c = on(new Bidirectional({ layer: new LSTM({ units: 2 }), backwardLayer: new GRU({ units: 2, goBackwards: true }) }), x);
      return new Model({ inputs: x, outputs: on(new Concatenate(), [a, f, b, c]) });
    },
    keras: [
      'x = keras.Input((5, 3))',
      's = keras.layers.Bidirectional(keras.layers.SimpleRNN(3, return_sequences=True), merge_mode="sum")(x)',
      'm = keras.layers.Bidirectional(keras.layers.GRU(2, return_sequences=True), merge_mode="mul")(s)',
      'a = keras.layers.Bidirectional(keras.layers.LSTM(2), merge_mode="ave")(m)',
      'f, b = keras.layers.Bidirectional(keras.layers.GRU(2), merge_mode=None)(m)',
      'c = keras.layers.Bidirectional(keras.layers.LSTM(2), backward_layer=keras.layers.GRU(2, go_backwards=True))(x)',
      'model = keras.Model(x, keras.layers.Concatenate()([a, f, b, c]))',
    ].join('\n'),
  },
  {
    name: 'rnn_cells',
    covers: ['RNN', 'StackedRNNCells', 'SimpleRNNCell', 'LSTMCell', 'GRUCell'],
    inputs: [{ shape: [4, 3] }],
    build: () =>
      new Sequential([
        new RNN({
          cell: new StackedRNNCells({ cells: [new SimpleRNNCell({ units: 3 }), new LSTMCell({ units: 2 }), new GRUCell({ units: 2, resetAfter: false })] }),
          returnSequences: true,
          inputShape: [4, 3],
        }),
        new RNN({ cell: [new GRUCell({ units: 2 }), new LSTMCell({ units: 3 })], returnSequences: true }),
        new RNN({ cell: new LSTMCell({ units: 2 }) }),
      ]),
    keras: [
      'model = keras.Sequential([keras.Input((4, 3)),',
      '    keras.layers.RNN(keras.layers.StackedRNNCells([keras.layers.SimpleRNNCell(3), keras.layers.LSTMCell(2), keras.layers.GRUCell(2, reset_after=False)]), return_sequences=True),',
      '    keras.layers.RNN([keras.layers.GRUCell(2), keras.layers.LSTMCell(3)], return_sequences=True),',
      '    keras.layers.RNN(keras.layers.LSTMCell(2))])',
    ].join('\n'),
  },
  {
    // In Sequential; the functional forms, whose configs hold the mask op nodes, are in
    // masked_functional.ts.
    name: 'rnn_masking',
    covers: ['Masking', 'GRU', 'LSTM', 'Dense'],
    inputs: [{ shape: [6, 3] }],
    build: () =>
      new Sequential([
        new Dense({ units: 1, activation: 'relu', inputShape: [6, 3] }),
        new Masking({ maskValue: 0 }),
        new GRU({ units: 3, returnSequences: true }),
        new LSTM({ units: 2 }),
      ]),
    keras: [
      'model = keras.Sequential([keras.Input((6, 3)), keras.layers.Dense(1, activation="relu"), keras.layers.Masking(mask_value=0.0),',
      '    keras.layers.GRU(3, return_sequences=True), keras.layers.LSTM(2)])',
    ].join('\n'),
  },
  {
    name: 'rnn_return_state',
    covers: ['GRU', 'LSTM', 'Concatenate'],
    inputs: [{ shape: [6, 3] }],
    build: () => {
      const x = Input({ shape: [6, 3] });
      const seq = on(new GRU({ units: 3, returnSequences: true }), x);
      const [out, h, c] = onMany(new LSTM({ units: 2, returnState: true }), seq);
      return new Model({ inputs: x, outputs: on(new Concatenate(), [out, h, c]) });
    },
    keras: [
      'x = keras.Input((6, 3))',
      'seq = keras.layers.GRU(3, return_sequences=True)(x)',
      'out, h, c = keras.layers.LSTM(2, return_state=True)(seq)',
      'model = keras.Model(x, keras.layers.Concatenate()([out, h, c]))',
    ].join('\n'),
  },
  {
    name: 'rnn_embedding_mask_wrappers',
    covers: ['Embedding', 'Bidirectional', 'TimeDistributed', 'GlobalAveragePooling1D', 'Dense'],
    inputs: [{ shape: [6], below: 3 }],
    build: () =>
      new Sequential([
        new Embedding({ inputDim: 3, outputDim: 4, maskZero: true, inputShape: [6] }),
        new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }) }),
        new TimeDistributed({ layer: new Dense({ units: 2 }) }),
        new GlobalAveragePooling1D(),
      ]),
    keras: [
      'model = keras.Sequential([keras.Input((6,), dtype="int32"), keras.layers.Embedding(3, 4, mask_zero=True),',
      '    keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True)),',
      '    keras.layers.TimeDistributed(keras.layers.Dense(2)), keras.layers.GlobalAveragePooling1D()])',
    ].join('\n'),
  },
  {
    // The seq2seq pattern: the encoder's final states start the decoder (Keras's initial_state).
    name: 'rnn_seq2seq_initial_state',
    covers: ['LSTM', 'GRU', 'TimeDistributed', 'Dense'],
    inputs: [{ shape: [4, 3] }, { shape: [5, 2] }],
    build: () => {
      const encoder = Input({ shape: [4, 3] });
      const decoder = Input({ shape: [5, 2] });
      const [, h, c] = onMany(new LSTM({ units: 3, returnState: true }), encoder);
      const y = new LSTM({ units: 3, returnSequences: true }).apply(decoder, { initialState: [h, c] }) as SymbolicTensor;
      const g = new GRU({ units: 3, returnSequences: true, goBackwards: true }).apply(y, { initialState: [h] }) as SymbolicTensor;
      return new Model({ inputs: [encoder, decoder], outputs: on(new TimeDistributed({ layer: new Dense({ units: 2 }) }), g) });
    },
    keras: [
      'encoder = keras.Input((4, 3))',
      'decoder = keras.Input((5, 2))',
      '_, h, c = keras.layers.LSTM(3, return_state=True)(encoder)',
      'y = keras.layers.LSTM(3, return_sequences=True)(decoder, initial_state=[h, c])',
      'g = keras.layers.GRU(3, return_sequences=True, go_backwards=True)(y, initial_state=[h])',
      'model = keras.Model([encoder, decoder], keras.layers.TimeDistributed(keras.layers.Dense(2))(g))',
    ].join('\n'),
  },
];
