import * as tl from '@tessera/layers';
import { getActivation, getInitializer, getRegularizer, Layer, type Initializer } from '@tessera/layers';
import { ValueError, type DType, type Shape, type Tensor } from '@tessera/tensor';
import { ModelFileError } from './errors.js';
import { camelCase } from './keras/naming.js';

/**
 * What a layer's `fromConfig` gets besides the config: where it is loading from, a way
 * to warn, and helpers for nested objects.
 */
export interface LayerContext {
  /** The Keras class name in the file. */
  readonly className: string;
  /** The file being loaded, for messages. */
  readonly file?: string;
  /** Reports something that loads but not exactly as in Keras (default: `console.warn`). */
  warn(message: string): void;
  /**
   * Wraps an initializer identifier from a config: while a file loads, weights are created
   * through this wrapper, which checks their size against what the file can supply (so a
   * corrupted `units: 1e12` fails with a ModelFileError instead of allocating).
   */
  initializer(id: unknown, fallback: string): Initializer;
  /** Builds a nested layer or model from its `{class_name, config}` (for wrapper layers). */
  deserialize(spec: unknown): Layer;
}

/** Builds a Tessera layer from the `config` object Keras stores for it. */
export type LayerFromConfig = (config: Record<string, unknown>, context: LayerContext) => Layer;

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

/** Removes a registration made with {@link registerLayer} (built-ins come back). */
export function unregisterLayer(className: string): void {
  custom.delete(className);
}

/** Keys of Keras configs that say nothing Tessera's constructors take. */
const DROPPED = new Set(['dtype', 'module', 'registered_name', 'build_config', 'autocast', 'synchronized', 'sparse', 'ragged', 'batch_size', 'input_dtype']);

/**
 * A Keras layer config as Tessera options: snake_case keys become camelCase
 * (`kernel_size` -> `kernelSize`), `batch_input_shape` / `batch_shape` become
 * `batchInputShape`, `input_dim` `inputDim`; `null` (Python's None: the default) values, the
 * dtype (a string or a Keras 3 DTypePolicy) and Keras-only keys are dropped. Other values are kept.
 * @example
 * ```ts
 * kerasArgs({ name: 'dense_1', units: 10, use_bias: true, batch_input_shape: [null, 784] });
 * // {name: 'dense_1', units: 10, useBias: true, batchInputShape: [null, 784]}
 * ```
 */
export function kerasArgs(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    // Keras's None means "the default", which is what an absent option means here.
    if (DROPPED.has(key) || value === null) continue;
    if (key === 'batch_input_shape' || key === 'batch_shape') out.batchInputShape = value;
    else out[camelCase(key)] = value;
  }
  return out;
}

// ------------------------------------------------------------------ built-ins

type Spec = {
  /** Initializer arguments and their defaults: wrapped by the context's guard. */
  inits?: Record<string, string>;
  /** Keys allowed only with the given (default) value; anything else is unsupported. */
  only?: Record<string, unknown[]>;
  /** Keys that are dropped (after `only` checks). */
  drop?: string[];
  /** Extra conversion of the options. */
  adapt?(args: Record<string, unknown>, config: Record<string, unknown>, ctx: LayerContext): void;
};

type LayerClass = new (args: never) => Layer;

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function unsupported(ctx: LayerContext, config: Record<string, unknown>, what: string): ModelFileError {
  return new ModelFileError('unsupported', `${ctx.className}: ${what} is not supported by Tessera`, {
    file: ctx.file,
    layer: typeof config.name === 'string' ? config.name : undefined,
  });
}

/** The activation id of a config value (a string, null, or a serialized function). */
export function activationId(value: unknown): string {
  if (value === null || value === undefined) return 'linear';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.config === 'string') return v.config;
    if (v.config && typeof v.config === 'object' && typeof (v.config as Record<string, unknown>).name === 'string') {
      return (v.config as Record<string, unknown>).name as string;
    }
    if (typeof v.class_name === 'string') return v.class_name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  }
  return String(value);
}

const STANDARD_DROPS = ['activity_regularizer', 'kernel_constraint', 'bias_constraint', 'beta_constraint', 'gamma_constraint', 'depthwise_constraint', 'pointwise_constraint', 'lora_rank', 'lora_alpha'];

