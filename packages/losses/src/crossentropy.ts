import {
  DTypeError,
  ShapeError,
  ValueError,
  add,
  clipByValue,
  div,
  equal,
  exp,
  floor,
  greaterEqual,
  less,
  log,
  log1p,
  logSoftmax,
  logicalAnd,
  logicalNot,
  logicalOr,
  mean,
  mul,
  neg,
  notEqual,
  oneHot,
  softmaxCrossEntropyWithLogits,
  squeeze,
  sub,
  sum,
  tidy,
  toTensor,
  util,
  where,
  cast,
  type Tensor,
  type TensorOrLike,
} from '@tessera/tensor';
import {
  EPSILON,
  alignedPair,
  checkBoolean,
  checkIgnoreClass,
  checkLabelSmoothing,
  floatTargets,
  predictions,
  valuesIfSync,
} from './checks.js';
import { logitsOf, type LogitsActivation } from './logits.js';

const fmt = util.formatShape;

/**
 * Options of {@link categoricalCrossentropy}.
 * @example
 * ```ts
 * categoricalCrossentropy(yTrue, logits, { fromLogits: true, labelSmoothing: 0.1 });
 * ```
 */
export interface CategoricalCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default `false`. */
  fromLogits?: boolean;
  /** In `[0, 1]`: the targets become `yTrue * (1 - s) + s / numClasses`. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/**
 * Options of {@link sparseCategoricalCrossentropy}.
 * @example
 * ```ts
 * sparseCategoricalCrossentropy(labels, logits, { fromLogits: true, ignoreClass: -1 });
 * ```
 */
export interface SparseCategoricalCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default `false`. */
  fromLogits?: boolean;
  /** A label value that contributes no loss (e.g. a padding or "void" class). */
  ignoreClass?: number | null;
}

/**
 * Options of {@link binaryCrossentropy}.
 * @example
 * ```ts
 * binaryCrossentropy(yTrue, logits, { fromLogits: true });
 * ```
 */
export interface BinaryCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default `false`. */
  fromLogits?: boolean;
  /** In `[0, 1]`: the targets are squeezed toward 0.5, `yTrue * (1 - s) + s / 2`. Default 0. */
  labelSmoothing?: number;
  /** The axis averaged over. Default -1. */
  axis?: number;
}

/**
 * The tensor to compute from: the logits attached to `yPred` by `attachLogits` when
 * they come from `activation` (Keras uses them whatever `fromLogits` says, since
 * `yPred` then holds probabilities), else `yPred` itself.
 */
function source(yPred: Tensor, activation: LogitsActivation, fromLogits: boolean): { x: Tensor; fromLogits: boolean } {
  const attached = logitsOf(yPred);
  return attached?.activation === activation ? { x: attached.logits, fromLogits: true } : { x: yPred, fromLogits };
}

/**
 * `-sum(target * log p)` over `axis`, with `p` the softmax of logits or clipped,
 * renormalized probabilities. Logits over the last axis take the fused kernel (a stable
 * log-sum-exp per row; its gradient `softmax - target` in one more kernel).
 */
function softmaxCrossentropy(target: Tensor, yPred: Tensor, fromLogits: boolean, axis: number): Tensor {
  const last = axis === yPred.rank - 1;
  const src = last ? source(yPred, 'softmax', fromLogits) : { x: yPred, fromLogits };
  if (src.fromLogits && last) return softmaxCrossEntropyWithLogits(target, src.x);
  if (src.fromLogits) return neg(sum(mul(target, logSoftmax(src.x, axis)), axis));
  const p = clipByValue(div(src.x, sum(src.x, axis, true)), EPSILON, 1 - EPSILON);
  return neg(sum(mul(target, log(p)), axis));
}

function assertSeveralClasses(p: Tensor, axis: number, loss: string): void {
  if (p.shape[axis] === 1) {
    throw new ShapeError(
      `${loss}: expected yPred with 2 or more classes on axis ${axis} but got shape ${fmt(p.shape)}, ` +
        'for which the loss is always 0; for one sigmoid output use binary_crossentropy',
    );
  }
}

