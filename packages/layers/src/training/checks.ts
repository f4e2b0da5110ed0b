import { NonFiniteError, ValueError, getEngine, type Tensor } from '@tessera/tensor';
import type { Data, Model } from '../engine/model.js';
import { asList, sampleCount } from './data.js';

/**
 * Checks of what `fit`, `evaluate`, `predict` and `trainOnBatch` are given, done once per
 * call before any work: options (each error names the option), empty data, and NaN or
 * Infinity in inputs and targets.
 */

/** Largest batch, epoch or step count accepted: beyond it a typo, not a request (2^31 - 1). */
const MAX_COUNT = 2 ** 31 - 1;

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
}

/** `value` must be an integer in `[min, 2^31 - 1]` (undefined: the default). */
export function checkCount(where: string, name: string, value: unknown, min: 0 | 1): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_COUNT) {
    const kind = min === 1 ? 'a positive integer' : 'a non-negative integer';
    throw new ValueError(`${where}: ${name} must be ${kind}${typeof value === 'number' && value > MAX_COUNT ? ` of at most ${MAX_COUNT}` : ''} but got ${describe(value)}`);
  }
}

/** Checks the options every data call shares, plus the ones named in `extra`. */
export function checkOptions(where: string, args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw new ValueError(`${where}: options must be an object but got ${describe(args)}`);
  const a = args as Record<string, unknown>;
  checkCount(where, 'batchSize', a.batchSize, 1);
  if (a.verbose !== undefined && a.verbose !== 0 && a.verbose !== 1 && a.verbose !== 2) {
    throw new ValueError(`${where}: verbose must be 0, 1 or 2 but got ${describe(a.verbose)}`);
  }
  if (a.checkFinite !== undefined && typeof a.checkFinite !== 'boolean') {
    throw new ValueError(`${where}: checkFinite must be a boolean but got ${describe(a.checkFinite)}`);
  }
  return a;
}

/** The options of `fit`, checked up front. */
export function checkFitOptions(where: string, args: unknown): void {
  const a = checkOptions(where, args);
  checkCount(where, 'epochs', a.epochs, 0);
  checkCount(where, 'initialEpoch', a.initialEpoch, 0);
  checkCount(where, 'stepsPerEpoch', a.stepsPerEpoch, 1);
  checkCount(where, 'validationBatchSize', a.validationBatchSize, 1);
  checkCount(where, 'validationFreq', a.validationFreq, 1);
  const split = a.validationSplit;
  if (split !== undefined && (typeof split !== 'number' || !(split >= 0 && split < 1))) {
    throw new ValueError(`${where}: validationSplit must be a number in [0, 1) but got ${describe(split)}`);
  }
  if (a.shuffle !== undefined && typeof a.shuffle !== 'boolean') throw new ValueError(`${where}: shuffle must be a boolean but got ${describe(a.shuffle)}`);
  if (a.callbacks !== undefined && !Array.isArray(a.callbacks)) throw new ValueError(`${where}: callbacks must be an array but got ${describe(a.callbacks)}`);
  if (a.random !== undefined && typeof a.random !== 'function') throw new ValueError(`${where}: random must be a function () => number but got ${describe(a.random)}`);
  const vd = a.validationData;
  if (vd !== undefined && (!Array.isArray(vd) || vd.length !== 2)) {
    throw new ValueError(`${where}: validationData must be [x, y] but got ${describe(vd)}`);
  }
}

/** Refuses data without samples (Keras fits nothing and evaluates to zeros: a silent wrong answer). */
export function requireSamples(where: string, groups: Record<string, Tensor[]>): void {
  for (const [name, list] of Object.entries(groups)) {
    list.forEach((t, i) => {
      if (t.rank > 0 && t.shape[0] === 0) {
        const label = list.length > 1 ? `${name}[${i}]` : name;
        throw new ValueError(`${where}: ${label} has no samples (shape [${t.shape.join(', ')}]); expected at least one`);
      }
    });
  }
}

/**
 * The inputs and targets of `evaluate` or `trainOnBatch`, as lists, after every check:
 * matching sample counts, at least one sample, and (unless `checkFinite: false`) no NaN
 * or Infinity.
 */
export async function checkedData(
  where: string,
  model: Model,
  x: Data,
  y: Data,
  checkFinite: boolean | undefined,
): Promise<{ xs: Tensor[]; ys: Tensor[]; n: number }> {
  const xs = asList(x, 'x', model.name);
  const ys = asList(y, 'y', model.name);
  const n = sampleCount({ x: xs, y: ys }, model.name);
  requireSamples(where, { x: xs, y: ys });
  if (checkFinite ?? true) await assertFinite(where, { x: xs, y: ys });
  return { xs, ys, n };
}

/**
 * The buffers already found finite. The values under a buffer never change (tensors are
 * immutable; a variable's `assign` moves it to another buffer), so each is scanned once: a
 * batch given to `trainOnBatch` again, or `x` given to `fit` epoch after epoch, is not read
 * again. Weak: an entry goes with its buffer.
 */
const checkedFinite = new WeakSet<object>();

/**
 * Throws a {@link NonFiniteError} naming the array and the first index holding NaN or
 * Infinity. One linear pass over each float array's values, read once: on the CPU backend
 * that is the array itself, on a GPU one a download. (A device-side reduction such as
 * `sum(x * 0)` would stay on the GPU, but WGSL leaves NaN and Infinity to the
 * implementation, and shader compilers may fold `x * 0` to 0: it could miss them.)
 */
export async function assertFinite(where: string, groups: Record<string, Tensor[]>): Promise<void> {
  for (const [name, list] of Object.entries(groups)) {
    for (const [k, t] of list.entries()) {
      if (t.dtype !== 'float32' || t.size === 0) continue;
      const dataId = t.dataId;
      if (checkedFinite.has(dataId)) continue;
      // Looked at, not kept: no copy of the values (a dataset's worth on every fit call).
      const data = (await getEngine().readView(t)) as Float32Array;
      if (allFinite(data)) {
        checkedFinite.add(dataId);
        continue;
      }
      let i = 0;
      // v - v is 0 for finite v, NaN for NaN and +-Infinity.
      while (i < data.length && data[i] - data[i] === 0) i++;
      if (i < data.length) {
        throw new NonFiniteError(
          `${where}: ${list.length > 1 ? `${name}[${k}]` : name} holds ${String(data[i])} at index [${unravel(i, t.shape).join(', ')}] ` +
            '(expected finite numbers; clean the data, or pass {checkFinite: false} to skip this check)',
        );
      }
    }
  }
}

/**
 * Whether every value is finite, from their sum in float64: finite float32 values cannot
 * overflow it (n * 3.4e38 stays far below 1.8e308), while a NaN or an infinity makes it
 * NaN or infinite. Two running sums, no branch per element: about twice as fast as
 * testing each value.
 */
function allFinite(data: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  const pairs = data.length - 1;
  let i = 0;
  for (; i < pairs; i += 2) {
    s0 += data[i];
    s1 += data[i + 1];
  }
  if (i < data.length) s0 += data[i];
  return Number.isFinite(s0 + s1);
}

/** The multi-index of a flat index. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return out;
}
