import { ModelCheckpoint } from '@tessera/io';
import { Callback, CSVLogger, EarlyStopping, History, TerminateOnNaN, type EarlyStoppingOptions } from '@tessera/layers';
import { ScaleError } from './errors.js';

/** The Keras callbacks a job can run: `keras.callbacks.<class_name>(**config)`. */
export type KerasCallbackClass = 'History' | 'EarlyStopping' | 'ModelCheckpoint' | 'CSVLogger' | 'TerminateOnNaN';

/**
 * A Keras callback as the job's train.py builds it: Keras's class name and its arguments in
 * Keras's (snake_case) spelling. `ModelCheckpoint` files land in the job's `checkpoints/`
 * output folder and `CSVLogger` files in its output folder (only the base name is kept).
 * @example
 * ```ts
 * const spec: KerasCallbackSpec = { class_name: 'EarlyStopping', config: { monitor: 'val_loss', patience: 2 } };
 * ```
 */
export interface KerasCallbackSpec {
  /** The class in `keras.callbacks`. */
  class_name: KerasCallbackClass;
  /** Its constructor's keyword arguments. */
  config: Record<string, unknown>;
}

const MAPPED: readonly KerasCallbackClass[] = ['History', 'EarlyStopping', 'ModelCheckpoint', 'CSVLogger', 'TerminateOnNaN'];

/** Drops the keys whose value is undefined (Keras then uses its default). */
function defined(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
}

/** Reads the constructor options a callback keeps to itself (their values are what Keras needs). */
function kept<T>(callback: Callback): T {
  return callback as unknown as T;
}

function checkpointSpec(filepath: string, saveWeightsOnly: boolean, config: Record<string, unknown>): KerasCallbackSpec {
  const ending = saveWeightsOnly ? '.weights.h5' : '.keras';
  if (!filepath.endsWith(ending)) {
    throw new ScaleError('bad_spec', `ModelCheckpoint: Keras 3 expects a filepath ending in '${ending}' (saveWeightsOnly: ${saveWeightsOnly}) but got '${filepath}'`);
  }
  return { class_name: 'ModelCheckpoint', config: defined({ filepath, save_weights_only: saveWeightsOnly, ...config }) };
}

/**
 * The Keras callback a Tessera callback becomes in the job: `History`, `EarlyStopping`,
 * `ModelCheckpoint` (from `@tessera/io`), `CSVLogger` and `TerminateOnNaN` map with their
 * options; a callback that runs JavaScript (`LambdaCallback`, `LearningRateScheduler`) cannot
 * travel to Python and is an error. A {@link KerasCallbackSpec} passes through, checked.
 * @throws {@link ScaleError} `bad_spec` for a callback that does not map.
 * @example
 * ```ts
 * kerasCallback(new EarlyStopping({ monitor: 'val_loss', patience: 2 }));
 * // { class_name: 'EarlyStopping', config: { monitor: 'val_loss', patience: 2, min_delta: 0, ... } }
 * ```
 */
export function kerasCallback(callback: Callback | KerasCallbackSpec): KerasCallbackSpec {
  if (!(callback instanceof Callback)) {
    if (!callback || !MAPPED.includes(callback.class_name) || typeof callback.config !== 'object') {
      throw new ScaleError('bad_spec', `expected a Keras callback spec with class_name one of ${MAPPED.join(', ')} but got ${JSON.stringify(callback)}`);
    }
    if (callback.class_name === 'ModelCheckpoint') {
      const { filepath, save_weights_only: weightsOnly, ...rest } = callback.config;
      return checkpointSpec(String(filepath), weightsOnly === true, rest);
    }
    return { class_name: callback.class_name, config: { ...callback.config } };
  }
  if (callback instanceof History) return { class_name: 'History', config: {} };
  if (callback instanceof TerminateOnNaN) return { class_name: 'TerminateOnNaN', config: {} };
  if (callback instanceof EarlyStopping) {
    const o = kept<{ options: EarlyStoppingOptions }>(callback).options;
    return {
      class_name: 'EarlyStopping',
      config: defined({
        monitor: callback.monitor,
        min_delta: callback.minDelta,
        patience: callback.patience,
        verbose: o.verbose,
        mode: o.mode,
        baseline: o.baseline,
        restore_best_weights: o.restoreBestWeights,
        start_from_epoch: o.startFromEpoch,
      }),
    };
  }
  if (callback instanceof CSVLogger) {
    const o = kept<{ separator: string; append: boolean }>(callback);
    return { class_name: 'CSVLogger', config: { filename: callback.filename, separator: o.separator, append: o.append } };
  }
  if (callback instanceof ModelCheckpoint) {
    const o = kept<{ mode: string; verbose: number }>(callback);
    return checkpointSpec(callback.filepath, callback.saveWeightsOnly, {
      monitor: callback.monitor,
      verbose: o.verbose,
      save_best_only: callback.saveBestOnly,
      mode: o.mode,
      save_freq: callback.saveFreq,
    });
  }
  throw new ScaleError(
    'bad_spec',
    `callback ${callback.constructor.name} cannot run in the Keras job: expected one of ${MAPPED.join(', ')} ` +
      '(a callback that runs JavaScript cannot travel to Python)',
  );
}