/**
 * Crossentropy between one-hot (or soft) labels and predicted class probabilities,
 * summed over the class axis: `-sum(yTrue * log(yPred), axis)`.
 *
 * Probabilities are renormalized and clipped to `[1e-7, 1 - 1e-7]` as in Keras, unless
 * `fromLogits` is set or `yPred` carries softmax logits ({@link attachLogits}): then the
 * loss is computed from the logits (over the last axis, by one fused kernel,
 * `softmaxCrossEntropyWithLogits`), exact even for saturated outputs.
 *
 * @param yTrue - one-hot labels, the shape of `yPred` (int32 and bool are cast to float32).
 * @param yPred - probabilities (or logits with `fromLogits`), float32, e.g. `[batch, classes]`.
 * @returns the per-sample losses: the shape of `yPred` without `axis`.
 * @throws ShapeError when `yTrue` is not the shape of `yPred` (integer labels belong to
 *   {@link sparseCategoricalCrossentropy}); DTypeError when `yPred` is not float32.
 * @example
 * ```ts
 * const yTrue = tensor([[0, 1, 0], [0, 0, 1]]);
 * const yPred = tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
 * categoricalCrossentropy(yTrue, yPred); // [0.0513, 2.3026]
 * ```
 */
export function categoricalCrossentropy(
  yTrue: TensorOrLike,
  yPred: TensorOrLike,
  options: CategoricalCrossentropyOptions = {},
): Tensor {
  const loss = 'categorical_crossentropy';
  const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
  checkBoolean(fromLogits, 'fromLogits', loss);
  checkLabelSmoothing(labelSmoothing, loss);
  return tidy(() => {
    const p = predictions(yPred, loss);
    const ax = util.normalizeAxis(axis, p.rank, loss);
    let target = floatTargets(yTrue, loss);
    if (!util.shapesEqual(target.shape, p.shape)) {
      throw new ShapeError(
        `${loss}: expected yTrue of shape ${fmt(p.shape)} (one-hot, like yPred) but got ${fmt(target.shape)}; ` +
          'for integer class labels use sparse_categorical_crossentropy (or one-hot encode them with oneHot)',
      );
    }
    assertSeveralClasses(p, ax, loss);
    if (labelSmoothing > 0) target = add(mul(target, 1 - labelSmoothing), labelSmoothing / p.shape[ax]);
    return softmaxCrossentropy(target, p, fromLogits, ax);
  });
}

/**
 * Per-sample sparse crossentropy and, with `ignoreClass`, the mask of the samples that
 * count (Keras attaches it to the result; `Loss.compute` averages over those only).
 * @internal
 */
export function sparseCrossentropyWithMask(
  yTrue: TensorOrLike,
  yPred: TensorOrLike,
  options: SparseCategoricalCrossentropyOptions,
): { losses: Tensor; valid?: Tensor } {
  const loss = 'sparse_categorical_crossentropy';
  const { fromLogits = false, ignoreClass = null } = options;
  checkBoolean(fromLogits, 'fromLogits', loss);
  checkIgnoreClass(ignoreClass, loss);
  const p = predictions(yPred, loss);
  const given = toTensor(yTrue, 'yTrue', loss);
  if (given.dtype !== 'int32' && given.dtype !== 'float32') {
    throw new DTypeError(`${loss}: expected yTrue of integer class labels (int32, or float32 holding integers) but got ${given.dtype}`);
  }
  const batchShape = p.shape.slice(0, -1);
  const labels = given.rank === p.rank && given.shape[given.rank - 1] === 1 ? squeeze(given, -1) : given;
  if (!util.shapesEqual(labels.shape, batchShape)) {
    const hint = util.shapesEqual(given.shape, p.shape) ? '; yTrue looks one-hot: use categorical_crossentropy' : '';
    throw new ShapeError(
      `${loss}: expected yTrue of shape ${fmt(batchShape)} or ${fmt([...batchShape, 1])} (integer class labels) ` +
        `for yPred ${fmt(p.shape)} but got ${fmt(given.shape)}${hint}`,
    );
  }
  const numClasses = p.shape[p.rank - 1];
  assertSeveralClasses(p, p.rank - 1, loss);

  // Labels are checked where they can be read for free (the CPU); elsewhere a bad label
  // turns its loss into NaN below instead of silently counting as "no class".
  const values = valuesIfSync(labels);
  if (values) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === ignoreClass) continue;
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
        throw new ValueError(
          `${loss}: expected integer class labels in [0, ${numClasses}) (yPred has ${numClasses} classes) ` +
            `but yTrue holds ${v} at flat index ${i}`,
        );
      }
    }
  }
  const valid = ignoreClass === null ? undefined : notEqual(labels, ignoreClass);
  let indices = labels.dtype === 'int32' ? labels : cast(labels, 'int32');
  if (valid) indices = where(valid, indices, 0);
  let losses = softmaxCrossentropy(oneHot(indices, numClasses), p, fromLogits, p.rank - 1);
  if (!values) {
    let ok = logicalAnd(greaterEqual(labels, 0), less(labels, numClasses));
    if (labels.dtype === 'float32') ok = logicalAnd(ok, equal(floor(labels), labels));
    if (valid) ok = logicalOr(ok, logicalNot(valid));
    losses = where(ok, losses, NaN);
  }
  if (valid) losses = where(valid, losses, 0);
  return { losses, valid };
}

