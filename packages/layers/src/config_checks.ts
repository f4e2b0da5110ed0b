import { ValueError } from '@tessera/tensor';

/**
 * Type checks of the values in a Keras layer config, by key, before any layer is built
 * from it: a file that stores `epsilon` as a string, `units` as `"4"` or `axis` as `1.5`
 * fails here with the layer and the key named, instead of loading and failing later in
 * some op. Keys mean the same in every Keras layer that has them, so one table serves all
 * classes (the few exceptions are listed per class); `null` is Keras's "use the default" and always passes; unknown keys pass
 * (the layer's own constructor judges them).
 */

type Check = (v: unknown) => boolean;

const MAX_SIZE = 2 ** 31 - 1;
// A plain string (MAX_SIZE spelled out): a template with a variable in it is code that bundlers keep.
const POSITIVE_SIZE = 'a positive integer (at most 2147483647)';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isSize = (v: unknown) => isInt(v) && v > 0 && v <= MAX_SIZE;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const listOf = (item: Check): Check => (v) => Array.isArray(v) && v.every(item);
const oneOrList = (item: Check): Check => (v) => item(v) || listOf(item)(v);
const nested = (item: Check): Check => (v) => item(v) || (Array.isArray(v) && v.every(nested(item)));

const RULES: Record<string, [Check, string]> = {
  name: [(v) => typeof v === 'string', 'a string'],
  trainable: [(v) => typeof v === 'boolean', 'a boolean'],
  units: [isSize, POSITIVE_SIZE],
  filters: [isSize, POSITIVE_SIZE],
  depth_multiplier: [isSize, POSITIVE_SIZE],
  groups: [isSize, POSITIVE_SIZE],
  kernel_size: [/* @__PURE__ */ oneOrList(isSize), 'a positive integer or a list of them'],
  strides: [/* @__PURE__ */ oneOrList(isSize), 'a positive integer or a list of them'],
  pool_size: [/* @__PURE__ */ oneOrList(isSize), 'a positive integer or a list of them'],
  dilation_rate: [/* @__PURE__ */ oneOrList(isSize), 'a positive integer or a list of them'],
  size: [/* @__PURE__ */ oneOrList(isSize), 'a positive integer or a list of them'],
  epsilon: [(v) => isFiniteNumber(v) && v > 0, 'a positive number'],
  momentum: [(v) => isFiniteNumber(v) && v >= 0 && v <= 1, 'a number in [0, 1]'],
  rate: [(v) => isFiniteNumber(v) && v >= 0 && v < 1, 'a number in [0, 1)'],
  center: [(v) => typeof v === 'boolean', 'a boolean'],
  scale: [(v) => typeof v === 'boolean', 'a boolean'],
  use_bias: [(v) => typeof v === 'boolean', 'a boolean'],
  axis: [/* @__PURE__ */ oneOrList(isInt), 'an integer or a list of integers'],
  padding: [(v) => typeof v === 'string' || nested((x) => isInt(x) && x >= 0)(v), "'valid', 'same' or non-negative integers"],
  cropping: [/* @__PURE__ */ nested((x) => isInt(x) && x >= 0), 'non-negative integers'],
  data_format: [(v) => v === 'channels_last' || v === 'channels_first', "'channels_last' or 'channels_first'"],
  target_shape: [/* @__PURE__ */ listOf((x) => isInt(x) && (x > 0 || x === -1)), 'a list of positive integers (or -1)'],
  dims: [/* @__PURE__ */ listOf((x) => isInt(x) && x > 0), 'a list of positive integers'],
  factor: [/* @__PURE__ */ oneOrList(isFiniteNumber), 'a number or a list of numbers'],
  height_factor: [/* @__PURE__ */ oneOrList(isFiniteNumber), 'a number or a list of numbers'],
  width_factor: [/* @__PURE__ */ oneOrList(isFiniteNumber), 'a number or a list of numbers'],
  activation: [(v) => typeof v === 'string' || (typeof v === 'object' && !Array.isArray(v)), 'an activation name'],
  batch_input_shape: [/* @__PURE__ */ listOf((x) => x === null || (isInt(x) && x >= 0)), 'a list of non-negative integers or null'],
  batch_shape: [/* @__PURE__ */ listOf((x) => x === null || (isInt(x) && x >= 0)), 'a list of non-negative integers or null'],
};

/** Where a class gives a key another meaning than the table above (Rescaling's `scale` is a factor). */
const CLASS_RULES: Record<string, Record<string, [Check, string]>> = {
  Rescaling: {
    scale: [/* @__PURE__ */ oneOrList(isFiniteNumber), 'a number or a list of numbers'],
    offset: [/* @__PURE__ */ oneOrList(isFiniteNumber), 'a number or a list of numbers'],
  },
};

function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Checks the value types of a Keras layer config (snake_case keys, as in the file).
 * @param className - the layer's Keras class, for the message.
 * @throws ValueError naming the layer, the key, what was expected and what was found.
 * @example
 * ```ts
 * checkLayerConfig('BatchNormalization', { name: 'bn', epsilon: '0.001' });
 * // ValueError: layer 'bn' (BatchNormalization): config key 'epsilon' must be a positive number but got the string "0.001"
 * ```
 */
export function checkLayerConfig(className: string, config: Record<string, unknown>): void {
  const name = typeof config.name === 'string' ? config.name : '?';
  for (const [key, value] of Object.entries(config)) {
    const rule = CLASS_RULES[className]?.[key] ?? RULES[key];
    if (!rule || value === null || value === undefined) continue;
    const [ok, expected] = rule;
    if (!ok(value)) {
      throw new ValueError(`layer '${name}' (${className}): config key '${key}' must be ${expected} but got ${describe(value)}`);
    }
  }
}
