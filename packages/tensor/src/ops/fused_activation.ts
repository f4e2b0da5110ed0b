import { registerGradient } from '../autodiff/registry.js';
import { ShapeError, ValueError } from '../errors.js';
import { FUSED_ACTIVATIONS, type FusedActivation, type FusedActivationAttrs } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { formatShape, shapesEqual } from '../util/shape.js';
import { add, mul, sub } from './binary.js';
import { greater, less, logicalAnd, where } from './compare.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { reduceToShape } from './broadcast_grad.js';
import { hasKernel, op, runKernel } from './op.js';
import { square } from './unary.js';

/** The activation options every fused op takes. */
export interface FusedActivationOptions {
  /** Applied to each output after the bias; default `'linear'` (none). One of {@link FUSED_ACTIVATIONS}. */
  readonly activation?: FusedActivation;
  /** The slope of `'leakyRelu'` below 0, >= 0; default 0.2 (as `leakyRelu`). */
  readonly alpha?: number;
}

/** Checks the activation options of a fused op, or throws a ValueError naming the op. */
export function fusedActivationAttrs(options: FusedActivationOptions, opName: string): FusedActivationAttrs {
  const activation = options.activation ?? 'linear';
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new ValueError(
      `${opName}: expected activation ${FUSED_ACTIVATIONS.map((a) => `'${a}'`).join(', ')} but got ${JSON.stringify(options.activation)}`,
    );
  }
  const alpha = options.alpha ?? 0.2;
  // The gradient reads the slope off the saved output: y > 0 exactly where x > 0 needs alpha >= 0.
  if (!(Number.isFinite(alpha) && alpha >= 0)) {
    throw new ValueError(`${opName}: expected alpha to be a finite number >= 0 but got ${options.alpha}`);
  }
  return { activation, alpha };
}

/**
 * Converts a fused op's optional bias and checks it is float32 of shape `[channels]`
 * (one value per output channel, the last axis of the output), or throws naming the op.
 */
export function biasArg(bias: TensorOrLike | null | undefined, channels: number, what: string, opName: string): Tensor | undefined {
  if (bias === null || bias === undefined) return undefined;
  const t = toTensor(bias, 'bias', opName);
  assertDType(t, ['float32'], 'bias', opName);
  if (t.rank !== 1 || t.shape[0] !== channels) {
    throw new ShapeError(`${opName}: expected bias of shape [${channels}] (one value per ${what}) but got ${formatShape(t.shape)}`);
  }
  return t;
}

const passWhere = (cond: Tensor, dy: Tensor) => where(cond, dy, zerosLike(dy));

/**
 * The gradient of a fused op's pre-activation from the gradient `dy` of its output `y`,
 * read off `y` alone (each of these activations' derivatives is a function of its output,
 * so the pre-activation is never kept). At the kinks it takes TensorFlow's side: relu6
 * passes nothing at exactly 0 or 6. One `FusedActivationGrad` kernel where the backend has
 * it, else the same arithmetic op by op (float32 rounding after each step, as the kernel).
 */
export function activationGrad(dy: Tensor, y: Tensor, attrs: Readonly<Record<string, unknown>>): Tensor {
  const activation = attrs.activation as FusedActivation;
  if (activation === 'linear') return dy;
  if (hasKernel('FusedActivationGrad')) return runKernel('FusedActivationGrad', [dy, y], { activation, alpha: attrs.alpha as number });
  switch (activation) {
    case 'relu':
      return passWhere(greater(y, 0), dy);
    case 'relu6':
      return passWhere(logicalAnd(greater(y, 0), less(y, 6)), dy);
    case 'sigmoid':
      return mul(dy, mul(y, sub(1, y)));
    case 'tanh':
      return mul(dy, sub(1, square(y)));
    case 'elu':
      return where(greater(y, 0), dy, mul(dy, add(y, 1)));
    case 'leakyRelu':
      return where(greater(y, 0), dy, mul(dy, attrs.alpha as number));
    default:
      throw new ValueError(`activationGrad: unknown fused activation ${JSON.stringify(activation)}`);
  }
}

/**
 * The gradient that flows back through a fused op's activation: `dy` (the gradient of the
 * op's output `y`) turned into the gradient of the pre-activation, read off `y` alone —
 * what the gradients of `fusedMatMul` and `fusedConv2d` run, exposed for custom layers and
 * backends. `'linear'` returns `dy` unchanged.
 *
 * @param dy - the gradient of the fused op's output, float32
 * @param y - the fused op's output, float32, the shape of `dy`
 * @param options - `activation` (default `'linear'`) and `alpha` (leakyRelu's slope, default 0.2)
 * @throws ShapeError when `dy` and `y` differ in shape; DTypeError for non-float32 inputs;
 *   ValueError for an unknown activation
 * @example
 * ```ts
 * fusedActivationGrad(tensor([1, 1, 1]), tensor([0, 2, 7]), { activation: 'relu6' }); // [0, 1, 0]
 * ```
 */
export function fusedActivationGrad(dy: TensorOrLike, y: TensorOrLike, options: FusedActivationOptions = {}): Tensor {
  const opName = 'fusedActivationGrad';
  const attrs = fusedActivationAttrs(options, opName);
  return op(opName, () => {
    const tdy = toTensor(dy, 'dy', opName);
    const ty = toTensor(y, 'y', opName);
    assertDType(tdy, ['float32'], 'dy', opName);
    assertDType(ty, ['float32'], 'y', opName);
    if (!shapesEqual(tdy.shape, ty.shape)) {
      throw new ShapeError(`${opName}: expected dy and y of the same shape but got ${formatShape(tdy.shape)} and ${formatShape(ty.shape)}`);
    }
    // A fresh tensor for 'linear' too: the caller owns dy and may dispose the result.
    return attrs.activation === 'linear' ? mul(tdy, 1) : activationGrad(tdy, ty, { ...attrs });
  });
}

// Second order: the kernel is linear in dy; its derivative in y is that of the composite.
registerGradient('FusedActivationGrad', (g, [dy, y], _out, attrs, needed) => {
  const dDy = needed?.[0] === false ? null : activationGrad(g, y, attrs);
  if (needed?.[1] === false) return [dDy, null];
  switch (attrs.activation as FusedActivation) {
    case 'sigmoid':
      return [dDy, mul(mul(g, dy), sub(1, mul(y, 2)))];
    case 'tanh':
      return [dDy, mul(mul(g, dy), mul(y, -2))];
    case 'elu':
      return [dDy, where(greater(y, 0), zerosLike(y), mul(g, dy))];
    default:
      // relu, relu6, leakyRelu: piecewise constant in y.
      return [dDy, zerosLike(y)];
  }
});

/** The gradient of a bias added along the last axis: `dz` summed over every other axis. */
export function biasGrad(dz: Tensor, bias: Tensor): Tensor {
  return reduceToShape(dz, bias.shape);
}
