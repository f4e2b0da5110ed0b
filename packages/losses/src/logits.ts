import { ShapeError, Tensor, ValueError, util } from '@tessera/tensor';

/**
 * The activation that turned attached logits into the output it is attached to.
 * @example
 * ```ts
 * const activation: LogitsActivation = 'softmax';
 * ```
 */
export type LogitsActivation = 'softmax' | 'sigmoid';

/**
 * What {@link logitsOf} returns: the pre-activation tensor and the activation applied to it.
 * @example
 * ```ts
 * const { logits, activation }: AttachedLogits = logitsOf(probs)!;
 * ```
 */
export interface AttachedLogits {
  readonly logits: Tensor;
  readonly activation: LogitsActivation;
}

// Keyed by the output handle, so an entry never outlives the output; tensors are
// immutable, so the logits stay the right ones for as long as the output exists.
const attached = new WeakMap<Tensor, AttachedLogits>();

/**
 * Records that `output` is `activation(logits)` (softmax over the last axis, or an
 * elementwise sigmoid), as Keras does with `_keras_logits`. Crossentropy losses that
 * receive `output` then compute from the logits, so the loss and its gradient stay
 * exact and finite even when the probabilities saturate to 0 or 1. The layers package
 * calls this when a softmax or sigmoid activation produces a model output. The logits
 * must stay alive while `output` is used in a loss; if they were disposed, the loss
 * falls back to the (clipped) probabilities.
 *
 * @param output - the probabilities (`softmax(logits)` or `sigmoid(logits)`).
 * @param logits - the tensor the activation was applied to; same shape as `output`.
 * @param activation - `'softmax'` (over the last axis) or `'sigmoid'`.
 * @returns `output`, for chaining.
 * @example
 * ```ts
 * const logits = matMul(x, kernel);
 * const probs = attachLogits(softmax(logits), logits, 'softmax');
 * categoricalCrossentropy(yTrue, probs); // computed as -sum(yTrue * logSoftmax(logits))
 * ```
 */
export function attachLogits(output: Tensor, logits: Tensor, activation: LogitsActivation): Tensor {
  if (!(output instanceof Tensor) || !(logits instanceof Tensor)) {
    throw new ValueError('attachLogits: expected output and logits to be Tensors');
  }
  if (activation !== 'softmax' && activation !== 'sigmoid') {
    throw new ValueError(`attachLogits: expected activation 'softmax' or 'sigmoid' but got '${String(activation)}'`);
  }
  if (!util.shapesEqual(output.shape, logits.shape)) {
    throw new ShapeError(
      `attachLogits: expected logits of the output's shape ${util.formatShape(output.shape)} but got ${util.formatShape(logits.shape)}`,
    );
  }
  attached.set(output, { logits, activation });
  return output;
}

/**
 * The logits attached to `t` by {@link attachLogits}, or `undefined` when none are
 * (or when they have been disposed since).
 *
 * @example
 * ```ts
 * const probs = attachLogits(sigmoid(z), z, 'sigmoid');
 * logitsOf(probs); // { logits: z, activation: 'sigmoid' }
 * logitsOf(z);     // undefined
 * ```
 */
export function logitsOf(t: Tensor): AttachedLogits | undefined {
  const entry = attached.get(t);
  return entry && !entry.logits.isDisposed ? entry : undefined;
}
