import { DTypeError, ShapeError, ValueError, applyAdam, applyRMSProp, applySGD, type Tensor } from '@tessera/tensor';
import { adamStep, rmspropStep, sgdStep, updateOutput, type RefTensor, type UpdateStep } from '../reference/index.js';
import { ints, rand, vals } from './inputs.js';
import type { ErrorCase, InputSpec, KernelCases, ValueCase } from './types.js';

/** The new variable and slots an update op returns, by name. */
type Updated = Record<string, Tensor | undefined>;

/**
 * One value case per output of an update (the variable, then each slot, in input order):
 * the op returns that output of `run`, the reference that output of the float64 `step`.
 */
function eachOutput(title: string, outputs: readonly string[], inputs: readonly InputSpec[], run: (...xs: Tensor[]) => Updated, step: UpdateStep): ValueCase[] {
  return outputs.map((name, k) => ({
    name: `${title}: new ${name}`,
    inputs,
    op: (...xs: Tensor[]) => run(...xs)[name]!,
    ref: (...xs: RefTensor[]) => updateOutput(xs, step, k),
  }));
}

// Slots that hold squares (velocities) are drawn positive, averages small enough that
// a centered RMSprop's `velocity - average²` stays well above zero.
const W = (shape: number[]) => rand(shape, [-1, 1]);
const G = W;
const SQUARES = (shape: number[]) => rand(shape, [0.05, 1]);
const AVERAGE = (shape: number[]) => rand(shape, [-0.1, 0.1]);
const ZEROS = vals([0, 0, 0, 0, 0, 0], [2, 3]);

const sgd = (lr: number, mu: number, nesterov: boolean) => ({
  run: (w: Tensor, g: Tensor, m?: Tensor) => applySGD({ variable: w, gradient: g, momentum: m }, { learningRate: lr, momentum: mu, nesterov }),
  step: sgdStep(lr, mu, nesterov),
});

const adam = (alpha: number, b1: number, b2: number, eps: number, amsgrad: boolean) => ({
  run: (w: Tensor, g: Tensor, m: Tensor, v: Tensor, vHat?: Tensor) =>
    applyAdam({ variable: w, gradient: g, m, v, vHat }, { alpha, beta1: b1, beta2: b2, epsilon: eps, amsgrad }),
  step: adamStep(alpha, b1, b2, eps, amsgrad),
});

const rmsprop = (lr: number, rho: number, mu: number, eps: number, centered: boolean) => ({
  run: (w: Tensor, g: Tensor, velocity: Tensor, ...rest: Tensor[]) =>
    applyRMSProp(
      { variable: w, gradient: g, velocity, momentum: mu > 0 ? rest[0] : undefined, averageGradient: centered ? rest[mu > 0 ? 1 : 0] : undefined },
      { learningRate: lr, rho, momentum: mu, epsilon: eps, centered },
    ),
  step: rmspropStep(lr, rho, mu, eps, centered),
});

const plainSgd = sgd(0.1, 0, false);
const momentumSgd = sgd(0.05, 0.9, false);
const nesterovSgd = sgd(0.05, 0.8, true);
const plainAdam = adam(0.01, 0.9, 0.999, 1e-7, false);
// alpha after t = 1 at lr 0.1 with b1 0.8, b2 0.9: lr * sqrt(1 - 0.9) / (1 - 0.8).
const firstAdam = adam((0.1 * Math.sqrt(0.1)) / 0.2, 0.8, 0.9, 1e-3, false);
const amsAdam = adam(0.02, 0.9, 0.5, 1e-7, true);
const plainRms = rmsprop(0.01, 0.9, 0, 1e-7, false);
const momentumRms = rmsprop(0.01, 0.8, 0.5, 1e-7, false);
const centeredRms = rmsprop(0.01, 0.9, 0, 1e-3, true);
const bothRms = rmsprop(0.01, 0.9, 0.5, 1e-7, true);

const s23 = [2, 3];

