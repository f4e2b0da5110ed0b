// Every optimizer Tessera has, configured the same way in both libraries: a model trained two
// steps and saved must take the same third step after the other library loads it.
import { Dense, Sequential } from '@tessera/layers';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop, SGD, type Optimizer } from '@tessera/optimizers';
import { Prng, tensor, type Tensor } from '@tessera/tensor';

export interface OptimizerCase {
  readonly name: string;
  tessera(): Optimizer | string;
  /** A Python expression (with `keras` in scope) for the same optimizer. */
  readonly keras: string;
}

export const OPTIMIZER_CASES: OptimizerCase[] = [
  { name: 'sgd', tessera: () => 'sgd', keras: '"sgd"' },
  { name: 'sgd_nesterov', tessera: () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), keras: 'keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)' },
  { name: 'rmsprop', tessera: () => new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true }), keras: 'keras.optimizers.RMSprop(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True)' },
  { name: 'adam', tessera: () => 'adam', keras: '"adam"' },
  { name: 'adam_amsgrad', tessera: () => new Adam({ learningRate: 0.01, amsgrad: true }), keras: 'keras.optimizers.Adam(learning_rate=0.01, amsgrad=True)' },
  { name: 'adamw', tessera: () => new AdamW({ learningRate: 0.01, weightDecay: 0.01 }), keras: 'keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.01)' },
  { name: 'adagrad', tessera: () => new Adagrad({ learningRate: 0.1 }), keras: 'keras.optimizers.Adagrad(learning_rate=0.1)' },
  { name: 'adadelta', tessera: () => new Adadelta({ learningRate: 1.0 }), keras: 'keras.optimizers.Adadelta(learning_rate=1.0)' },
  { name: 'adamax', tessera: () => new Adamax({ learningRate: 0.01 }), keras: 'keras.optimizers.Adamax(learning_rate=0.01)' },
  { name: 'nadam', tessera: () => new Nadam({ learningRate: 0.01 }), keras: 'keras.optimizers.Nadam(learning_rate=0.01)' },
];

/** The model trained with each optimizer (Dense(4, tanh) -> Dense(2) on 3 features). */
export function optimizerModel(): Sequential {
  return new Sequential([new Dense({ units: 4, activation: 'tanh', inputShape: [3] }), new Dense({ units: 2 })]);
}

export const OPTIMIZER_MODEL_KERAS = `model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(2)])`;

/** The fixed batch both libraries train on: x [8, 3], y [8, 2]. */
export function optimizerBatch(): [Tensor, Tensor] {
  const rng = new Prng(42);
  const draw = (n: number) => Float32Array.from({ length: n }, () => rng.nextNormal());
  return [tensor(draw(24), [8, 3]), tensor(draw(16), [8, 2])];
}
