/**
 * A whole GRU sequence (Keras 3's reset_after) as one node of the tape (see sequence.ts):
 * the `GRUCell` kernel (or its composite) at every timestep, `gruCellGrad` back through time,
 * and the recurrent kernel's and bias's gradients in one product and one sum over all timesteps.
 */
import { getEngine } from '../engine/engine.js';
import type { Tensor } from '../tensor.js';
import { sigmoid, tanh } from './activations.js';
import { add, mul, sub } from './binary.js';
import { checkArgs } from './cell_args.js';
import { concat, split } from './concat.js';
import type { TensorOrLike } from './convert.js';
import { matMul } from './matmul.js';
import { hasKernel, op, runKernelOutputs } from './op.js';
import { gruCellGrad } from './recurrent.js';
import { runSequence, sequenceInput, type SequenceCell, type SequenceOptions } from './sequence.js';

/** The GRU step for `runSequence`: state `[h]`; its gradient reads z, r, hh and hz_h (the `GRUCell` kernel's gates). */
const GRU_CELL: SequenceCell = {
  forward(x, [h], kernel, bias) {
    if (hasKernel('GRUCell')) {
      const [hNext, gates] = runKernelOutputs('GRUCell', [x, h, kernel, bias!], {});
      return { states: [hNext], saved: [gates] };
    }
    return getEngine().tidy(() => {
      const [xz, xr, xh] = split(x, 3, 1);
      const [hzz, hzr, hzh] = split(add(matMul(h, kernel), bias!), 3, 1);
      const z = sigmoid(add(xz, hzz));
      const r = sigmoid(add(xr, hzr));
      const hh = tanh(add(xh, mul(r, hzh)));
      return { states: [add(mul(z, h), mul(sub(1, z), hh))], saved: [concat([z, r, hh, hzh], 1)] };
    });
  },
  backward([dh], [h], [gates]) {
    const [dx, dhz, dhDirect] = gruCellGrad(dh, h, gates);
    return { dx, dhz, dhDirect, dOthers: [] };
  },
};

/**
 * Keras 3's GRU (`reset_after=True`, the default activations) over a whole sequence with no
 * mask: from `xw` (`x @ kernel + inputBias` for every timestep, `[batch, steps, 3 * units]`)
 * and the initial state, runs {@link gruCell}'s step at every timestep. The same values as
 * calling `gruCell` step by step; its gradient is one tape node that runs the steps'
 * gradients back through time and computes the recurrent kernel's gradient in one product
 * and the recurrent bias's in one sum over all timesteps. Differentiable in every input.
 *
 * @param xw - `[batch, steps, 3 * units]`, float32; gates in Keras's order z, r, h.
 * @param h0 - the initial state, `[batch, units]`.
 * @param recurrentKernel - `[units, 3 * units]`.
 * @param recurrentBias - `[3 * units]` (row 1 of Keras's `[2, 3 * units]` bias).
 * @param options - `returnSequences`, `goBackwards`.
 * @returns the last output `[batch, units]`, or with `returnSequences` every output `[batch, steps, units]`.
 * @throws ShapeError naming the argument whose shape does not fit; DTypeError for non-float32.
 * @example
 * ```ts
 * const h = gruSequence(zeros([1, 3, 3]), ones([1, 1]), zeros([1, 3]), zeros([3]));
 * // z = 0.5 and hh = 0 at every step: h halves each time, 1 -> 0.125
 * ```
 */
export function gruSequence(
  xw: TensorOrLike,
  h0: TensorOrLike,
  recurrentKernel: TensorOrLike,
  recurrentBias: TensorOrLike,
  options: SequenceOptions = {},
): Tensor {
  const opName = 'gruSequence';
  return op(opName, () => {
    const [th, tk, tb] = checkArgs(opName, [
      ['h0', h0, ['batch', 'units']],
      ['recurrentKernel', recurrentKernel, ['units', '3 * units']],
      ['recurrentBias', recurrentBias, ['3 * units']],
    ]);
    const txw = sequenceInput(opName, xw, th, 3 * th.shape[1], '3 * units');
    return runSequence(opName, txw, [th], tk, tb, GRU_CELL, options);
  });
}