/** Cases of the fused optimizer updates: every output against Keras's update rule in float64. */
export const OPTIMIZER_UPDATE_CASES: { ApplySGD: KernelCases; ApplyAdam: KernelCases; ApplyRMSProp: KernelCases } = {
  ApplySGD: {
    op: 'applySGD',
    values: [
      ...eachOutput('plain [2, 3]', ['variable'], [W(s23), G(s23)], plainSgd.run, plainSgd.step),
      ...eachOutput('scalar', ['variable'], [W([]), G([])], plainSgd.run, plainSgd.step),
      ...eachOutput('size-0 [0, 3]', ['variable'], [W([0, 3]), G([0, 3])], plainSgd.run, plainSgd.step),
      ...eachOutput('momentum 0.9 [2, 3]', ['variable', 'momentum'], [W(s23), G(s23), W(s23)], momentumSgd.run, momentumSgd.step),
      ...eachOutput('nesterov 0.8 [4, 5]', ['variable', 'momentum'], [W([4, 5]), G([4, 5]), W([4, 5])], nesterovSgd.run, nesterovSgd.step),
    ],
    grads: [],
    errors: [
      { name: 'a gradient of another shape throws ShapeError', inputs: [W(s23), G([3, 2])], run: plainSgd.run, error: ShapeError },
      { name: 'an int32 gradient throws DTypeError', inputs: [W([3]), ints([3])], run: plainSgd.run, error: DTypeError },
      {
        name: 'momentum > 0 without a momentum slot throws ValueError',
        inputs: [W([3]), G([3])],
        run: (w: Tensor, g: Tensor) => applySGD({ variable: w, gradient: g }, { learningRate: 0.1, momentum: 0.9, nesterov: false }),
        error: ValueError,
      },
      {
        name: 'a NaN learning rate throws ValueError',
        inputs: [W([3]), G([3])],
        run: (w: Tensor, g: Tensor) => applySGD({ variable: w, gradient: g }, { learningRate: NaN, momentum: 0, nesterov: false }),
        error: ValueError,
      },
    ] satisfies ErrorCase[],
  },
  ApplyAdam: {
    op: 'applyAdam',
    values: [
      ...eachOutput('[2, 3]', ['variable', 'm', 'v'], [W(s23), G(s23), W(s23), SQUARES(s23)], plainAdam.run, plainAdam.step),
      ...eachOutput('first step from zero slots', ['variable', 'm', 'v'], [W(s23), G(s23), ZEROS, ZEROS], firstAdam.run, firstAdam.step),
      ...eachOutput('scalar', ['variable'], [W([]), G([]), W([]), SQUARES([])], plainAdam.run, plainAdam.step),
      ...eachOutput('amsgrad [3, 4]', ['variable', 'm', 'v', 'vHat'], [W([3, 4]), G([3, 4]), W([3, 4]), SQUARES([3, 4]), SQUARES([3, 4])], amsAdam.run, amsAdam.step),
    ],
    grads: [],
    errors: [
      { name: 'a slot of another shape throws ShapeError', inputs: [W(s23), G(s23), W([6]), SQUARES(s23)], run: plainAdam.run, error: ShapeError },
      { name: 'an int32 slot throws DTypeError', inputs: [W([3]), G([3]), W([3]), ints([3])], run: plainAdam.run, error: DTypeError },
      { name: 'amsgrad without a vHat slot throws ValueError', inputs: [W([3]), G([3]), W([3]), SQUARES([3])], run: amsAdam.run, error: ValueError },
    ] satisfies ErrorCase[],
  },
  ApplyRMSProp: {
    op: 'applyRMSProp',
    values: [
      ...eachOutput('[2, 3]', ['variable', 'velocity'], [W(s23), G(s23), SQUARES(s23)], plainRms.run, plainRms.step),
      ...eachOutput('scalar', ['variable'], [W([]), G([]), SQUARES([])], plainRms.run, plainRms.step),
      ...eachOutput('momentum 0.5 [2, 3]', ['variable', 'velocity', 'momentum'], [W(s23), G(s23), SQUARES(s23), W(s23)], momentumRms.run, momentumRms.step),
      ...eachOutput('centered [2, 3]', ['variable', 'velocity', 'averageGradient'], [W(s23), G(s23), SQUARES(s23), AVERAGE(s23)], centeredRms.run, centeredRms.step),
      ...eachOutput(
        'centered with momentum [3, 2]',
        ['variable', 'velocity', 'momentum', 'averageGradient'],
        [W([3, 2]), G([3, 2]), SQUARES([3, 2]), W([3, 2]), AVERAGE([3, 2])],
        bothRms.run,
        bothRms.step,
      ),
    ],
    grads: [],
    errors: [
      { name: 'a velocity of another shape throws ShapeError', inputs: [W(s23), G(s23), SQUARES([2, 2])], run: plainRms.run, error: ShapeError },
      { name: 'an int32 variable throws DTypeError', inputs: [ints([3]), G([3]), SQUARES([3])], run: plainRms.run, error: DTypeError },
      { name: 'centered without an average slot throws ValueError', inputs: [W([3]), G([3]), SQUARES([3])], run: centeredRms.run, error: ValueError },
    ] satisfies ErrorCase[],
  },
};
