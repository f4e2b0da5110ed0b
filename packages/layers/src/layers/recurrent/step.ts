// The math of one timestep of each cell, in one function per cell type, on tensors from
// existing ops (so backpropagation through time runs on the tape, on every backend). The input
// projection `xw_t` (the step's slice of `x · kernel + bias`) is computed for the whole sequence
// in one product before the loop; a step adds the recurrent product and applies the gates.
// The shapes are those of the fused `lstmCell` / `gruCell` kernels, which take over the
// tanh/sigmoid cases; these functions stay the general path (any activation, dropout).
import { add, concat, gruCell, lstmCell, matMul, mul, slice, split, sub, type Tensor } from '@tessera/tensor';
import { getActivation, type ActivationFn } from '../../activations.js';

/** Activations of a cell: `activation` (candidate, output) and `recurrentActivation` (gates). */
export interface StepActivations {
  activation: ActivationFn;
  recurrentActivation: ActivationFn;
}

const TANH = /* @__PURE__ */ getActivation('tanh');
const SIGMOID = /* @__PURE__ */ getActivation('sigmoid');

/** Keras's default activations, which the fused step kernels compute (one kernel a step). */
export function fusable(fns: StepActivations): boolean {
  return fns.activation === TANH && fns.recurrentActivation === SIGMOID;
}

/** The columns `[gate * units, (gate + 1) * units)` of a `[rows, k * units]` matrix. */
export function gateColumns(x: Tensor, gate: number, units: number, gates = 1): Tensor {
  return slice(x, [0, gate * units], [x.shape[0], gates * units]);
}

/**
 * `h · recurrentKernel`, or with recurrent dropout (one mask per gate, as Keras's
 * implementation 1) `concat_g((h * mask_g) · recurrentKernel[:, g])`.
 */
function recurrentProduct(h: Tensor, recurrentKernel: Tensor, masks: readonly Tensor[] | undefined, gates: number): Tensor {
  if (!masks) return matMul(h, recurrentKernel);
  const columns = split(recurrentKernel, gates, 1);
  return concat(columns.map((k, g) => matMul(mul(h, masks[g]), k)), 1);
}

/**
 * One SimpleRNN step: `activation(xw_t + (h · recurrentKernel))`.
 * @param xw - `[batch, units]`: the step's `x · kernel + bias`.
 * @param h - `[batch, units]`: the previous output.
 * @param recurrentMask - recurrent dropout mask on `h`, when training with `recurrentDropout`.
 */
export function simpleRnnStep(xw: Tensor, h: Tensor, recurrentKernel: Tensor, activation: ActivationFn, recurrentMask?: Tensor): Tensor {
  return activation(add(xw, matMul(recurrentMask ? mul(h, recurrentMask) : h, recurrentKernel)));
}

/**
 * One LSTM step, gates in Keras's order i, f, c, o:
 * `z = xw_t + h · recurrentKernel`, `c' = f * c + i * activation(z_c)`, `h' = o * activation(c')`.
 * @param xw - `[batch, 4 * units]`: the step's `x · kernel + bias`.
 * @param h - `[batch, units]`; `c` - `[batch, units]`: the previous output and carry.
 * @param recurrentKernel - `[units, 4 * units]`.
 * @param recurrentMasks - with recurrent dropout, one mask on `h` per gate.
 * @returns `[h', c']`.
 */
export function lstmStep(
  xw: Tensor,
  h: Tensor,
  c: Tensor,
  recurrentKernel: Tensor,
  fns: StepActivations,
  recurrentMasks?: readonly Tensor[],
): [Tensor, Tensor] {
  if (!recurrentMasks && fusable(fns)) return lstmCell(xw, h, c, recurrentKernel);
  // The gates by one split (one tape node, its gradient one concat), not a slice each.
  const [zi, zf, zc, zo] = split(add(xw, recurrentProduct(h, recurrentKernel, recurrentMasks, 4)), 4, 1);
  const i = fns.recurrentActivation(zi);
  const f = fns.recurrentActivation(zf);
  const g = fns.activation(zc);
  const o = fns.recurrentActivation(zo);
  const cNext = add(mul(f, c), mul(i, g));
  return [mul(o, fns.activation(cNext)), cNext];
}

/**
 * One GRU step, gates in Keras's order z (update), r (reset), h (candidate):
 * `h' = z * h + (1 - z) * activation(x_h + r ⊙ ...)`.
 * With `resetAfter` (Keras's default), the reset gate multiplies `h · R_h + b_h`
 * (`recurrentBias` is the second row of the `[2, 3 * units]` bias); without it, it multiplies
 * `h` before `· R_h` (and there is no recurrent bias).
 * @param xw - `[batch, 3 * units]`: the step's `x · kernel + inputBias`.
 * @param h - `[batch, units]`: the previous output.
 * @param recurrentKernel - `[units, 3 * units]`.
 * @param recurrentBias - `[3 * units]` (reset-after with a bias only).
 * @param recurrentMasks - with recurrent dropout, one mask on `h` per gate.
 */
export function gruStep(
  xw: Tensor,
  h: Tensor,
  recurrentKernel: Tensor,
  recurrentBias: Tensor | undefined,
  fns: StepActivations,
  resetAfter = true,
  recurrentMasks?: readonly Tensor[],
): Tensor {
  if (resetAfter && recurrentBias && !recurrentMasks && fusable(fns)) return gruCell(xw, h, recurrentKernel, recurrentBias);
  const units = h.shape[1];
  // Gates by one split each (one tape node, its gradient one concat), not a slice each.
  const [xz, xr, xh] = split(xw, 3, 1);
  const [kzr, kh] = resetAfter ? [recurrentKernel, recurrentKernel] : split(recurrentKernel, [2 * units, units], 1);
  let inner = recurrentProduct(h, kzr, recurrentMasks, resetAfter ? 3 : 2);
  if (resetAfter && recurrentBias) inner = add(inner, recurrentBias);
  const [iz, ir, ih] = split(inner, resetAfter ? 3 : 2, 1);
  const z = fns.recurrentActivation(add(xz, iz));
  const r = fns.recurrentActivation(add(xr, ir));
  const hMasked = recurrentMasks ? mul(h, recurrentMasks[2]) : h;
  const rh = resetAfter ? mul(r, ih) : matMul(mul(r, hMasked), kh);
  const candidate = fns.activation(add(xh, rh));
  return add(mul(z, h), mul(sub(1, z), candidate));
}
