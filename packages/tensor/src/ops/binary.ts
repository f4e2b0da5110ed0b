import { registerGradient } from '../autodiff/registry.js';
import { DTypeError } from '../errors.js';
import type { BinaryKernelName } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../types.js';
import { broadcastShapes } from '../util/shape.js';
import { reduceToShape } from './broadcast_grad.js';
import { greater, greaterEqual, less, where } from './compare.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { op, runKernel } from './op.js';
import { floor, log, neg, square } from './unary.js';

/**
 * Converts the two operands of a binary op: a plain number takes the other
 * operand's dtype; two tensors must share a dtype from `allowed`; shapes must broadcast.
 */
export function binaryArgs(
  a: TensorOrLike,
  b: TensorOrLike,
  opName: string,
  allowed: readonly DType[] = ['float32', 'int32'],
): [Tensor, Tensor] {
  const [ta, tb] = pairArgs(a, b, opName, allowed);
  broadcastShapes(opName, ta.shape, tb.shape);
  return [ta, tb];
}

/** Like {@link binaryArgs} without the broadcasting check (matMul checks its own shapes). */
export function pairArgs(
  a: TensorOrLike,
  b: TensorOrLike,
  opName: string,
  allowed: readonly DType[] = ['float32', 'int32'],
): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? toTensor(a, 'a', opName) : toTensor(a, 'a', opName, b instanceof Tensor ? b.dtype : undefined);
  const tb = b instanceof Tensor ? toTensor(b, 'b', opName) : toTensor(b, 'b', opName, ta.dtype);
  if (ta.dtype !== tb.dtype) {
    throw new DTypeError(`${opName}: expected both arguments to have the same dtype but got ${ta.dtype} and ${tb.dtype}; cast one first`);
  }
  if (!allowed.includes(ta.dtype)) {
    throw new DTypeError(`${opName}: expected dtype ${allowed.join(' or ')} but got ${ta.dtype}`);
  }
  return [ta, tb];
}

function binary(kernel: BinaryKernelName, opName: string, a: TensorOrLike, b: TensorOrLike, allowed?: readonly DType[]): Tensor {
  return op(opName, () => runKernel(kernel, binaryArgs(a, b, opName, allowed), {}));
}

/**
 * `a + b`, broadcast.
 * @example
 * ```ts
 * add(tensor([1, 2]), tensor([[10], [20]])); // [[11, 12], [21, 22]]
 * ```
 */
export function add(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Add', 'add', a, b);
}

/**
 * `a - b`, broadcast.
 * @example
 * ```ts
 * sub(tensor([5, 7]), 2); // [3, 5]
 * ```
 */
export function sub(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Sub', 'sub', a, b);
}

/**
 * `a * b`, broadcast.
 * @example
 * ```ts
 * mul(tensor([1, 2]), 3); // [3, 6]
 * ```
 */
export function mul(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Mul', 'mul', a, b);
}

/**
 * `a / b`, broadcast, float32 only (use `floorDiv` for integers).
 * @example
 * ```ts
 * div(tensor([1, 2]), 4); // [0.25, 0.5]
 * ```
 */
export function div(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Div', 'div', a, b, ['float32']);
}

/**
 * `a ^ b`, broadcast.
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2); // [4, 9]
 * ```
 */
export function pow(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Pow', 'pow', a, b);
}

/**
 * Elementwise maximum, broadcast.
 * @example
 * ```ts
 * maximum(tensor([1, 5]), 3); // [3, 5]
 * ```
 */
export function maximum(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Maximum', 'maximum', a, b);
}

/**
 * Elementwise minimum, broadcast.
 * @example
 * ```ts
 * minimum(tensor([1, 5]), 3); // [1, 3]
 * ```
 */
export function minimum(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Minimum', 'minimum', a, b);
}

/**
 * `(a - b)^2`, broadcast.
 * @example
 * ```ts
 * squaredDifference(tensor([1, 4]), 2); // [1, 4]
 * ```
 */
export function squaredDifference(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('SquaredDifference', 'squaredDifference', a, b);
}

/**
 * `floor(a / b)`, broadcast (integer division for int32).
 * @example
 * ```ts
 * floorDiv(tensor([7, -7], undefined, 'int32'), 2); // [3, -4]
 * ```
 */
