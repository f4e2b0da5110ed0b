import { ValueError } from '@tessera/tensor';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Hinge,
  Huber,
  KLDivergence,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from './classes.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './crossentropy.js';
import { hinge } from './hinge.js';
import { klDivergence } from './kl_divergence.js';
import { Loss, LossFunctionWrapper, snakeCase, type LossConfig, type LossFunction } from './loss.js';
import { huber, meanAbsoluteError, meanSquaredError } from './regression.js';

/**
 * A `Loss` subclass that {@link getLoss} can build from a config.
 * @example
 * ```ts
 * const cls: LossClass = CategoricalCrossentropy;
 * registerLoss('MyLoss', MyLoss);
 * ```
 */
export type LossClass = (abstract new (...args: never[]) => Loss) & { fromConfig(config: Partial<LossConfig>): Loss };

/**
 * A serialized loss, in Keras's `serialize_keras_object` shape.
 * @example
 * ```ts
 * const spec: SerializedLoss = { class_name: 'Huber', config: { delta: 2 } };
 * getLoss(spec);
 * ```
 */
export interface SerializedLoss {
  class_name: string;
  /** The loss's config; for `class_name: 'function'`, the function's id. */
  config?: Partial<LossConfig> | string | null;
  module?: string | null;
  registered_name?: string | null;
}

/**
 * Anything {@link getLoss} accepts.
 * @example
 * ```ts
 * const ids: LossIdentifier[] = ['mse', new Huber(), { class_name: 'Hinge' }, (t, p) => mean(abs(sub(t, p)), -1)];
 * ```
 */
export type LossIdentifier = string | Loss | LossFunction | SerializedLoss;

type Entry = { kind: 'class'; cls: LossClass; builtin: boolean } | { kind: 'function'; fn: LossFunction; builtin: boolean };

const BUILTIN_CLASSES = [
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  BinaryCrossentropy,
  MeanSquaredError,
  MeanAbsoluteError,
  Huber,
  KLDivergence,
  Hinge,
] as const;

// Keras's function ids (and aliases) map to the class computing the same loss, so that
// every loss `getLoss` returns has `compute`, reductions and a config.
const FUNCTION_IDS: ReadonlyArray<[string, LossClass, LossFunction]> = [
  ['categorical_crossentropy', CategoricalCrossentropy, categoricalCrossentropy],
  ['sparse_categorical_crossentropy', SparseCategoricalCrossentropy, sparseCategoricalCrossentropy],
  ['binary_crossentropy', BinaryCrossentropy, binaryCrossentropy],
  ['bce', BinaryCrossentropy, binaryCrossentropy],
  ['BCE', BinaryCrossentropy, binaryCrossentropy],
  ['mean_squared_error', MeanSquaredError, meanSquaredError],
  ['mse', MeanSquaredError, meanSquaredError],
  ['MSE', MeanSquaredError, meanSquaredError],
  ['mean_absolute_error', MeanAbsoluteError, meanAbsoluteError],
  ['mae', MeanAbsoluteError, meanAbsoluteError],
  ['MAE', MeanAbsoluteError, meanAbsoluteError],
  ['huber', Huber, huber],
  ['kl_divergence', KLDivergence, klDivergence],
  ['kld', KLDivergence, klDivergence],
  ['KLD', KLDivergence, klDivergence],
  ['hinge', Hinge, hinge],
];

const registry = new Map<string, Entry>();
// Keras's string ids first: error messages list (and suggest) them before class names.
for (const [id, cls] of FUNCTION_IDS) registry.set(id, { kind: 'class', cls, builtin: true });
for (const cls of BUILTIN_CLASSES) registry.set(cls.className, { kind: 'class', cls, builtin: true });

/** The canonical id and class of each built-in loss function (`categoricalCrossentropy` → `CategoricalCrossentropy`). */
const builtinFunctions = new Map<LossFunction, [string, LossClass]>();
for (const [id, cls, fn] of FUNCTION_IDS) if (!builtinFunctions.has(fn)) builtinFunctions.set(fn, [id, cls]);

const squash = (id: string) => id.replace(/_/g, '').toLowerCase();