function standard(cls: LayerClass, spec: Spec = {}): LayerFromConfig {
  return (config, ctx) => {
    for (const [key, allowed] of Object.entries(spec.only ?? {})) {
      if (key in config && !allowed.some((a) => JSON.stringify(a) === JSON.stringify(config[key]))) {
        throw unsupported(ctx, config, `${key}=${describe(config[key])}`);
      }
    }
    const cfg: Record<string, unknown> = { ...config };
    for (const key of [...STANDARD_DROPS, ...(spec.drop ?? [])]) {
      if (!(key in cfg)) continue;
      const v = cfg[key];
      if (v !== null && v !== undefined && v !== false && key.endsWith('constraint')) ctx.warn(`${ctx.className} '${String(config.name)}': ${key} is ignored (Tessera has no constraints)`);
      if (v !== null && v !== undefined && key === 'activity_regularizer') ctx.warn(`${ctx.className} '${String(config.name)}': activity_regularizer is ignored`);
      delete cfg[key];
    }
    for (const key of Object.keys(cfg)) {
      if (key.endsWith('_regularizer') && cfg[key] !== null && cfg[key] !== undefined) {
        try {
          getRegularizer(cfg[key] as never);
        } catch {
          ctx.warn(`${ctx.className} '${String(config.name)}': regularizer ${describe(cfg[key])} is not supported and is ignored`);
          cfg[key] = null;
        }
      }
    }
    const args = kerasArgs(cfg);
    for (const [key, fallback] of Object.entries(spec.inits ?? {})) {
      args[camelCase(key)] = ctx.initializer(config[key], fallback);
    }
    if ('activation' in config) {
      const id = activationId(args.activation);
      try {
        getActivation(id as never);
      } catch {
        throw unsupported(ctx, config, `activation '${id}'`);
      }
      args.activation = id;
    }
    spec.adapt?.(args, config, ctx);
    return new cls(args as never);
  };
}

const DENSE_INITS = { kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros' };

function conv(cls: LayerClass): LayerFromConfig {
  return standard(cls, { inits: DENSE_INITS, only: { groups: [1] } });
}

function pooling(cls: LayerClass): LayerFromConfig {
  return standard(cls);
}

const BUILT_IN: Record<string, LayerFromConfig> = {
  InputLayer: (config, ctx) => {
    if (config.sparse === true || config.ragged === true) throw unsupported(ctx, config, 'a sparse or ragged input');
    let shape = (config.batch_shape ?? config.batch_input_shape) as unknown;
    if (shape === undefined && Array.isArray(config.shape)) shape = [config.batch_size ?? null, ...(config.shape as unknown[])];
    if (shape === undefined && Array.isArray(config.input_shape)) shape = [config.batch_size ?? null, ...(config.input_shape as unknown[])];
    if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && (d as number) > 0))) {
      throw new ModelFileError('bad_config', `InputLayer: expected batch_shape as a list of positive integers or null`, {
        file: ctx.file,
        layer: typeof config.name === 'string' ? config.name : undefined,
        found: describe(shape),
      });
    }
    return new tl.InputLayer({ batchShape: shape as (number | null)[], name: typeof config.name === 'string' ? config.name : undefined });
  },
  Dense: standard(tl.Dense, { inits: DENSE_INITS }),
  Activation: standard(tl.Activation),
  Dropout: standard(tl.Dropout),
  Flatten: standard(tl.Flatten, { only: { data_format: ['channels_last', null] } }),
  Reshape: standard(tl.Reshape),
  Permute: standard(tl.Permute),
  Concatenate: standard(tl.Concatenate),
  Add: standard(tl.Add),
  Conv1D: conv(tl.Conv1D),
  Conv2D: conv(tl.Conv2D),
  Conv2DTranspose: standard(tl.Conv2DTranspose, { inits: DENSE_INITS, only: { groups: [1] } }),
  DepthwiseConv2D: standard(tl.DepthwiseConv2D, { inits: { depthwise_initializer: 'glorot_uniform', bias_initializer: 'zeros' } }),
  SeparableConv2D: standard(tl.SeparableConv2D, {
    inits: { depthwise_initializer: 'glorot_uniform', pointwise_initializer: 'glorot_uniform', bias_initializer: 'zeros' },
  }),
  MaxPooling1D: pooling(tl.MaxPooling1D),
  MaxPooling2D: pooling(tl.MaxPooling2D),
  AveragePooling1D: pooling(tl.AveragePooling1D),
  AveragePooling2D: pooling(tl.AveragePooling2D),
  GlobalAveragePooling1D: pooling(tl.GlobalAveragePooling1D),
  GlobalAveragePooling2D: pooling(tl.GlobalAveragePooling2D),
  GlobalMaxPooling1D: pooling(tl.GlobalMaxPooling1D),
  GlobalMaxPooling2D: pooling(tl.GlobalMaxPooling2D),
  BatchNormalization: standard(tl.BatchNormalization, {
    inits: { beta_initializer: 'zeros', gamma_initializer: 'ones', moving_mean_initializer: 'zeros', moving_variance_initializer: 'ones' },
    only: { renorm: [false, null], virtual_batch_size: [null], adjustment: [null] },
    drop: ['renorm', 'renorm_clipping', 'renorm_momentum', 'fused', 'virtual_batch_size', 'adjustment', 'trainable_statistics'],
    adapt(args, config, ctx) {
      // Keras 2 may store the axis as a one-element list.
      if (Array.isArray(args.axis)) {
        if (args.axis.length !== 1) throw unsupported(ctx, config, `normalizing over several axes (axis=${describe(args.axis)})`);
        args.axis = args.axis[0];
      }
    },
  }),
  LayerNormalization: standard(tl.LayerNormalization, {
    inits: { beta_initializer: 'zeros', gamma_initializer: 'ones' },
    only: { rms_scaling: [false, null] },
    drop: ['rms_scaling'],
  }),
  ZeroPadding2D: standard(tl.ZeroPadding2D),
  Cropping2D: standard(tl.Cropping2D),
  UpSampling2D: standard(tl.UpSampling2D),
  SpatialDropout1D: standard(tl.SpatialDropout1D, { drop: ['noise_shape'] }),
  SpatialDropout2D: standard(tl.SpatialDropout2D, { drop: ['noise_shape'] }),
  RandomFlip: standard(tl.RandomFlip),
  RandomTranslation: standard(tl.RandomTranslation),
  RandomRotation: standard(tl.RandomRotation),
  RandomZoom: standard(tl.RandomZoom),
  // Embedding's constraint is ignored with a warning, like the other layers' constraints
  // (the generic path would hand it to the constructor, which refuses it).
  Embedding: standard(tl.Embedding, { inits: { embeddings_initializer: 'uniform' }, drop: ['embeddings_constraint'] }),
};

