/**
 * A whole LSTM sequence as one node of the tape (see sequence.ts): the `LSTMCell` kernel (or
 * its composite) at every timestep, `lstmCellGrad` back through time, and the recurrent
 * kernel's gradient in one product over all timesteps.
 */
import { getEngine } from '../engine/engine.js';
import type { Tensor } from '../tensor.js';
import { sigmoid, tanh } from './activations.js';
import { add, mul } from './binary.js';
import { checkArgs } from './cell_args.js';
import { concat, split } from './concat.js';
import type { TensorOrLike } from './convert.js';
import { matMul } from './matmul.js';
import { hasKernel, op, runKernelOutputs } from './op.js';
import { lstmCellGrad } from './recurrent.js';
import { runSequence, sequenceInput, type SequenceCell, type SequenceOptions } from './sequence.js';

/** The LSTM step for `runSequence`: states `[h, c]`; its gradient reads the gate activations i, f, g, o and `c'`. */
const LSTM_CELL: SequenceCell = {
  forward(x, [h, c], kernel) {
    if (hasKernel('LSTMCell')) {
      const [hNext, cNext, gates] = runKernelOutputs('LSTMCell', [x, h, c, kernel], {});
      return { states: [hNext, cNext], saved: [gates, cNext] };
    }
    return getEngine().tidy(() => {
      const [zi, zf, zc, zo] = split(add(x, matMul(h, kernel)), 4, 1);
      const [i, f, g, o] = [sigmoid(zi), sigmoid(zf), tanh(zc), sigmoid(zo)];
      const cNext = add(mul(f, c), mul(i, g));
      return { states: [mul(o, tanh(cNext)), cNext], saved: [concat([i, f, g, o], 1), cNext] };
    });
  },
  backward([dh, dc], [, c], [gates, cNext]) {
    const [dz, dcPrev] = lstmCellGrad(dh, dc, c, gates, cNext);
    return { dx: dz, dhz: dz, dOthers: [dcPrev] };
  },
};

/**
 * Keras's LSTM over a whole sequence with the default activations (tanh, sigmoid) and no
 * mask: from `xw` (`x @ kernel + bias` for every timestep, `[batch, steps, 4 * units]`)
 * and the initial states, runs {@link lstmCell}'s step at every timestep. The same values as
 * calling `lstmCell` step by step; its gradient is one tape node that runs the steps'
 * gradients back through time and computes the recurrent kernel's gradient in one product
 * over all timesteps (the step-by-step tape makes one per step and adds them), so a
 * training step takes fewer, larger products. Differentiable in every input.
 *
 * @param xw - `[batch, steps, 4 * units]`, float32; gates in Keras's order i, f, c, o.
 * @param h0 - the initial output, `[batch, units]`.
 * @param c0 - the initial cell state, `[batch, units]`.
 * @param recurrentKernel - `[units, 4 * units]` (Keras's `recurrent_kernel`).
 * @param options - `returnSequences`, `goBackwards`.
 * @returns the last output `[batch, units]`, or with `returnSequences` every output `[batch, steps, units]`.
 * @throws ShapeError naming the argument whose shape does not fit; DTypeError for non-float32.
 * @example
 * ```ts
 * const units = 2;
 * const h = lstmSequence(zeros([1, 3, 4 * units]), zeros([1, units]), zeros([1, units]), zeros([units, 4 * units]));
 * // every gate is 0.5 or tanh(0) = 0 at every step: c stays 0, so h = [[0, 0]]
 * ```
 */
export function lstmSequence(
  xw: TensorOrLike,
  h0: TensorOrLike,
  c0: TensorOrLike,
  recurrentKernel: TensorOrLike,
  options: SequenceOptions = {},
): Tensor {
  const opName = 'lstmSequence';
  return op(opName, () => {
    const [th, tc, tk] = checkArgs(opName, [
      ['h0', h0, ['batch', 'units']],
      ['c0', c0, ['batch', 'units']],
      ['recurrentKernel', recurrentKernel, ['units', '4 * units']],
    ]);
    const txw = sequenceInput(opName, xw, th, 4 * th.shape[1], '4 * units');
    return runSequence(opName, txw, [th, tc], tk, undefined, LSTM_CELL, options);
  });
}
