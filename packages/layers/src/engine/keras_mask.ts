import { getEngine, type Tensor } from '@tessera/tensor';
import type { Mask } from './layer.js';

/**
 * The Keras mask tied to a tensor by the layer that made it (Keras's `x._keras_mask`): layers
 * called eagerly read their input's mask from here and tie their output's, so a mask made by
 * `Embedding({ maskZero: true })` or `Masking` reaches the recurrent layers of a chain of
 * calls (a custom layer's `call`, say) as it does in a model. Undefined where there is none.
 * The mask lives exactly as long as its tensor: it is disposed with it, and a tensor kept or
 * returned from a `tidy` keeps its mask.
 *
 * @example
 * ```ts
 * const embed = new Embedding({ inputDim: 10, outputDim: 4, maskZero: true });
 * const x = embed.apply(tensor([[3, 1, 0, 0]], [1, 4], 'int32')) as Tensor;
 * getKerasMask(x)?.arraySync(); // [[true, true, false, false]]
 * new LSTM({ units: 8 }).apply(x); // skips the two padded steps
 * ```
 */
export function getKerasMask(t: Tensor): Tensor | undefined {
  return t.attached;
}

/**
 * Ties `mask` (a bool tensor, false at padded steps) to `t`, as Keras's
 * `backend.set_keras_mask`: the next layer called on `t` uses it. A copy of the handle is
 * tied, so `mask` itself may be disposed; `undefined` removes the tie.
 *
 * @example
 * ```ts
 * setKerasMask(sequence, notEqual(tokens, 0)); // an LSTM applied to `sequence` skips the zeros
 * ```
 */
export function setKerasMask(t: Tensor, mask: Tensor | undefined): void {
  getEngine().attach(t, mask);
}

/** The masks tied to `inputs` (one tensor or several), in the shape of the inputs; undefined when none has one. */
export function kerasMasksOf(inputs: Tensor | Tensor[]): Mask {
  if (!Array.isArray(inputs)) return inputs.attached;
  const masks = inputs.map((t) => t.attached);
  return masks.some((m) => m !== undefined) ? masks : undefined;
}

/**
 * Ties each of `outputs` the mask `mask` has for it (one mask, or one per output), leaving
 * masks already there; then disposes the masks the call made (those not among `previous`,
 * the masks it was given): each output holds a handle of its own.
 */
export function tieKerasMasks(outputs: Tensor | Tensor[], mask: Mask, previous: Mask): void {
  if (mask === undefined) return;
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const masks = Array.isArray(mask) ? mask : list.map(() => mask);
  list.forEach((t, i) => {
    const m = masks[i];
    if (m !== undefined && t.attached === undefined && m !== t) setKerasMask(t, m);
  });
  const given = new Set(Array.isArray(previous) ? previous : [previous]);
  for (const m of Array.isArray(mask) ? mask : [mask]) if (m !== undefined && !given.has(m) && !list.includes(m)) m.dispose();
}