function unknownLoss(id: string): ValueError {
  const ids = [...registry.keys()];
  const close = ids.find((k) => squash(k) === squash(id));
  const hint = close ? ` Did you mean '${close}'?` : '';
  return new ValueError(
    `getLoss: unknown loss '${id}'.${hint} Valid identifiers: ${ids.map((k) => `'${k}'`).join(', ')}; ` +
      'or pass a Loss, a function (yTrue, yPred) => Tensor, or a name registered with registerLoss',
  );
}

function wrap(fn: LossFunction, id: string, config: Partial<LossConfig> = {}): LossFunctionWrapper {
  return new LossFunctionWrapper(fn, { name: config.name ?? id, reduction: config.reduction });
}

function fromId(id: string, config?: Partial<LossConfig>): Loss {
  const entry = registry.get(id);
  if (!entry) throw unknownLoss(id);
  return entry.kind === 'class' ? entry.cls.fromConfig(config ?? {}) : wrap(entry.fn, id, config);
}

function registeredFunctionName(fn: LossFunction): string | undefined {
  for (const [id, entry] of registry) if (entry.kind === 'function' && entry.fn === fn) return id;
  return undefined;
}

function isLossClass(x: unknown): x is LossClass {
  return typeof x === 'function' && (x === Loss || x.prototype instanceof Loss);
}

function fromSerialized(spec: SerializedLoss): Loss {
  const { class_name: className, config } = spec;
  if (typeof className !== 'string') {
    throw new ValueError(`getLoss: expected {class_name, config} but got ${JSON.stringify(spec)}`);
  }
  if (className === 'function') {
    if (typeof config !== 'string') {
      throw new ValueError(`getLoss: a serialized function needs its id as config but got ${JSON.stringify(config)}`);
    }
    return fromId(config);
  }
  if (typeof config === 'string') {
    throw new ValueError(`getLoss: expected the config of '${className}' to be an object but got '${config}'`);
  }
  if (className === 'LossFunctionWrapper') {
    const { fn, ...rest } = (config ?? {}) as Record<string, unknown>;
    const id = typeof fn === 'string' ? fn : (fn as SerializedLoss | undefined)?.config;
    const entry = typeof id === 'string' ? registry.get(id) : undefined;
    if (!entry || entry.kind !== 'function') {
      throw new ValueError(
        `getLoss: LossFunctionWrapper needs config.fn naming a function registered with registerLoss but got ${JSON.stringify(fn)}`,
      );
    }
    return wrap(entry.fn, id as string, rest as Partial<LossConfig>);
  }
  const id = spec.registered_name && registry.has(spec.registered_name) ? spec.registered_name : className;
  return fromId(id, config ?? undefined);
}

/**
 * Resolves a loss identifier to a {@link Loss}, as Keras's `keras.losses.get`: a Keras
 * string id (`'categorical_crossentropy'`, `'sparse_categorical_crossentropy'`,
 * `'binary_crossentropy'`, `'mse'`, `'mae'`, `'huber'`, `'kld'`, `'hinge'`, ...), a class
 * name (`'CategoricalCrossentropy'`), a name given to {@link registerLoss}, a serialized
 * `{class_name, config}`, a `Loss` (returned as is), a `Loss` subclass (instantiated) or a
 * loss function (wrapped in a {@link LossFunctionWrapper}).
 *
 * @throws ValueError for an unknown id, listing the valid ones.
 * @example
 * ```ts
 * getLoss('categorical_crossentropy');                       // CategoricalCrossentropy
 * getLoss({ class_name: 'Huber', config: { delta: 2 } });     // Huber with delta 2
 * getLoss((yTrue, yPred) => mean(abs(sub(yTrue, yPred)), -1)); // LossFunctionWrapper
 * ```
 */
export function getLoss(identifier: LossIdentifier | LossClass): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === 'string') return fromId(identifier);
  if (isLossClass(identifier)) {
    if (identifier === Loss) throw new ValueError('getLoss: Loss is abstract; pass a subclass or an instance');
    return new (identifier as unknown as new () => Loss)();
  }
  if (typeof identifier === 'function') {
    const fn = identifier as LossFunction;
    const builtin = builtinFunctions.get(fn);
    if (builtin) return new (builtin[1] as unknown as new () => Loss)();
    return wrap(fn, registeredFunctionName(fn) ?? (fn.name ? snakeCase(fn.name) : 'loss'));
  }
  if (identifier && typeof identifier === 'object' && !Array.isArray(identifier)) return fromSerialized(identifier);
  throw new ValueError(`getLoss: could not interpret loss identifier ${String(identifier)}`);
}

