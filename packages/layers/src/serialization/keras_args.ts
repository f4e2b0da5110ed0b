/** Keys of Keras configs that say nothing Tessera's constructors take. */
const DROPPED = new Set(['dtype', 'module', 'registered_name', 'build_config', 'autocast', 'synchronized', 'sparse', 'ragged', 'batch_size', 'input_dtype']);

/** `kernel_size` -> `kernelSize`, `beta_1` -> `beta1` (Keras config keys to Tessera options). */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

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

/**
 * The activation id of a config value: a string, `null` (linear), or a serialized function
 * (`{class_name: 'function', config: 'relu'}` in Keras 3, `{class_name: 'ReLU', ...}` objects).
 * @example
 * ```ts
 * activationId({ module: 'keras.activations', class_name: 'function', config: 'relu' }); // 'relu'
 * activationId(null); // 'linear'
 * ```
 */
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

/** A config value as JSON, for messages. */
export function describeValue(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
