import mnistCnn from './mnist_cnn.ts?raw';
import mnistLstm from './mnist_lstm.ts?raw';
import mnistMlp from './mnist_mlp.ts?raw';
import toy2d from './toy_2d.ts?raw';

/** The playground's examples; the first is the default. */
export interface Example {
  id: string;
  title: string;
  source: string;
}

export const EXAMPLES: readonly Example[] = [
  { id: 'mnist-mlp', title: 'MLP on MNIST (784-128-10, RMSprop)', source: mnistMlp },
  { id: 'mnist-cnn', title: 'Small CNN on MNIST (Conv2D 8 - MaxPool - Dense)', source: mnistCnn },
  { id: 'mnist-lstm', title: 'LSTM on MNIST rows (28 steps of 28 pixels, LSTM(32) - Dense)', source: mnistLstm },
  { id: 'toy-2d', title: '2-D toy problem (three sigmoid layers, SGD, MSE)', source: toy2d },
];
