import type { FusedActivation } from '@tessera/tensor';
import { sizeOf, type RefTensor } from './ref_tensor.js';
import { UNARY_FNS } from './scalar.js';

/** The float64 meaning of each fused activation (`alpha`: leakyRelu's slope). */
export const FUSED_ACTIVATION_FNS: { readonly [A in FusedActivation]: (x: number, alpha: number) => number } = {
  linear: (x) => x,
  relu: UNARY_FNS.Relu,
  relu6: UNARY_FNS.Relu6,
  sigmoid: UNARY_FNS.Sigmoid,
  tanh: UNARY_FNS.Tanh,
  elu: UNARY_FNS.Elu,
  leakyRelu: (x, alpha) => (x > 0 ? x : alpha * x),
};

/**
 * The epilogue of a fused kernel on a reference product: `activation(y + bias)`, the
 * bias (or none) added along the last axis.
 */
export function biasActivationRef(y: RefTensor, bias: RefTensor | undefined, activation: FusedActivation, alpha = 0.2): RefTensor {
  const n = y.shape[y.shape.length - 1];
  const fn = FUSED_ACTIVATION_FNS[activation];
  return { shape: y.shape, dtype: y.dtype, values: y.values.map((v, i) => fn(v + (bias ? bias.values[i % n] : 0), alpha)) };
}

/** The log-sum-exp of row `[o, o + c)`, the maximum taken out first. */
function logSumExpRow(x: readonly number[], o: number, c: number): number {
  let m = -Infinity;
  for (let j = o; j < o + c; j++) m = Math.max(m, x[j]);
  let s = 0;
  for (let j = o; j < o + c; j++) s += Math.exp(x[j] - m);
  return m + Math.log(s);
}

/** `-sum(labels * logSoftmax(logits))` over the last axis, row by row. */
export function softmaxCrossEntropyRef(labels: RefTensor, logits: RefTensor): RefTensor {
  const c = logits.shape[logits.shape.length - 1];
  const shape = logits.shape.slice(0, -1);
  const values = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const lse = logSumExpRow(logits.values, i * c, c);
    let loss = 0;
    for (let j = i * c; j < (i + 1) * c; j++) loss -= labels.values[j] * (logits.values[j] - lse);
    return loss;
  });
  return { shape, dtype: 'float32', values };
}

/** The gradient of {@link softmaxCrossEntropyRef} for the logits: `dy * (softmax * sum(labels) - labels)` per row. */
export function softmaxCrossEntropyGradRef(dy: RefTensor, logits: RefTensor, labels: RefTensor): RefTensor {
  const c = logits.shape[logits.shape.length - 1];
  const values = logits.values.map((x, k) => {
    const i = Math.floor(k / c);
    const lse = logSumExpRow(logits.values, i * c, c);
    let sumLabels = 0;
    for (let j = i * c; j < (i + 1) * c; j++) sumLabels += labels.values[j];
    return dy.values[i] * (Math.exp(x - lse) * sumLabels - labels.values[k]);
  });
  return { shape: logits.shape, dtype: 'float32', values };
}
