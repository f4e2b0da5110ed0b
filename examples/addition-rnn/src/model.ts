import { Dense, Input, LSTM, RepeatVector, Sequential } from '@tessera/layers';
import { chars, DIGITS, MAXLEN } from './data.js';

/**
 * Keras's addition_rnn model: an LSTM encoder reads the question into a vector, RepeatVector feeds it to an
 * LSTM decoder once per answer character, and a softmax Dense picks each character. Keras 3's example
 * applies Dense to the decoder's 3D output directly (it acts on the last axis, as the older
 * `TimeDistributed(Dense)` did).
 */
export function additionRnn(numLayers = 1, units = 128): Sequential {
  const model = new Sequential();
  model.add(Input({ shape: [MAXLEN, chars.length] }));
  // "Encode" the input sequence using an LSTM, producing an output of size 128.
  model.add(new LSTM({ units }));
  // As the decoder RNN's input, repeatedly provide with the last output of RNN for each time step.
  model.add(new RepeatVector({ n: DIGITS + 1 }));
  // The decoder RNN could be multiple layers stacked or a single layer.
  for (let i = 0; i < numLayers; i++) model.add(new LSTM({ units, returnSequences: true }));
  // Apply a dense layer to every temporal slice of an input: a character per step of the output.
  model.add(new Dense({ units: chars.length, activation: 'softmax' }));
  return model;
}
