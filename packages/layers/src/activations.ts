import {
  elu,
  gelu,
  leakyRelu,
  relu,
  relu6,
  selu,
  sigmoid,
  softmax,
  softplus,
  softsign,
  swish,
  tanh,
  exp,
  mul,
  add,
  clipByValue,
  ValueError,
  type FusedActivationOptions,
  type Tensor,
} from '@tessera/tensor';
import { attachLogits } from '@tessera/losses';

/** An activation function: tensor in, tensor out. */
export type ActivationFn = (x: Tensor) => Tensor;

/** Keras's activation identifiers. */
export type ActivationId =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'leaky_relu'
  | 'sigmoid'
  | 'hard_sigmoid'
  | 'tanh'
  | 'softmax'
  | 'softplus'
  | 'softsign'
  | 'gelu'
  | 'swish'
  | 'silu'
  | 'exponential';

// softmax and sigmoid remember their logits so crossentropy can compute from them
// (exact and finite for saturated outputs), as Keras does.
const ACTIVATIONS: Record<ActivationId, ActivationFn> = {
  linear: (x) => x,
  relu,
  relu6,
  elu,
  selu,
  leaky_relu: (x) => leakyRelu(x, 0.2),
  sigmoid: (x) => {
    const y = sigmoid(x);
    attachLogits(y, x, 'sigmoid');
    return y;
  },
  hard_sigmoid: (x) => clipByValue(add(mul(x, 1 / 6), 0.5), 0, 1),
  tanh,
  softmax: (x) => {
    const y = softmax(x, -1);
    attachLogits(y, x, 'softmax');
    return y;
  },
  softplus,
  softsign,
  gelu: (x) => gelu(x, false),
  swish,
  silu: swish,
  exponential: exp,
};

/** Valid activation ids, for error messages and docs. */
export const ACTIVATION_IDS = /* @__PURE__ */ Object.keys(ACTIVATIONS) as ActivationId[];

/**
 * Resolves an activation from its Keras id (or passes a function through).
 * `null`/`undefined` mean linear.
 * @example
 * ```ts
 * const f = getActivation('relu');
 * ```
 */
export function getActivation(id: ActivationId | ActivationFn | null | undefined): ActivationFn {
  if (id === null || id === undefined) return ACTIVATIONS.linear;
  if (typeof id === 'function') return id;
  const fn = ACTIVATIONS[id as ActivationId];
  if (!fn) throw new ValueError(`Unknown activation '${String(id)}'. Valid: ${ACTIVATION_IDS.join(', ')}`);
  return fn;
}

/** The Keras id of an activation for configs (custom functions serialize by their name). */
export function activationName(id: ActivationId | ActivationFn | null | undefined): string {
  if (id === null || id === undefined) return 'linear';
  if (typeof id === 'function') return id.name || 'custom';
  return id;
}

/**
 * Activations a fused kernel applies in its epilogue (`fusedMatMul`, `fusedConv2d`), by
 * Keras id. sigmoid and softmax are left out on purpose: they run on their own so that
 * their output keeps its logits for the crossentropy losses (see `attachLogits`).
 */
const FUSED: Partial<Record<ActivationId, FusedActivationOptions>> = {
  linear: { activation: 'linear' },
  relu: { activation: 'relu' },
  relu6: { activation: 'relu6' },
  elu: { activation: 'elu' },
  tanh: { activation: 'tanh' },
  leaky_relu: { activation: 'leakyRelu', alpha: 0.2 },
};

/**
 * How a layer's fused kernel applies this activation, or `undefined` when the layer must
 * apply it itself after a linear fused kernel (custom functions, and the activations
 * not in the fused set). `null`/`undefined` mean linear.
 * @example
 * ```ts
 * fusedActivationOf('relu');    // { activation: 'relu' }
 * fusedActivationOf('softmax'); // undefined
 * ```
 */
export function fusedActivationOf(id: ActivationId | ActivationFn | null | undefined): FusedActivationOptions | undefined {
  if (id === null || id === undefined) return FUSED.linear;
  return typeof id === 'function' ? undefined : FUSED[id];
}
