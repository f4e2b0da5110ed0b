import { ShapeError, ValueError } from '../errors.js';
import { FUSED_ACTIVATIONS, type FusedActivation, type FusedActivationAttrs } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../util/shape.js';
import { add, mul, sub } from './binary.js';
import { greater, less, logicalAnd, where } from './compare.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { reduceToShape } from './broadcast_grad.js';
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
 * passes nothing at exactly 0 or 6.
 */
export function activationGrad(dy: Tensor, y: Tensor, attrs: Readonly<Record<string, unknown>>): Tensor {
  const activation = attrs.activation as FusedActivation;
  switch (activation) {
    case 'linear':
      return dy;
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

/** The gradient of a bias added along the last axis: `dz` summed over every other axis. */
export function biasGrad(dz: Tensor, bias: Tensor): Tensor {
  return reduceToShape(dz, bias.shape);
}
