import { getActivation } from '../activations.js';
import type { Layer } from '../engine/layer.js';
import { getRegularizer } from '../regularizers.js';
import type { LayerContext, LayerFromConfig } from './context.js';
import { LayerConfigError } from './errors.js';
import { activationId, camelCase, describeValue, kerasArgs } from './keras_args.js';

/** How the generic conversion treats one layer class's Keras config. */
export interface ConfigSpec {
  /** Initializer arguments and their defaults: resolved through the context (guarded while a file loads). */
  inits?: Record<string, string>;
  /** Keys allowed only with the given (default) values; anything else is unsupported. */
  only?: Record<string, unknown[]>;
  /** Keys that are dropped (after `only` checks). */
  drop?: string[];
  /** Keras key renames applied first (older Keras spellings: `{alpha: 'negative_slope'}`). */
  rename?: Record<string, string>;
  /** Extra conversion of the options. */
  adapt?(args: Record<string, unknown>, config: Record<string, unknown>, ctx: LayerContext): void;
}

/** A layer class whose constructor takes one options object. */
export type LayerClass = new (args: never) => Layer;

/**
 * Keys Keras writes that Tessera accepts and ignores (with a warning where they change
 * anything), besides every `*_constraint` (Tessera has no weight constraints).
 */
const STANDARD_DROPS = ['activity_regularizer', 'lora_rank', 'lora_alpha'];

/** The typed error of a config option Tessera cannot honour. */
export function unsupportedOption(ctx: LayerContext, config: Record<string, unknown>, what: string): LayerConfigError {
  return new LayerConfigError('unsupported', `${ctx.className}: ${what} is not supported by Tessera`, {
    layer: typeof config.name === 'string' ? config.name : undefined,
  });
}

/**
 * The `fromConfig` of a layer class whose options are its Keras config in camelCase
 * ({@link kerasArgs}), with the class's exceptions described by `spec`: which keys hold
 * initializers, which Keras options are only accepted at their default, which are dropped.
 * @example
 * ```ts
 * const denseFromConfig = configFactory(Dense, { inits: { kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros' } });
 * ```
 */
export function configFactory(cls: LayerClass, spec: ConfigSpec = {}): LayerFromConfig {
  return (config, ctx) => {
    const cfg: Record<string, unknown> = { ...config };
    for (const [from, to] of Object.entries(spec.rename ?? {})) {
      if (from in cfg && !(to in cfg)) cfg[to] = cfg[from];
      delete cfg[from];
    }
    for (const [key, allowed] of Object.entries(spec.only ?? {})) {
      if (key in cfg && !allowed.some((a) => JSON.stringify(a) === JSON.stringify(cfg[key]))) {
        throw unsupportedOption(ctx, config, `${key}=${describeValue(cfg[key])}`);
      }
    }
    const constraints = Object.keys(cfg).filter((key) => key.endsWith('_constraint'));
    for (const key of [...STANDARD_DROPS, ...constraints, ...(spec.drop ?? [])]) {
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
          ctx.warn(`${ctx.className} '${String(config.name)}': regularizer ${describeValue(cfg[key])} is not supported and is ignored`);
          cfg[key] = null;
        }
      }
    }
    const args = kerasArgs(cfg);
    for (const [key, fallback] of Object.entries(spec.inits ?? {})) {
      args[camelCase(key)] = ctx.initializer(cfg[key], fallback);
    }
    // Recurrent layers have a second activation, for their gates.
    for (const key of ['activation', 'recurrent_activation']) {
      if (!(key in cfg)) continue;
      const id = activationId(args[camelCase(key)]);
      try {
        getActivation(id as never);
      } catch {
        throw unsupportedOption(ctx, config, `${key} '${id}'`);
      }
      args[camelCase(key)] = id;
    }
    spec.adapt?.(args, config, ctx);
    return new cls(args as never);
  };
}