/** Keras's alias class names. */
const ALIASES: Record<string, string> = {
  MaxPool1D: 'MaxPooling1D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool1D: 'AveragePooling1D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  Conv2DTranspose: 'Conv2DTranspose',
  Deconvolution2D: 'Conv2DTranspose',
  SeparableConvolution2D: 'SeparableConv2D',
};

/**
 * Layer classes exported by @tessera/layers that have no entry above (layers added
 * since): they load through the generic conversion, so new layers work at once.
 */
function discovered(className: string): LayerFromConfig | undefined {
  for (const value of Object.values(tl)) {
    if (typeof value === 'function' && value.prototype instanceof Layer && (value as unknown as { className?: string }).className === className) {
      if (value === tl.Model || value === tl.Sequential) return undefined;
      const cls = value as unknown as LayerClass;
      const inits: Record<string, string> = {};
      return (config, ctx) => {
        for (const key of Object.keys(config)) if (key.endsWith('_initializer')) inits[key] = 'zeros';
        return standard(cls, { inits })(config, ctx);
      };
    }
  }
  return undefined;
}

/** The `fromConfig` for a Keras class name (a registered one first), or undefined. */
export function layerFactory(className: string): LayerFromConfig | undefined {
  return custom.get(className) ?? BUILT_IN[className] ?? BUILT_IN[ALIASES[className] ?? ''] ?? discovered(className);
}

/** Class names the loaders know (built in, discovered in @tessera/layers, registered). */
export function knownLayerClasses(): string[] {
  const names = new Set([...Object.keys(BUILT_IN), ...custom.keys()]);
  for (const value of Object.values(tl)) {
    if (typeof value === 'function' && value.prototype instanceof Layer) {
      const name = (value as unknown as { className?: string }).className;
      if (name && value !== tl.Model && value !== tl.Sequential && layerFactory(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * An initializer that creates its weights only when the load's budget of values allows
 * it (and, when `zeros` is set, creates zeros: the file's values replace them anyway);
 * it serializes as the initializer it wraps.
 */
export class GuardedInitializer implements Initializer {
  readonly className: string;

  constructor(
    private readonly inner: Initializer,
    private readonly budget: { left: number; file?: string; zeros: boolean },
    private readonly makeZeros: (shape: Shape) => Tensor,
  ) {
    this.className = inner.className;
  }

  call(shape: Shape, dtype?: DType): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    if (!Number.isFinite(size) || size < 0 || size > this.budget.left) {
      throw new ModelFileError('bad_config', `the config asks for a weight of shape [${shape.join(', ')}], more values than the file holds`, {
        file: this.budget.file,
        expected: `at most ${this.budget.left} more values`,
        found: `${size}`,
      });
    }
    this.budget.left -= size;
    return this.budget.zeros ? this.makeZeros(shape) : this.inner.call(shape, dtype);
  }

  getConfig(): Record<string, unknown> {
    return this.inner.getConfig();
  }
}

/** Resolves an initializer from a config value (falling back, with a warning, when unknown). */
export function resolveInitializer(id: unknown, fallback: string, warn: (m: string) => void): Initializer {
  if (id === null || id === undefined) return getInitializer(fallback);
  try {
    return getInitializer(id as never);
  } catch {
    warn(`initializer ${describe(id)} is not supported; '${fallback}' is used (it only matters for training from scratch)`);
    return getInitializer(fallback);
  }
}
