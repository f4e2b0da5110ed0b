import type { Model } from '@tessera/layers';
import { ModelFileError } from './errors.js';
import { compileConfig, compileFromKeras } from './keras/training.js';

/**
 * A compiled model's `compile` arguments as Keras 3 writes them (the `compile_config` of a
 * `.keras` file's config.json: optimizer with its config, loss, metrics, loss weights), as plain
 * JSON. With {@link modelToJSON} and the weights it describes a trainable model completely, e.g.
 * to train it in a Web Worker (`@tessera/worker`).
 * @throws ModelFileError (`bad_config`) when the model is not compiled.
 * @example
 * ```ts
 * model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 * const config = modelCompileConfig(model); // { optimizer: { class_name: 'RMSprop', ... }, loss: 'categorical_crossentropy', ... }
 * ```
 */
export function modelCompileConfig(model: Model): Record<string, unknown> {
  if (!model.compiled) throw new ModelFileError('bad_config', `${model.name} is not compiled: there is no compile config to write`);
  return JSON.parse(JSON.stringify(compileConfig(model))) as Record<string, unknown>;
}

/**
 * Compiles `model` from a Keras `compile_config` (what {@link modelCompileConfig} returns, or a
 * `.keras` file's) or a legacy `training_config`: optimizer, loss, metrics and loss weights.
 * @param options - `onWarning` receives what could not be restored exactly (default `console.warn`).
 * @throws ModelFileError when the optimizer or the loss cannot be restored.
 * @example
 * ```ts
 * const copy = modelFromJSON(modelToJSON(model));
 * compileFromConfig(copy, modelCompileConfig(model));
 * ```
 */
export function compileFromConfig(model: Model, config: Record<string, unknown>, options: { onWarning?: (message: string) => void } = {}): void {
  compileFromKeras(model, config, options.onWarning ?? ((m) => console.warn(m)));
}
