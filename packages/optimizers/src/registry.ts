import { ValueError } from '@tessera/tensor';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { Adamax } from './adamax.js';
import { Nadam } from './nadam.js';
import { Optimizer, type OptimizerConfig } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import type { Config, SerializedInput, SerializedObject } from './schedules.js';
import { SGD } from './sgd.js';
import { describe } from './validate.js';

/**
 * What {@link registerOptimizer} takes: an optimizer class with a static `fromConfig`.
 * @example
 * ```ts
 * const cls: OptimizerClass = Adam;
 * cls.fromConfig({ learning_rate: 0.01 });
 * ```
 */
export interface OptimizerClass {
  fromConfig(config: Config): Optimizer;
}

/**
 * Anything {@link getOptimizer} resolves: a Keras string id, an optimizer, or a serialized one.
 * @example
 * ```ts
 * const ids: OptimizerIdentifier[] = ['adam', new SGD(), { class_name: 'RMSprop', config: {} }];
 * ids.map(getOptimizer);
 * ```
 */
export type OptimizerIdentifier = string | Optimizer | SerializedInput;

const BUILT_IN: ReadonlyArray<readonly [string, OptimizerClass]> = [
  ['sgd', SGD],
  ['rmsprop', RMSprop],
  ['adam', Adam],
  ['adamw', AdamW],
  ['adagrad', Adagrad],
  ['adadelta', Adadelta],
  ['adamax', Adamax],
  ['nadam', Nadam],
];

/** Lower-cased name -> class. Keras resolves ids case-insensitively ('Adam', 'adam', 'ADAM'). */
const registry = new Map<string, OptimizerClass>(BUILT_IN);

/**
 * Registers a custom optimizer class under `name`, so that `getOptimizer(name)` and
 * `deserialize({class_name: name, ...})` build it (names are case-insensitive).
 * The class needs a static `fromConfig(config)`; give it a static `className` to be
 * serialized under that name.
 *
 * @example
 * ```ts
 * registerOptimizer('PlainSGD', PlainSGD);
 * getOptimizer('plainsgd'); // a PlainSGD with its defaults
 * ```
 */
export function registerOptimizer(name: string, cls: OptimizerClass): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValueError(`registerOptimizer: expected a non-empty name but got ${describe(name)}`);
  }
  if (typeof cls?.fromConfig !== 'function') {
    throw new ValueError(`registerOptimizer: '${name}' must be a class with a static fromConfig(config)`);
  }
  registry.set(name.toLowerCase(), cls);
}

/**
 * An optimizer as Keras 3 serializes it: `{module, class_name, config, registered_name}`.
 *
 * @example
 * ```ts
 * serialize(new Adam()); // {module: 'keras.optimizers', class_name: 'Adam', config: {name: 'adam', ...}, registered_name: null}
 * ```
 */
export function serialize(optimizer: Optimizer): SerializedObject<OptimizerConfig> {
  if (!(optimizer instanceof Optimizer)) throw new ValueError(`serialize: expected an Optimizer but got ${describe(optimizer)}`);
  const builtIn = BUILT_IN.some(([, cls]) => (cls as unknown) === optimizer.constructor);
  return {
    module: builtIn ? 'keras.optimizers' : null,
    class_name: optimizer.className,
    config: optimizer.getConfig(),
    registered_name: builtIn ? null : optimizer.className,
  };
}

/**
 * Builds an optimizer from `{class_name, config}` (what {@link serialize} and Keras write).
 *
 * @example
 * ```ts
 * const opt = deserialize({ class_name: 'Adam', config: { learning_rate: 0.01 } });
 * ```
 */
export function deserialize(serialized: SerializedInput): Optimizer {
  if (typeof serialized !== 'object' || serialized === null || typeof serialized.class_name !== 'string') {
    throw new ValueError(`deserialize: expected {class_name, config} but got ${describe(serialized)}`);
  }
  const cls = lookup(serialized.class_name) ?? (serialized.registered_name ? lookup(serialized.registered_name) : undefined);
  if (!cls) throw unknownOptimizer(serialized.class_name);
  return cls.fromConfig(serialized.config ?? {});
}

/**
 * Resolves what `model.compile({optimizer})` accepts, as Keras's `keras.optimizers.get`:
 * a string id (`'sgd'`, `'rmsprop'`, `'adam'`, `'adamw'`, `'adagrad'`, `'adadelta'`,
 * `'adamax'`, `'nadam'`, or a registered name; case-insensitive) gives that optimizer with
 * its defaults; an optimizer is returned as is; `{class_name, config}` is deserialized.
 *
 * @throws ValueError naming the valid ids for an unknown one.
 * @example
 * ```ts
 * getOptimizer('adam');            // new Adam()
 * getOptimizer({ class_name: 'SGD', config: { momentum: 0.9 } });
 * getOptimizer('adamm');           // ValueError: Unknown optimizer 'adamm'. Valid: sgd, rmsprop, ...
 * ```
 */
export function getOptimizer(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') {
    const cls = lookup(identifier);
    if (!cls) throw unknownOptimizer(identifier);
    return cls.fromConfig({});
  }
  if (typeof identifier === 'object' && identifier !== null) return deserialize(identifier);
  throw new ValueError(`getOptimizer: expected a string id, an Optimizer or {class_name, config} but got ${describe(identifier)}`);
}

function lookup(name: string): OptimizerClass | undefined {
  return registry.get(name.toLowerCase());
}

function unknownOptimizer(name: string): ValueError {
  return new ValueError(`Unknown optimizer '${name}'. Valid: ${[...registry.keys()].join(', ')}`);
}
