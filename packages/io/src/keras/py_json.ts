// JSON for Python readers: JavaScript has one number type, so `1` and `1.0` print alike, but
// Keras checks `isinstance(x, float)` for some hyperparameters (`SGD(momentum=0)` loaded from
// `"momentum": 0` fails: "momentum must be a float"). Keys whose values Keras always holds as
// floats are written with a decimal point when they are whole numbers.

/** Config keys that are floats wherever Keras writes them (optimizers, normalization layers). */
const FLOAT_KEYS = new Set([
  'learning_rate',
  'momentum',
  'rho',
  'epsilon',
  'beta_1',
  'beta_2',
  'weight_decay',
  'clipnorm',
  'clipvalue',
  'global_clipnorm',
  'ema_momentum',
  'initial_accumulator_value',
  'loss_scale_factor',
]);

const MARK = '\u0000float:';

/**
 * `JSON.stringify` for files Keras reads: whole-number values of float hyperparameters are
 * written as `1.0`, not `1`, so Python reads them back as floats.
 * @example
 * ```ts
 * pythonJson({ momentum: 0, nesterov: false }); // '{"momentum":0.0,"nesterov":false}'
 * ```
 */
export function pythonJson(value: unknown): string {
  const text = JSON.stringify(value, (key, v: unknown) => (typeof v === 'number' && Number.isInteger(v) && FLOAT_KEYS.has(key) ? `${MARK}${v}` : v));
  // JSON.stringify escapes the mark's NUL as \u0000; only our marked strings can hold it.
  return text.replace(/"\\u0000float:(-?\d+)"/g, '$1.0');
}
