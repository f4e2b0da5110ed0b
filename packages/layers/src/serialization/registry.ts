import { ValueError } from '@tessera/tensor';
import { Layer } from '../engine/layer.js';
import { ALIASES, BUILT_IN } from './built_in.js';
import type { LayerContext, LayerFromConfig } from './context.js';
import { LayerConfigError } from './errors.js';
import { GuardedInitializer, resolveInitializer, type WeightBudget } from './initializer_guard.js';
import { describeValue } from './keras_args.js';
import { CODE_LAYERS, KERAS_LAYER_CLASSES } from './keras_classes.js';

const custom = new Map<string, LayerFromConfig>();

/**
 * Teaches the loaders a layer class: `fromConfig` receives the layer's Keras config
 * (snake_case keys, as in the file; {@link kerasArgs} turns it into camelCase options)
 * and returns the layer. Use it for your own layers, before `loadModel`.
 * @param options - `override: true` replaces an earlier registration (or a built-in).
 * @example
 * ```ts
 * class Scale extends Layer {
 *   static override readonly className = 'Scale';
 *   // build / call / getConfig ...
 * }
 * registerLayer('Scale', (config) => new Scale(kerasArgs(config)));
 * const model = await loadModel('with_scale.keras');
 * ```
 */
export function registerLayer(className: string, fromConfig: LayerFromConfig, options: { override?: boolean } = {}): void {
  if (typeof className !== 'string' || className.length === 0) throw new ValueError(`registerLayer: expected a class name but got ${String(className)}`);
  if (typeof fromConfig !== 'function') throw new ValueError(`registerLayer('${className}', ...): expected a function (config, context) => Layer`);
  if (custom.has(className) && !options.override) {
    throw new ValueError(`registerLayer: '${className}' is already registered; pass {override: true} to replace it`);
  }
  if (BUILT_IN[className] && !options.override) {
    throw new ValueError(`registerLayer: '${className}' is a built-in layer; pass {override: true} to replace it`);
  }
  custom.set(className, fromConfig);
}

/**
 * Removes a registration made with {@link registerLayer} (built-ins come back).
 * @example
 * ```ts
 * unregisterLayer('Scale');
 * ```
 */
export function unregisterLayer(className: string): void {
  custom.delete(className);
}

/**
 * The `fromConfig` for a Keras class name (a registered one first, then Tessera's, then
 * Keras's aliases such as `MaxPool2D`), or undefined.
 * @example
 * ```ts
 * layerFactory('MaxPool2D')?.({ name: 'pool', pool_size: [2, 2] }, context); // a MaxPooling2D
 * ```
 */
export function layerFactory(className: string): LayerFromConfig | undefined {
  return custom.get(className) ?? BUILT_IN[className] ?? BUILT_IN[ALIASES[className] ?? ''];
}

/**
 * Class names the loaders know: every layer class of @tessera/layers and those registered.
 * @example
 * ```ts
 * knownLayerClasses().includes('Dense'); // true
 * ```
 */
export function knownLayerClasses(): string[] {
  return [...new Set([...Object.keys(BUILT_IN), ...custom.keys()])].sort();
}

