import {
  BackendError,
  DTypeError,
  ShapeError,
  ValueError,
  cast,
  div,
  equal,
  expandDims,
  squeeze,
  toTensor,
  util,
  where,
  type Tensor,
  type TensorOrLike,
  type TypedArray,
} from '@tessera/tensor';

/**
 * Keras's `backend.epsilon()`: probabilities are clipped to `[EPSILON, 1 - EPSILON]`.
 * @example
 * ```ts
 * -Math.log(EPSILON); // 16.118: the most a clipped crossentropy can charge per sample
 * ```
 */
export const EPSILON = 1e-7;

const fmt = util.formatShape;

/** `yPred` as a float32 tensor of rank >= 1, or a typed error naming the loss. */
export function predictions(yPred: TensorOrLike, loss: string): Tensor {
  const t = toTensor(yPred, 'yPred', loss);
  if (t.dtype !== 'float32') {
    throw new DTypeError(`${loss}: expected yPred of dtype float32 (the model's output) but got ${t.dtype}`);
  }
  if (t.rank === 0) {
    throw new ShapeError(`${loss}: expected yPred of rank >= 1 (the loss reduces its last axis) but got a scalar`);
  }
  return t;
}

/** `yTrue` as float32: int32 and bool targets are cast, as Keras does. */
export function floatTargets(yTrue: TensorOrLike, loss: string): Tensor {
  const t = toTensor(yTrue, 'yTrue', loss);
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by one and the
 * longer shape ends in 1, that axis is dropped (or, against a rank-1 tensor, a
 * matching axis is added), so `[batch]` meets `[batch, 1]`.
 */
export function squeezeOrExpandToSameRank(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 ? [a, expandDims(b, -1)] : [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 ? [expandDims(a, -1), b] : [a, squeeze(b, -1)];
  }
  return [a, b];
}

/**
 * Converts and aligns the arguments of an elementwise loss; they must then have one
 * shape (no silent broadcasting: `[32, 1]` against `[32, 10]` is a bug, not a loss).
 */
export function alignedPair(yTrue: TensorOrLike, yPred: TensorOrLike, loss: string): [Tensor, Tensor] {
  const p = predictions(yPred, loss);
  const target = floatTargets(yTrue, loss);
  const [t, q] = squeezeOrExpandToSameRank(target, p);
  if (!util.shapesEqual(t.shape, q.shape)) {
    throw new ShapeError(`${loss}: expected yTrue of the shape of yPred ${fmt(p.shape)} but got ${fmt(target.shape)}`);
  }
  return [t, q];
}

/**
 * The values of `t` if its backend can read them synchronously (the CPU can), else
 * `undefined` (a GPU backend): validation that needs values runs where it is free.
 */
export function valuesIfSync(t: Tensor): TypedArray | undefined {
  try {
    return t.dataSync();
  } catch (e) {
    if (e instanceof BackendError) return undefined;
    throw e;
  }
}

/** `a / b`, and 0 where `b` is 0 (with a gradient free of NaN there too). */
export function divNoNan(a: Tensor | number, b: Tensor): Tensor {
  const zero = equal(b, 0);
  return where(zero, 0, div(a, where(zero, 1, b)));
}

// ---- option checks, shared by the functions and the classes

/** Throws unless `value` is a boolean. */
export function checkBoolean(value: unknown, option: string, who: string): void {
  if (typeof value !== 'boolean') throw new ValueError(`${who}: expected ${option} to be a boolean but got ${String(value)}`);
}

/** Throws unless `s` is a label smoothing in `[0, 1]`. */
export function checkLabelSmoothing(s: unknown, who: string): void {
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) {
    throw new ValueError(`${who}: expected labelSmoothing in [0, 1] but got ${String(s)}`);
  }
}

/** Throws unless `value` is an integer or null. */
export function checkIgnoreClass(value: unknown, who: string): void {
  if (value !== null && !Number.isInteger(value)) {
    throw new ValueError(`${who}: expected ignoreClass to be an integer or null but got ${String(value)}`);
  }
}

/** Throws unless `delta` is a positive finite number. */
export function checkDelta(delta: unknown, who: string): void {
  if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0) {
    throw new ValueError(`${who}: expected delta to be a positive number but got ${String(delta)}`);
  }
}