/**
 * Registers a custom loss under `name` so that {@link getLoss} (and so `compile` and model
 * loading) finds it: a `Loss` subclass (built with its `fromConfig`) or a loss function
 * (wrapped in a {@link LossFunctionWrapper}). Keras's counterpart is
 * `register_keras_serializable`.
 *
 * @param options - `override: true` replaces an earlier registration of `name`
 *   (built-in ids can never be replaced).
 * @throws ValueError when `name` is taken.
 * @example
 * ```ts
 * registerLoss('log_cosh', (yTrue, yPred) => mean(log(cosh(sub(yPred, yTrue))), -1));
 * getLoss('log_cosh'); // a LossFunctionWrapper named 'log_cosh'
 * ```
 */
export function registerLoss(name: string, loss: LossClass | LossFunction, options: { override?: boolean } = {}): void {
  if (typeof name !== 'string' || name === '') throw new ValueError(`registerLoss: expected a non-empty name but got ${String(name)}`);
  const existing = registry.get(name);
  if (existing?.builtin) throw new ValueError(`registerLoss: '${name}' is a built-in loss and cannot be replaced`);
  if (existing && !options.override) {
    throw new ValueError(`registerLoss: a loss named '${name}' is already registered; pass {override: true} to replace it`);
  }
  if (isLossClass(loss)) registry.set(name, { kind: 'class', cls: loss, builtin: false });
  else if (typeof loss === 'function') registry.set(name, { kind: 'function', fn: loss as LossFunction, builtin: false });
  else throw new ValueError(`registerLoss: expected a Loss subclass or a loss function but got ${typeof loss}`);
}

/**
 * A loss as Keras's `serialize_keras_object` writes it:
 * `{module, class_name, config, registered_name}`. {@link getLoss} reads it back.
 *
 * @throws ValueError for a custom loss (class or function) that is not registered.
 * @example
 * ```ts
 * serializeLoss(new CategoricalCrossentropy());
 * // {module: 'keras.losses', class_name: 'CategoricalCrossentropy',
 * //  config: {name: 'categorical_crossentropy', reduction: 'sum_over_batch_size',
 * //           from_logits: false, label_smoothing: 0, axis: -1}, registered_name: null}
 * ```
 */
export function serializeLoss(loss: Loss | LossFunction): SerializedLoss {
  if (loss instanceof LossFunctionWrapper) {
    const id = builtinFunctions.get(loss.fn)?.[0] ?? registeredFunctionName(loss.fn);
    if (!id) throw unregistered(`the function ${loss.fn.name || '(anonymous)'} of loss '${loss.name}'`);
    return { module: null, class_name: 'LossFunctionWrapper', config: { ...loss.getConfig(), fn: id }, registered_name: null };
  }
  if (loss instanceof Loss) {
    const cls = loss.constructor as LossClass;
    if ((BUILTIN_CLASSES as readonly LossClass[]).includes(cls)) {
      return { module: 'keras.losses', class_name: (cls as unknown as { className: string }).className, config: loss.getConfig(), registered_name: null };
    }
    for (const [id, entry] of registry) {
      if (entry.kind === 'class' && entry.cls === cls) return { module: null, class_name: id, config: loss.getConfig(), registered_name: id };
    }
    throw unregistered(`the Loss subclass ${cls.name}`);
  }
  if (typeof loss === 'function') {
    const builtin = builtinFunctions.get(loss)?.[0];
    if (builtin) return { module: 'keras.losses', class_name: 'function', config: builtin, registered_name: builtin };
    const id = registeredFunctionName(loss);
    if (id) return { module: null, class_name: 'function', config: id, registered_name: id };
    throw unregistered(`the function ${loss.name || '(anonymous)'}`);
  }
  throw new ValueError(`serializeLoss: expected a Loss or a loss function but got ${typeof loss}`);
}

function unregistered(what: string): ValueError {
  return new ValueError(`serializeLoss: ${what} is not registered; call registerLoss(name, ...) first so it can be loaded back`);
}
