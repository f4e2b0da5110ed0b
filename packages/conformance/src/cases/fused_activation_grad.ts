import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, ValueError, type FusedActivation, type KernelName, type Tensor } from '@tessera/tensor';
import { elementwise, type RefTensor } from '../reference/index.js';
import { ints, rand, vals } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

/** Every activation but 'linear' (which never reaches the kernel), written out. */
const ACTIVATIONS: readonly Exclude<FusedActivation, 'linear'>[] = ['relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leakyRelu'];

/** The gradient of the pre-activation from dy and the output y, in float64. */
export function activationGradRef(activation: FusedActivation, alpha: number): (dy: number, y: number) => number {
  switch (activation) {
    case 'relu':
      return (dy, y) => (y > 0 ? dy : 0);
    case 'relu6':
      return (dy, y) => (y > 0 && y < 6 ? dy : 0);
    case 'sigmoid':
      return (dy, y) => dy * y * (1 - y);
    case 'tanh':
      return (dy, y) => dy * (1 - y * y);
    case 'elu':
      return (dy, y) => (y > 0 ? dy : dy * (y + 1));
    case 'leakyRelu':
      return (dy, y) => (y > 0 ? dy : dy * alpha);
    default:
      return (dy) => dy;
  }
}

/**
 * Outputs each activation can give, away from its kinks (0, and 6 for relu6) so finite
 * differences stay on one side: negative values only where the activation has them.
 */
export function activationOutputs(activation: FusedActivation, shape: number[]): InputSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  const pool: Record<FusedActivation, number[]> = {
    linear: [-1.5, 0.5],
    relu: [0, 0.75, 2.5, 0, 4.25],
    relu6: [0, 1.5, 6, 3.25, 0.5],
    sigmoid: [0.1, 0.45, 0.8, 0.95],
    tanh: [-0.9, -0.2, 0.3, 0.85],
    elu: [-0.95, -0.4, 0.6, 2.5],
    leakyRelu: [-0.6, -0.05, 0.4, 3],
  };
  return vals(Array.from({ length: n }, (_, i) => pool[activation][i % pool[activation].length]), shape);
}

function grad(name: string, activation: FusedActivation, dy: InputSpec, y: InputSpec, alpha?: number): ValueCase {
  const f = activationGradRef(activation, alpha ?? 0.2);
  return {
    name: `${activation}${alpha !== undefined ? ` (alpha ${alpha})` : ''}: ${name}`,
    inputs: [dy, y],
    op: (a: Tensor, b: Tensor) => tf.fusedActivationGrad(a, b, { activation, alpha }),
    ref: (a: RefTensor, b: RefTensor) => elementwise([a, b], 'float32', f),
  };
}

/** Second-order cases: y strictly away from every kink (relu6's 6 included). */
const smoothY = (activation: FusedActivation, shape: number[]): InputSpec =>
  activation === 'relu' || activation === 'relu6'
    ? vals(Array.from({ length: shape[0] * shape[1] }, (_, i) => [0.75, 2.5, -1, 4.25][i % 4]), shape)
    : activationOutputs(activation, shape);

/** The kernels the op runs where a backend lacks FusedActivationGrad. */
const COMPOSITE: readonly KernelName[] = ['Greater', 'Less', 'LogicalAnd', 'Select', 'Mul', 'Sub', 'Square', 'Add'];

/** Cases of FusedActivationGrad: every activation, sizes off any vector width, NaN, and misuse. */
export const FUSED_ACTIVATION_GRAD_CASES: { FusedActivationGrad: KernelCases } = {
  FusedActivationGrad: {
    op: 'fusedActivationGrad',
    composite: COMPOSITE,
    values: [
      ...ACTIVATIONS.map((a) => grad('[2, 5]', a, rand([2, 5]), activationOutputs(a, [2, 5]))),
      ...ACTIVATIONS.map((a) => grad('[3, 7, 5], off any vector width', a, rand([3, 7, 5]), vals(Array.from({ length: 105 }, (_, i) => [0, 0.3, 0.9, 5.5, -0.5, 7][i % 6]), [3, 7, 5]))),
      grad('alpha 0.01', 'leakyRelu', rand([4]), vals([-1, -0.1, 0.2, 2]), 0.01),
      grad('a NaN output passes nothing (relu)', 'relu', vals([1, 2, 3]), vals([Number.NaN, 1, 0])),
      ...(['relu', 'relu6'] as const).map((a) =>
        grad('edges: -0, 6, 5.9999995, ±Infinity, a tiny normal (GPUs flush denormals)', a, rand([6]), vals([-0, 6, 5.9999995, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-30])),
      ),
      grad('size 0', 'tanh', rand([0, 3]), rand([0, 3])),
    ],
    grads: [
      ...ACTIVATIONS.map((a) => grad('[2, 4]', a, rand([2, 4]), smoothY(a, [2, 4]))),
    ],
    errors: [
      { name: 'dy [2, 3] and y [3, 2] throw ShapeError', inputs: [rand([2, 3]), rand([3, 2])], run: (a: Tensor, b: Tensor) => tf.fusedActivationGrad(a, b, { activation: 'relu' }), error: ShapeError },
      { name: 'int32 dy throws DTypeError', inputs: [ints([2]), rand([2])], run: (a: Tensor, b: Tensor) => tf.fusedActivationGrad(a, b, { activation: 'relu' }), error: DTypeError },
      { name: "activation 'gelu' throws ValueError", inputs: [rand([2]), rand([2])], run: (a: Tensor, b: Tensor) => tf.fusedActivationGrad(a, b, { activation: 'gelu' as FusedActivation }), error: ValueError },
    ],
  },
};