export function floorDiv(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('FloorDiv', 'floorDiv', a, b);
}

/**
 * Remainder with the sign of `b` (Python's `%`), broadcast.
 * @example
 * ```ts
 * mod(tensor([-7, 7]), 3); // [2, 1]
 * ```
 */
export function mod(a: TensorOrLike, b: TensorOrLike): Tensor {
  return binary('Mod', 'mod', a, b);
}

// ---- gradients: each result is summed back over the axes its input was broadcast along.

type Grad = Tensor | null;
/**
 * Each input's gradient, made only when backprop needs it (`needed[i]`: a constant
 * operand such as Dropout's mask or a scale gets none computed), then summed back over
 * the axes that input was broadcast along.
 */
const both = (
  [a, b]: readonly Tensor[],
  needed: readonly boolean[] | undefined,
  da: () => Tensor,
  db: () => Tensor,
): [Grad, Grad] => [
  needed?.[0] === false ? null : reduceToShape(da(), a.shape),
  needed?.[1] === false ? null : reduceToShape(db(), b.shape),
];

/**
 * `kernel(x, y)` for a gradient: its operands are the saved inputs and the incoming
 * gradient, which the forward op already checked, so the kernel runs without the op's
 * argument checks and scope (a mixed-dtype pair still goes through the op, which says why).
 */
function gradKernel(kernel: 'Mul' | 'Div', opName: string, x: Tensor, y: Tensor): Tensor {
  return x.dtype === y.dtype ? runKernel(kernel, [x, y], {}) : binary(kernel, opName, x, y);
}

registerGradient('Add', (dy, inputs, _y, _attrs, needed) => both(inputs, needed, () => dy, () => dy));
registerGradient('Sub', (dy, inputs, _y, _attrs, needed) => both(inputs, needed, () => dy, () => neg(dy)));
registerGradient('Mul', (dy, inputs, _y, _attrs, needed) =>
  both(inputs, needed, () => gradKernel('Mul', 'mul', dy, inputs[1]), () => gradKernel('Mul', 'mul', dy, inputs[0])),
);
registerGradient('Div', (dy, inputs, _y, _attrs, needed) => {
  const [a, b] = inputs;
  return both(inputs, needed, () => gradKernel('Div', 'div', dy, b), () => neg(div(mul(dy, a), square(b))));
});
registerGradient('Pow', (dy, inputs, y, _attrs, needed) => {
  const [a, b] = inputs;
  return both(
    inputs,
    needed,
    () => mul(dy, mul(b, pow(a, sub(b, 1)))),
    // d/db a^b = a^b log a, defined for a > 0 (zero elsewhere, as TensorFlow).
    () => mul(dy, mul(y, where(greater(a, 0), log(a), zerosLike(a)))),
  );
});
registerGradient('Maximum', (dy, inputs, _y, _attrs, needed) => {
  const aWins = greaterEqual(inputs[0], inputs[1]);
  return both(inputs, needed, () => where(aWins, dy, zerosLike(dy)), () => where(aWins, zerosLike(dy), dy));
});
registerGradient('Minimum', (dy, inputs, _y, _attrs, needed) => {
  const aWins = less(inputs[1], inputs[0]);
  return both(inputs, needed, () => where(aWins, zerosLike(dy), dy), () => where(aWins, dy, zerosLike(dy)));
});
registerGradient('SquaredDifference', (dy, inputs, _y, _attrs, needed) => {
  let d: Tensor | undefined;
  const da = () => (d ??= mul(dy, mul(sub(inputs[0], inputs[1]), 2)));
  return both(inputs, needed, da, () => neg(da()));
});
// floor(a / b) is piecewise constant: its gradient is zero almost everywhere (TensorFlow gives none).
registerGradient('FloorDiv', (dy, inputs, _y, _attrs, needed) => both(inputs, needed, () => zerosLike(dy), () => zerosLike(dy)));
registerGradient('Mod', (dy, inputs, _y, _attrs, needed) => {
  const [a, b] = inputs;
  return both(inputs, needed, () => dy, () => mul(dy, neg(floor(div(a, b)))));
});
