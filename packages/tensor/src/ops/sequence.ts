// A recurrent cell run over a whole sequence as one node of the tape (lstmSequence,
// gruSequence): the forward pass runs the cell's step kernel at every timestep; the gradient
// walks back through time with the cell's gradient kernel and computes the recurrent kernel's
// gradient in one product over all timesteps, `H_prevᵀ @ dHZ` (`[units, batch * steps] @
// [batch * steps, gates * units]`), and a recurrent bias's in one sum, where the step-by-step
// tape made a product and a sum per step and added them up.
import { getEngine } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../util/shape.js';
import { add } from './binary.js';
import { stack, unstack } from './concat.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { matMul } from './matmul.js';
import { reshape } from './reshape.js';
import { reverse } from './reverse.js';
import { sum } from './reduce.js';

/** Options of the sequence ops. */
export interface SequenceOptions {
  /** Return every step's output `[batch, steps, units]` instead of the last `[batch, units]` (default false). */
  returnSequences?: boolean;
  /** Run the timesteps last to first (Keras's `go_backwards`; outputs in the order they are computed). Default false. */
  goBackwards?: boolean;
}

/** One cell's step and its gradient, as {@link runSequence} uses them. */
export interface SequenceCell {
  /** The states after one step (the output `h` first) from its input, the states before and the weights, and what its gradient reads. */
  forward(x: Tensor, states: readonly Tensor[], kernel: Tensor, bias: Tensor | undefined): { states: Tensor[]; saved: Tensor[] };
  /**
   * One step back from the gradients of the states it made, the states before it and what
   * `forward` saved: the gradient of its input, of the recurrent product's output (what the
   * kernel's gradient multiplies `h` by), of `h` besides through the product, and of the other states.
   */
  backward(dStates: readonly Tensor[], before: readonly Tensor[], saved: readonly Tensor[]): { dx: Tensor; dhz: Tensor; dhDirect?: Tensor; dOthers: Tensor[] };
}

/** Checks a sequence op's `xw`: float32 `[batch, steps >= 1, width]`, batch from `h0`. */
export function sequenceInput(opName: string, xw: TensorOrLike, h0: Tensor, width: number, widthName: string): Tensor {
  const t = toTensor(xw, 'xw', opName);
  assertDType(t, ['float32'], 'xw', opName);
  const batch = h0.shape[0];
  if (t.rank !== 3 || t.shape[0] !== batch || t.shape[2] !== width || t.shape[1] < 1) {
    throw new ShapeError(
      `${opName}: expected xw of shape [batch, steps, ${widthName}] = [${batch}, steps >= 1, ${width}] ` +
        `(batch and units from h0 ${formatShape(h0.shape)}) but got ${formatShape(t.shape)}`,
    );
  }
  return t;
}

/**
 * Runs `cell` over the timesteps of `xw` (`[batch, steps, width]`) from `initial` (`h0`
 * first), off the tape, and records one node whose gradient covers `xw`, the initial states,
 * `kernel` and `bias` (when given: a recurrent bias added to the product, its gradient the
 * sum of `dhz`). Returns the last output, or every output `[batch, steps, units]`.
 */
export function runSequence(
  opName: string,
  xw: Tensor,
  initial: readonly Tensor[],
  kernel: Tensor,
  bias: Tensor | undefined,
  cell: SequenceCell,
  { returnSequences = false, goBackwards = false }: SequenceOptions,
): Tensor {
  const engine = getEngine();
  const [batch, steps] = xw.shape;
  const units = initial[0].shape[1];
  const stateCount = initial.length;
  // Forward, off the tape (the node recorded below stands for it), in the order computed.
  const { value, states, saved } = engine.withoutRecording(() => {
    const inputs = unstack(xw, 1);
    if (goBackwards) inputs.reverse();
    const states: Tensor[][] = [[...initial]];
    const saved: Tensor[][] = [];
    for (const x of inputs) {
      const step = cell.forward(x, states[states.length - 1], kernel, bias);
      states.push(step.states);
      saved.push(step.saved);
    }
    const outputs = states.slice(1).map((s) => s[0]);
    return { value: returnSequences ? stack(outputs, 1) : outputs[steps - 1], states, saved };
  });
  const params = bias ? [kernel, bias] : [kernel];
  const inputs = [xw, ...initial, ...params];
  // Kept for the gradient: every step's states before it and what it saved (the last step's own states are not read).
  const perStep = saved[0].length;
  const kept = [...states.slice(0, steps).flat(), ...saved.flat()];
  engine.record(opName, [...inputs, ...kept], [value], { returnSequences, goBackwards }, (dy, all, _y, _attrs, needed = []) => {
    const base = inputs.length;
    const before = (t: number) => all.slice(base + t * stateCount, base + (t + 1) * stateCount);
    const savedOf = (t: number) => all.slice(base + steps * stateCount + t * perStep, base + steps * stateCount + (t + 1) * perStep);
    const k = all[1 + stateCount];
    const dOut = returnSequences ? unstack(dy, 1) : undefined;
    const dx: Tensor[] = new Array(steps);
    const dhz: Tensor[] = new Array(steps);
    let dh: Tensor | undefined;
    let dOthers: Tensor[] | undefined;
    for (let t = steps - 1; t >= 0; t--) {
      // This step's output gradient: from the op's output, and from the next step.
      const fromOut = dOut ? dOut[t] : t === steps - 1 ? dy : undefined;
      const dhT = fromOut && dh ? add(fromOut, dh) : (fromOut ?? dh)!;
      const prev = before(t);
      const mine = savedOf(t);
      const dStates = [dhT, ...(dOthers ?? prev.slice(1).map((s) => zerosLike(s)))];
      const back = cell.backward(dStates, prev, mine);
      dx[t] = back.dx;
      dhz[t] = back.dhz;
      dOthers = back.dOthers;
      dh = t > 0 || needed[1] !== false ? matMul(back.dhz, k, false, true) : undefined;
      if (dh && back.dhDirect) dh = add(dh, back.dhDirect);
    }
    const dxAll = stack(dx, 1);
    const dhzRows = dhz.length === 1 ? dhz[0] : reshape(stack(dhz, 1), [batch * steps, dhz[0].shape[1]]);
    const kIndex = 1 + stateCount;
    const dKernel =
      needed[kIndex] !== false
        ? matMul(reshape(stack(Array.from({ length: steps }, (_, t) => before(t)[0]), 1), [batch * steps, units]), dhzRows, true, false)
        : null;
    const dBias = bias && needed[kIndex + 1] !== false ? sum(dhzRows, 0) : null;
    const dInitial = [needed[1] !== false ? (dh ?? null) : null, ...(dOthers ?? []).map((d, i) => (needed[2 + i] !== false ? d : null))];
    return [goBackwards ? reverse(dxAll, 1) : dxAll, ...dInitial, dKernel, ...(bias ? [dBias] : [])];
  });
  return value;
}
