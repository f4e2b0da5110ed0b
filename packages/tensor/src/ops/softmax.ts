import type { Tensor } from '../tensor.js';
import { normalizeAxis } from '../util/shape.js';
import { div, sub } from './binary.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';
import { op } from './op.js';
import { logSumExp, max, sum } from './reduce.js';
import { exp } from './unary.js';

/**
 * `exp(x) / sum(exp(x))` along `axis` (default last), with the maximum subtracted first
 * so large logits do not overflow.
 * @example
 * ```ts
 * softmax(tensor([1000, 1000])); // [0.5, 0.5]
 * ```
 */
export function softmax(logits: TensorOrLike, axis = -1): Tensor {
  return op('softmax', () => {
    const t = toTensor(logits, 'logits', 'softmax');
    assertDType(t, ['float32'], 'logits', 'softmax');
    const ax = normalizeAxis(axis, t.rank, 'softmax');
    const e = exp(sub(t, max(t, ax, true)));
    return div(e, sum(e, ax, true));
  });
}

/**
 * `x - logSumExp(x)` along `axis` (default last): the log of `softmax`, without its
 * underflow.
 * @example
 * ```ts
 * logSoftmax(tensor([0, 0])); // [-0.693, -0.693]
 * ```
 */
export function logSoftmax(logits: TensorOrLike, axis = -1): Tensor {
  return op('logSoftmax', () => {
    const t = toTensor(logits, 'logits', 'logSoftmax');
    assertDType(t, ['float32'], 'logits', 'logSoftmax');
    const ax = normalizeAxis(axis, t.rank, 'logSoftmax');
    return sub(t, logSumExp(t, ax, true));
  });
}
