import { ConcurrentUseError } from '../errors.js';
import type { Model } from '../engine/model.js';

/** The call each model is running now (`fit`, `evaluate`, `trainOnBatch`), if any. */
const running = new WeakMap<Model, string>();

/**
 * Runs `body` as the model's only `fit`/`evaluate`/`trainOnBatch`: a second one started
 * before it ends is refused with a {@link ConcurrentUseError} (they would share the
 * optimizer's state, the metrics and the stop flag). `predict` stays allowed: it is
 * synchronous, so it always sees the weights between two steps.
 */
export async function exclusive<T>(model: Model, what: string, body: () => Promise<T>): Promise<T> {
  const busy = running.get(model);
  if (busy) {
    throw new ConcurrentUseError(
      `model '${model.name}' is already running ${busy}(); ${what}() was refused: a model runs fit, evaluate and trainOnBatch ` +
        `one at a time (await the running call first; to train in parallel, use separate models)`,
    );
  }
  running.set(model, what);
  try {
    return await body();
  } finally {
    running.delete(model);
  }
}

/** The call the model is running now, if any. */
export function runningCall(model: Model): string | undefined {
  return running.get(model);
}
