/**
 * A whole LSTM sequence as one node of the tape: the forward pass runs {@link lstmCell}'s
 * step (the `LSTMCell` kernel, or its composite) for every timestep, and the gradient walks
 * back through time with `lstmCellGrad`, then computes the recurrent kernel's gradient in
 * one product over all timesteps, `H_prevᵀ @ dZ` (`[units, batch * steps] @ [batch * steps,
 * 4 * units]`), where the step-by-step tape made one product per timestep and added them.
 * It also leaves out the tape's per-step bookkeeping (slices, a node per step, their sums).
 */
import { getEngine } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../util/shape.js';
import { sigmoid, tanh } from './activations.js';
import { add, mul } from './binary.js';
import { checkArgs } from './cell_args.js';
import { concat, split, stack, unstack } from './concat.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { matMul } from './matmul.js';
import { hasKernel, op, runKernelOutputs } from './op.js';
import { lstmCellGrad } from './recurrent.js';
import { reshape } from './reshape.js';
import { reverse } from './reverse.js';

/** Options of {@link lstmSequence}. */
export interface LstmSequenceOptions {
  /** Return every step's output `[batch, steps, units]` instead of the last `[batch, units]` (default false). */
  returnSequences?: boolean;
  /** Run the timesteps last to first (Keras's `go_backwards`; outputs in the order they are computed). Default false. */
  goBackwards?: boolean;
}

/** One step and its gate activations i, f, g, o (`[batch, 4 * units]`, what `lstmCellGrad` reads). */
function stepWithGates(xw: Tensor, h: Tensor, c: Tensor, kernel: Tensor): [Tensor, Tensor, Tensor] {
  if (hasKernel('LSTMCell')) {
    const [hNext, cNext, gates] = runKernelOutputs('LSTMCell', [xw, h, c, kernel], {});
    return [hNext, cNext, gates];
  }
  return getEngine().tidy(() => {
    const [zi, zf, zc, zo] = split(add(xw, matMul(h, kernel)), 4, 1);
    const [i, f, g, o] = [sigmoid(zi), sigmoid(zf), tanh(zc), sigmoid(zo)];
    const cNext = add(mul(f, c), mul(i, g));
    return [mul(o, tanh(cNext)), cNext, concat([i, f, g, o], 1)] as [Tensor, Tensor, Tensor];
  });
}

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
  options: LstmSequenceOptions = {},
): Tensor {
  const opName = 'lstmSequence';
  const { returnSequences = false, goBackwards = false } = options;
  return op(opName, () => {
    const [th, tc, tk] = checkArgs(opName, [
      ['h0', h0, ['batch', 'units']],
      ['c0', c0, ['batch', 'units']],
      ['recurrentKernel', recurrentKernel, ['units', '4 * units']],
    ]);
    const txw = toTensor(xw, 'xw', opName);
    assertDType(txw, ['float32'], 'xw', opName);
    const [batch, units] = th.shape;
    if (txw.rank !== 3 || txw.shape[0] !== batch || txw.shape[2] !== 4 * units || txw.shape[1] < 1) {
      throw new ShapeError(
        `${opName}: expected xw of shape [batch, steps, 4 * units] = [${batch}, steps >= 1, ${4 * units}] ` +
          `(batch and units from h0 ${formatShape(th.shape)}) but got ${formatShape(txw.shape)}`,
      );
    }
    const engine = getEngine();
    const steps = txw.shape[1];
    // Forward, off the tape (the node below stands for it): the states and gates of each step, in the order computed.
    const { value, hs, cs, gates } = engine.withoutRecording(() => {
      const inputs = unstack(txw, 1);
      if (goBackwards) inputs.reverse();
      const hs = [th];
      const cs = [tc];
      const gates: Tensor[] = [];
      for (const x of inputs) {
        const [h, c, g] = stepWithGates(x, hs[hs.length - 1], cs[cs.length - 1], tk);
        hs.push(h);
        cs.push(c);
        gates.push(g);
      }
      return { value: returnSequences ? stack(hs.slice(1), 1) : hs[steps], hs, cs, gates };
    });
    // Saved on the tape for the gradient: the kernel, then each step's input output, cell states (steps + 1) and gates.
    const saved = [tk, ...hs.slice(0, steps), ...cs, ...gates];
    engine.record(opName, [txw, th, tc, tk, ...saved], [value], { returnSequences, goBackwards }, (dy, inputs, _y, _attrs, needed = []) => {
      const kernel = inputs[4];
      const hPrev = inputs.slice(5, 5 + steps);
      const cAll = inputs.slice(5 + steps, 6 + 2 * steps);
      const gAll = inputs.slice(6 + 2 * steps);
      const dOut = returnSequences ? unstack(dy, 1) : undefined;
      const dz: Tensor[] = new Array(steps);
      let dh: Tensor | undefined;
      let dc: Tensor | undefined;
      for (let t = steps - 1; t >= 0; t--) {
        // The gradient of this step's output: from the layer's output, and from the next step through the kernel.
        const fromOut = dOut ? dOut[t] : t === steps - 1 ? dy : undefined;
        const dhT = fromOut && dh ? add(fromOut, dh) : (fromOut ?? dh)!;
        const [dzT, dcPrev] = lstmCellGrad(dhT, dc ?? zerosLike(cAll[t + 1]), cAll[t], gAll[t], cAll[t + 1]);
        dz[t] = dzT;
        dc = dcPrev;
        dh = t > 0 || needed[1] !== false ? matMul(dzT, kernel, false, true) : undefined;
      }
      const dzAll = stack(dz, 1);
      const dKernel = needed[3] !== false
        ? matMul(reshape(stack(hPrev, 1), [batch * steps, units]), reshape(dzAll, [batch * steps, 4 * units]), true, false)
        : null;
      return [goBackwards ? reverse(dzAll, 1) : dzAll, dh ?? null, needed[2] !== false ? dc! : null, dKernel];
    });
    return value;
  });
}
