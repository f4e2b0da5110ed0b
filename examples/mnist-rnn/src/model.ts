import { Dense, LSTM, Sequential } from '@tessera/layers';

/** The MNIST-rows classifier: LSTM(128) over 28 rows of 28 pixels, then Dense(10, softmax). */
export function mnistRnn(units = 128): Sequential {
  const model = new Sequential();
  model.add(new LSTM({ units, inputShape: [28, 28] }));
  model.add(new Dense({ units: 10, activation: 'softmax' }));
  return model;
}
