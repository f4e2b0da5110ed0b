/**
 * The recurrent cells: one timestep of Keras's LSTM and GRU, the recurrent product and
 * the whole cell update in one kernel (`LSTMCell`, `GRUCell`), where the same step op by
 * op is about fifteen kernels and as many tensors. A layer computes `x @ kernel + bias`
 * for the whole sequence at once and hands each step its slice as `xw`.
 *
 * A backend that lacks a cell kernel runs the same step as those separate ops (the
 * composite below); likewise for the gradient kernels. Both paths compute the same
 * values; the conformance suite checks each against a float64 reference.
 */
import { registerOutputsGradient } from '../autodiff/registry.js';
import { GradientError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { sigmoid, tanh } from './activations.js';
import { add, mul, sub } from './binary.js';
import { concat, split } from './concat.js';
import { checkArgs } from './cell_args.js';
import type { TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { matMul } from './matmul.js';
import { hasKernel, op, runKernelOutputs } from './op.js';
import { sum } from './reduce.js';
import { square } from './unary.js';

/**
 * One step of Keras's LSTM (its `LSTMCell` with the default activations): with
 * `z = xw + h @ recurrentKernel` split into the gates in Keras's order i, f, c, o,
 * `i = sigmoid(z_i)`, `f = sigmoid(z_f)`, `g = tanh(z_c)`, `o = sigmoid(z_o)`,
 * `cNext = f*c + i*g` and `hNext = o*tanh(cNext)` (`sigmoid` the exact logistic, as
 * Keras 3's). One kernel where the backend has `LSTMCell`: the product runs on its GEMM
 * and the cell update is applied as the product's rows are written; the kernel saves
 * the gate activations for the gradient. Differentiable in every input.
 *
 * @param xw - this step's `x @ kernel + bias`, `[batch, 4 * units]`, float32.
 * @param h - the previous output, `[batch, units]`.
 * @param c - the previous cell state, `[batch, units]`.
 * @param recurrentKernel - `[units, 4 * units]` (Keras's `recurrent_kernel`).
 * @returns `[hNext, cNext]`, each `[batch, units]`.
 * @throws ShapeError naming the argument whose shape does not fit; DTypeError for non-float32.
 * @example
 * ```ts
 * const units = 2;
 * const [h1, c1] = lstmCell(zeros([1, 4 * units]), zeros([1, units]), ones([1, units]), zeros([units, 4 * units]));
 * // every gate is sigmoid(0) or tanh(0): c1 = 0.5 * 1 + 0.5 * 0 = 0.5, h1 = 0.5 * tanh(0.5)
 * ```
 */
export function lstmCell(xw: TensorOrLike, h: TensorOrLike, c: TensorOrLike, recurrentKernel: TensorOrLike): [Tensor, Tensor] {
  const opName = 'lstmCell';
  return op(opName, () => {
    const args = checkArgs(opName, [
      ['h', h, ['batch', 'units']],
      ['xw', xw, ['batch', '4 * units']],
      ['c', c, ['batch', 'units']],
      ['recurrentKernel', recurrentKernel, ['units', '4 * units']],
    ]);
    const [th, txw, tc, tk] = args;
    if (hasKernel('LSTMCell')) {
      const [hNext, cNext] = runKernelOutputs('LSTMCell', [txw, th, tc, tk], {});
      return [hNext, cNext];
    }
    const [zi, zf, zc, zo] = split(add(txw, matMul(th, tk)), 4, 1);
    const i = sigmoid(zi);
    const f = sigmoid(zf);
    const g = tanh(zc);
    const cNext = add(mul(f, tc), mul(i, g));
    return [mul(sigmoid(zo), tanh(cNext)), cNext];
  });
}

/**
 * The gradient of {@link lstmCell}'s cell update: from the gradients `dh` and `dc` of
 * `hNext` and `cNext`, the gradient `dz` of the pre-activations `z` (also that of `xw`;
 * `h`'s is `dz @ recurrentKernelᵀ`, the kernel's `hᵀ @ dz`) and `dcPrev` of `c`. With
 * `t = tanh(cNext)` and `dcAll = dc + dh*o*(1 - t²)`: `dz_i = dcAll*g*i(1-i)`,
 * `dz_f = dcAll*c*f(1-f)`, `dz_c = dcAll*i*(1-g²)`, `dz_o = dh*t*o(1-o)`,
 * `dcPrev = dcAll*f`. One kernel where the backend has `LSTMCellGrad`. For backend tests
 * and custom loops; `grads` through `lstmCell` calls it.
 *
 * @param dh - the gradient of `hNext`, `[batch, units]`.
 * @param dc - the gradient of `cNext`, `[batch, units]`.
 * @param c - the step's input cell state, `[batch, units]`.
 * @param gates - the activations i, f, g, o, `[batch, 4 * units]` (the `LSTMCell` kernel's third output).
 * @param cNext - the step's new cell state, `[batch, units]`.
 * @returns `[dz, dcPrev]`: `[batch, 4 * units]` and `[batch, units]`.
 * @throws ShapeError naming the argument whose shape does not fit; DTypeError for non-float32.
 * @example
 * ```ts
 * const [dz, dc] = lstmCellGrad(ones([1, 1]), zeros([1, 1]), zeros([1, 1]), fill([1, 4], 0.5), zeros([1, 1]));
 * // dcAll = 0.5: dz = [[0.0625, 0, 0.1875, 0]], dc = [[0.25]]
 * ```
 */
export function lstmCellGrad(dh: TensorOrLike, dc: TensorOrLike, c: TensorOrLike, gates: TensorOrLike, cNext: TensorOrLike): [Tensor, Tensor] {
  const opName = 'lstmCellGrad';
  return op(opName, () => {
    const [tdh, tdc, tc, tg, tcn] = checkArgs(opName, [
      ['dh', dh, ['batch', 'units']],
      ['dc', dc, ['batch', 'units']],
      ['c', c, ['batch', 'units']],
      ['gates', gates, ['batch', '4 * units']],
      ['cNext', cNext, ['batch', 'units']],
    ]);
    if (hasKernel('LSTMCellGrad')) {
      const [dz, dcPrev] = runKernelOutputs('LSTMCellGrad', [tdh, tdc, tc, tg, tcn], {});
      return [dz, dcPrev];
    }
    const [i, f, g, o] = split(tg, 4, 1);
    const t = tanh(tcn);
    const dcAll = add(tdc, mul(mul(tdh, o), sub(1, square(t))));
    const dz = concat(
      [
        mul(mul(dcAll, g), mul(i, sub(1, i))),
        mul(mul(dcAll, tc), mul(f, sub(1, f))),
        mul(mul(dcAll, i), sub(1, square(g))),
        mul(mul(tdh, t), mul(o, sub(1, o))),
      ],
      1,
    );
    return [dz, mul(dcAll, f)];
  });
}

registerOutputsGradient('LSTMCell', ([dh, dc, dGates], [, h, c, kernel], [hNext, cNext, gates], _attrs, needed) => {
  if (dGates) throw new GradientError("lstmCell: the 'gates' output of LSTMCell is saved for its gradient and is not differentiable");
  const [dz, dcPrev] = lstmCellGrad(dh ?? zerosLike(hNext), dc ?? zerosLike(cNext), c, gates, cNext);
  return [
    dz,
    needed?.[1] === false ? null : matMul(dz, kernel, false, true),
    needed?.[2] === false ? null : dcPrev,
    needed?.[3] === false ? null : matMul(h, dz, true, false),
  ];
});

/**
 * One step of Keras's GRU with `reset_after=True` (Keras 3's default; its `GRUCell` with
 * the default activations): `hz = h @ recurrentKernel + recurrentBias`, gates in Keras's
 * order z, r, h: `z = sigmoid(xw_z + hz_z)`, `r = sigmoid(xw_r + hz_r)`,
 * `hh = tanh(xw_h + r * hz_h)`, `hNext = z*h + (1-z)*hh`. One kernel where the backend
 * has `GRUCell` (it saves z, r, hh and hz_h for the gradient). Differentiable in every input.
 *
 * @param xw - this step's `x @ kernel + inputBias`, `[batch, 3 * units]`, float32.
 * @param h - the previous state, `[batch, units]`.
 * @param recurrentKernel - `[units, 3 * units]`.
 * @param recurrentBias - `[3 * units]` (row 1 of Keras's `[2, 3 * units]` bias).
 * @returns `hNext`, `[batch, units]`.
 * @throws ShapeError naming the argument whose shape does not fit; DTypeError for non-float32.
 * @example
 * ```ts
 * const hNext = gruCell(zeros([1, 3]), ones([1, 1]), zeros([1, 3]), zeros([3]));
 * // z = 0.5, hh = 0: hNext = 0.5 * 1 + 0.5 * 0 = 0.5
 * ```
 */
export function gruCell(xw: TensorOrLike, h: TensorOrLike, recurrentKernel: TensorOrLike, recurrentBias: TensorOrLike): Tensor {
  const opName = 'gruCell';
  return op(opName, () => {
    const [th, txw, tk, tb] = checkArgs(opName, [
      ['h', h, ['batch', 'units']],
      ['xw', xw, ['batch', '3 * units']],
      ['recurrentKernel', recurrentKernel, ['units', '3 * units']],
      ['recurrentBias', recurrentBias, ['3 * units']],
    ]);
    if (hasKernel('GRUCell')) return runKernelOutputs('GRUCell', [txw, th, tk, tb], {})[0];
    const [xz, xr, xh] = split(txw, 3, 1);
    const [hzz, hzr, hzh] = split(add(matMul(th, tk), tb), 3, 1);
    const z = sigmoid(add(xz, hzz));
    const r = sigmoid(add(xr, hzr));
    const hh = tanh(add(xh, mul(r, hzh)));
    return add(mul(z, th), mul(sub(1, z), hh));
  });
}

/**
 * The gradient of {@link gruCell}'s update: from the gradient `dh` of `hNext`, with
 * `dhh = dh*(1-z)*(1-hh²)`, `dz = dh*(h-hh)*z(1-z)`, `dr = dhh*hz_h*r(1-r)`: `dxw = [dz, dr, dhh]`,
 * `dhz = [dz, dr, dhh*r]` (the gradient of `h @ recurrentKernel + recurrentBias`) and
 * `dh*z`, `h`'s direct part (its whole gradient adds `dhz @ recurrentKernelᵀ`). One
 * kernel where the backend has `GRUCellGrad`. For backend tests and custom loops.
 *
 * @param dh - `[batch, units]`.
 * @param h - the step's input state, `[batch, units]`.
 * @param gates - z, r, hh and hz_h, `[batch, 4 * units]` (the `GRUCell` kernel's second output).
 * @returns `[dxw, dhz, dhDirect]`: `[batch, 3 * units]`, `[batch, 3 * units]`, `[batch, units]`.
 * @throws ShapeError naming the argument whose shape does not fit; DTypeError for non-float32.
 * @example
 * ```ts
 * const [dxw, dhz, dhDirect] = gruCellGrad(ones([1, 1]), ones([1, 1]), tensor([[0.5, 0.5, 0, 0]]));
 * // dxw = [[0.25, 0, 0.5]], dhz = [[0.25, 0, 0.25]], dhDirect = [[0.5]]
 * ```
 */
export function gruCellGrad(dh: TensorOrLike, h: TensorOrLike, gates: TensorOrLike): [Tensor, Tensor, Tensor] {
  const opName = 'gruCellGrad';
  return op(opName, () => {
    const [tdh, th, tg] = checkArgs(opName, [
      ['dh', dh, ['batch', 'units']],
      ['h', h, ['batch', 'units']],
      ['gates', gates, ['batch', '4 * units']],
    ]);
    if (hasKernel('GRUCellGrad')) {
      const [dxw, dhz, dhDirect] = runKernelOutputs('GRUCellGrad', [tdh, th, tg], {});
      return [dxw, dhz, dhDirect];
    }
    const [z, r, hh, hzh] = split(tg, 4, 1);
    const dz = mul(mul(tdh, sub(th, hh)), mul(z, sub(1, z)));
    const dhh = mul(mul(tdh, sub(1, z)), sub(1, square(hh)));
    const dr = mul(mul(dhh, hzh), mul(r, sub(1, r)));
    return [concat([dz, dr, dhh], 1), concat([dz, dr, mul(dhh, r)], 1), mul(tdh, z)];
  });
}

registerOutputsGradient('GRUCell', ([dh, dGates], [, h, kernel], [hNext, gates], _attrs, needed) => {
  if (dGates) throw new GradientError("gruCell: the 'gates' output of GRUCell is saved for its gradient and is not differentiable");
  const [dxw, dhz, dhDirect] = gruCellGrad(dh ?? zerosLike(hNext), h, gates);
  return [
    dxw,
    needed?.[1] === false ? null : add(dhDirect, matMul(dhz, kernel, false, true)),
    needed?.[2] === false ? null : matMul(h, dhz, true, false),
    needed?.[3] === false ? null : sum(dhz, 0),
  ];
});
