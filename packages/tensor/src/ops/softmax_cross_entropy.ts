import { registerGradient } from '../autodiff/registry.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape, shapesEqual } from '../util/shape.js';
import { mul } from './binary.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { expandDims, reshape } from './reshape.js';
import { logSoftmax } from './softmax.js';
import { neg } from './unary.js';

/** Converts a float32 argument of rank >= 1 whose last axis holds the classes. */
function classArg(x: TensorOrLike, arg: string, opName: string): Tensor {
  const t = toTensor(x, arg, opName);
  assertDType(t, ['float32'], arg, opName);
  if (t.rank < 1 || t.shape[t.rank - 1] < 1) {
    throw new ShapeError(`${opName}: expected ${arg} of shape [..., classes] with at least one class but got ${formatShape(t.shape)}`);
  }
  return t;
}

/** Checks that labels have the logits' shape, or throws a ShapeError naming the op. */
function checkLabels(logits: Tensor, labels: Tensor, opName: string): void {
  if (!shapesEqual(logits.shape, labels.shape)) {
    throw new ShapeError(
      `${opName}: expected labels of the logits' shape ${formatShape(logits.shape)} (one value per class) but got ${formatShape(labels.shape)}`,
    );
  }
}

/**
 * Softmax crossentropy from logits in one kernel: `-sum(labels * logSoftmax(logits))`
 * over the last (class) axis, computed per row with a stable log-sum-exp
 * (`sum(labels) * (max + log(sum(exp(logits - max)))) - sum(labels * logits)`), never
 * forming the probabilities. Its gradient for the logits is one more kernel,
 * `dy * (softmax(logits) * sum(labels) - labels)` (`softmax - labels` for one-hot or
 * other labels that sum to 1), again without intermediate tensors.
 *
 * @param labels - class probabilities (one-hot or soft), the shape of `logits`, float32.
 * @param logits - unnormalized log-probabilities `[..., classes]`, float32.
 * @returns the loss per row: `logits`' shape without its last axis.
 * @throws ShapeError when the shapes differ or there are no classes; DTypeError for non-float32.
 * @example
 * ```ts
 * const labels = tensor([[0, 1, 0]]);
 * const logits = tensor([[1, 3, 0]]);
 * softmaxCrossEntropyWithLogits(labels, logits); // [0.1698]
 * ```
 */
export function softmaxCrossEntropyWithLogits(labels: TensorOrLike, logits: TensorOrLike): Tensor {
  const opName = 'softmaxCrossEntropyWithLogits';
  return op(opName, () => {
    const x = classArg(logits, 'logits', opName);
    const l = classArg(labels, 'labels', opName);
    checkLabels(x, l, opName);
    const classes = x.shape[x.rank - 1];
    const rows = [-1, classes];
    const losses = runKernel('SoftmaxCrossEntropyWithLogits', [reshape(x, rows), reshape(l, rows)], {});
    return reshape(losses, x.shape.slice(0, -1));
  });
}

/**
 * The gradient of {@link softmaxCrossEntropyWithLogits} for its logits, given the
 * gradient `dy` of its per-row losses: `dy * (softmax(logits) * sum(labels) - labels)`,
 * row by row. For backend tests and custom training loops; `grads` of the loss calls
 * the same kernel.
 *
 * @param dy - the gradient of the losses: `logits`' shape without its last axis.
 * @param logits - `[..., classes]`, float32.
 * @param labels - the shape of `logits`, float32.
 * @returns the gradient for `logits`, of its shape.
 * @example
 * ```ts
 * softmaxCrossEntropyWithLogitsGrad(tensor([1]), tensor([[0, 0]]), tensor([[1, 0]])); // [[-0.5, 0.5]]
 * ```
 */
export function softmaxCrossEntropyWithLogitsGrad(dy: TensorOrLike, logits: TensorOrLike, labels: TensorOrLike): Tensor {
  const opName = 'softmaxCrossEntropyWithLogitsGrad';
  return op(opName, () => {
    const x = classArg(logits, 'logits', opName);
    const l = classArg(labels, 'labels', opName);
    checkLabels(x, l, opName);
    const g = toTensor(dy, 'dy', opName);
    assertDType(g, ['float32'], 'dy', opName);
    const rowShape = x.shape.slice(0, -1);
    if (!shapesEqual(g.shape, rowShape)) {
      throw new ShapeError(`${opName}: expected dy of shape ${formatShape(rowShape)} (one value per row of logits) but got ${formatShape(g.shape)}`);
    }
    const classes = x.shape[x.rank - 1];
    const rows = [-1, classes];
    const dx = runKernel('SoftmaxCrossEntropyWithLogitsGrad', [reshape(g, [-1]), reshape(x, rows), reshape(l, rows)], {});
    return reshape(dx, x.shape);
  });
}

registerGradient('SoftmaxCrossEntropyWithLogits', (dy, [logits, labels], _y, _attrs, needed) => [
  needed?.[0] === false ? null : runKernel('SoftmaxCrossEntropyWithLogitsGrad', [dy, logits, labels], {}),
  // d loss / d labels = -logSoftmax(logits): rarely needed (labels are data), so plain ops.
  needed?.[1] === false ? null : mul(expandDims(dy, -1), neg(logSoftmax(logits))),
]);