/**
 * Crossentropy between integer class labels and predicted class probabilities (the
 * last axis of `yPred`): `-log(yPred[label])`. Same stability rules as
 * {@link categoricalCrossentropy}: clipped probabilities, or exact from logits when
 * `fromLogits` is set or `yPred` carries softmax logits.
 *
 * @param yTrue - class indices of shape `[batch]` or `[batch, 1]` (int32, or float32
 *   holding integers), each in `[0, numClasses)` or equal to `ignoreClass`.
 * @param yPred - probabilities (or logits), float32 `[batch, numClasses]`.
 * @returns the per-sample losses, shape `[batch]` (0 where the label is `ignoreClass`).
 * @throws ShapeError for one-hot or misshapen labels, ValueError for labels out of range
 *   (checked where the backend reads synchronously; elsewhere their loss is NaN),
 *   DTypeError for bool labels or non-float32 predictions.
 * @example
 * ```ts
 * const yTrue = tensor([1, 2], undefined, 'int32');
 * const yPred = tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
 * sparseCategoricalCrossentropy(yTrue, yPred); // [0.0513, 2.3026]
 * ```
 */
export function sparseCategoricalCrossentropy(
  yTrue: TensorOrLike,
  yPred: TensorOrLike,
  options: SparseCategoricalCrossentropyOptions = {},
): Tensor {
  return tidy(() => sparseCrossentropyWithMask(yTrue, yPred, options).losses);
}

/**
 * Elementwise binary crossentropy: from logits `x` with the stable
 * `max(x, 0) - x * z + log1p(exp(-|x|))`, else on probabilities clipped to `[1e-7, 1 - 1e-7]`.
 */
function sigmoidCrossentropy(target: Tensor, x: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) {
    // `where` rather than relu/abs, so both branches switch together at x = 0 and the
    // gradient there is sigmoid(0) - z exactly.
    const nonNegative = greaterEqual(x, 0);
    const relu = where(nonNegative, x, 0);
    const negAbs = where(nonNegative, neg(x), x);
    return add(sub(relu, mul(x, target)), log1p(exp(negAbs)));
  }
  const p = clipByValue(x, EPSILON, 1 - EPSILON);
  return neg(add(mul(target, log(p)), mul(sub(1, target), log(sub(1, p)))));
}

/**
 * Binary crossentropy averaged over the last axis (as Keras):
 * `mean(-(yTrue * log(yPred) + (1 - yTrue) * log(1 - yPred)), axis)`.
 *
 * Probabilities are clipped to `[1e-7, 1 - 1e-7]`, unless `fromLogits` is set or `yPred`
 * carries sigmoid logits ({@link attachLogits}): then the stable logits form is used.
 *
 * @param yTrue - targets in `[0, 1]`, the shape of `yPred` (`[batch]` meets `[batch, 1]`).
 * @param yPred - probabilities (or logits), float32.
 * @returns the per-sample losses: the shape of `yPred` without `axis`.
 * @example
 * ```ts
 * const yTrue = tensor([[0, 1], [0, 0]]);
 * const yPred = tensor([[0.6, 0.4], [0.4, 0.6]]);
 * binaryCrossentropy(yTrue, yPred); // [0.9163, 0.7136]
 * ```
 */
export function binaryCrossentropy(yTrue: TensorOrLike, yPred: TensorOrLike, options: BinaryCrossentropyOptions = {}): Tensor {
  const loss = 'binary_crossentropy';
  const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
  checkBoolean(fromLogits, 'fromLogits', loss);
  checkLabelSmoothing(labelSmoothing, loss);
  return tidy(() => {
    const src = source(predictions(yPred, loss), 'sigmoid', fromLogits);
    let [target, x] = alignedPair(yTrue, src.x, loss);
    const ax = util.normalizeAxis(axis, x.rank, loss);
    if (labelSmoothing > 0) target = add(mul(target, 1 - labelSmoothing), 0.5 * labelSmoothing);
    return mean(sigmoidCrossentropy(target, x, src.fromLogits), ax);
  });
}