/** Where a config is being turned into a layer, for {@link layerFromConfig}. */
export interface LayerFromConfigOptions {
  /** Keras 3's `registered_name` of the entry (`'package>Class'` for custom classes), tried after the class name. */
  registeredName?: string;
  /** The file being loaded, for messages. */
  file?: string;
  /** Where warnings go (default `console.warn`). */
  warn?: (message: string) => void;
  /** Bounds the values the layer's weights may hold (shared by the layers of one load). */
  budget?: WeightBudget;
  /** Builds nested layers or models (default: {@link deserializeLayer} with the same options). */
  deserialize?: (spec: unknown) => Layer;
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Why a class name has no `fromConfig`: Keras's own class, code, a model, or an unknown (custom) class. */
function unknownClass(className: string, layer: string | undefined): LayerConfigError {
  const details = { layer, found: className };
  const ident = className.replace(/\W/g, '') || 'MyLayer';
  if (CODE_LAYERS[className]) {
    return new LayerConfigError(
      'unsupported',
      `Keras layer ${className} holds ${CODE_LAYERS[className]}, which cannot run in JavaScript. Write it as a Tessera layer ` +
        `(a Layer subclass whose call does the same) and register it before loading: ` +
        `registerLayer('${className}', (config) => new My${ident}(kerasArgs(config)))`,
      details,
    );
  }
  if (MODEL_CLASSES.has(className)) {
    return new LayerConfigError('bad_config', `${className} is a model, not a layer: build it with modelFromKerasConfig (@tessera/io)`, details);
  }
  if (KERAS_LAYER_CLASSES.has(className)) {
    return new LayerConfigError(
      'unsupported',
      `Keras layer ${className} is not supported by Tessera yet; supported: ${Object.keys(BUILT_IN).sort().join(', ')}`,
      details,
    );
  }
  return new LayerConfigError(
    'unknown_layer',
    `unknown layer class '${className}'. If it is your own layer, register it before loading: ` +
      `registerLayer('${className}', (config) => new ${ident}(kerasArgs(config)))`,
    details,
  );
}

/**
 * Builds a layer from its Keras class name and config (Keras's `cls.from_config(config)`):
 * registered classes first, then Tessera's. Nothing is allocated until the layer is built.
 * @throws LayerConfigError `unknown_layer` for an unknown class, `unsupported` for a Keras
 *   class or option Tessera lacks; the class's own errors for bad values.
 * @example
 * ```ts
 * const dense = new Dense({ units: 3, activation: 'relu' });
 * const twin = layerFromConfig('Dense', dense.getConfig()) as Dense;
 * twin.units; // 3
 * ```
 */
export function layerFromConfig(className: string, config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Layer {
  const name = typeof config.name === 'string' ? config.name : undefined;
  const registered = options.registeredName;
  const factory =
    layerFactory(className) ?? (registered ? (layerFactory(registered) ?? layerFactory(registered.split('>').pop() ?? '')) : undefined);
  if (!factory) throw unknownClass(className, name);
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const budget = options.budget;
  const ctx: LayerContext = {
    className,
    file: options.file,
    warn,
    initializer: (id, fallback) => {
      const init = resolveInitializer(id, fallback, (m) => warn(`${className} '${name}': ${m}`));
      return budget ? new GuardedInitializer(init, budget) : init;
    },
    deserialize: options.deserialize ?? ((spec) => deserializeLayer(spec, { ...options, registeredName: undefined })),
  };
  const layer = factory(config, ctx);
  if (!(layer instanceof Layer)) {
    throw new LayerConfigError('bad_config', `the fromConfig of '${className}' did not return a Layer`, { layer: name });
  }
  return layer;
}

/**
 * Builds a layer from Keras's serialized form `{class_name, config}` (Keras's
 * `keras.layers.deserialize`).
 * @example
 * ```ts
 * const relu = deserializeLayer({ class_name: 'ReLU', config: { name: 're_lu', max_value: 6 } });
 * ```
 */
export function deserializeLayer(spec: unknown, options: LayerFromConfigOptions = {}): Layer {
  const s = spec as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || typeof s.class_name !== 'string') {
    throw new LayerConfigError('bad_config', 'a layer entry must be an object with a class_name', { found: describeValue(spec) });
  }
  if (typeof s.config !== 'object' || s.config === null || Array.isArray(s.config)) {
    throw new LayerConfigError('bad_config', `layer ${s.class_name} has no config object`, { found: describeValue(s.config) });
  }
  const registeredName = typeof s.registered_name === 'string' ? s.registered_name : undefined;
  return layerFromConfig(s.class_name, s.config as Record<string, unknown>, { ...options, registeredName });
}
