import type { Layer } from '../engine/layer.js';
import type { Initializer } from '../initializers.js';

/**
 * What a layer's `fromConfig` gets besides the config: where it is loading from, a way
 * to warn, and helpers for nested objects.
 */
export interface LayerContext {
  /** The Keras class name in the config. */
  readonly className: string;
  /** The file being loaded, for messages (absent outside a file load). */
  readonly file?: string;
  /** Reports something that loads but not exactly as in Keras (default: `console.warn`). */
  warn(message: string): void;
  /**
   * Resolves an initializer identifier from a config (an unknown one falls back, with a
   * warning). While a file loads, weights are created through a wrapper that checks their
   * size against what the file can supply (so a corrupted `units: 1e12` fails with a typed
   * error instead of allocating).
   */
  initializer(id: unknown, fallback: string): Initializer;
  /** Builds a nested layer or model from its `{class_name, config}` (for wrapper layers). */
  deserialize(spec: unknown): Layer;
}

/** Builds a Tessera layer from the `config` object Keras stores for it. */
export type LayerFromConfig = (config: Record<string, unknown>, context: LayerContext) => Layer;
