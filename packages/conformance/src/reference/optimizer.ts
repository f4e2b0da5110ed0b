import { elementwise } from './broadcast.js';
import type { RefTensor } from './ref_tensor.js';

/**
 * One optimizer step per element in float64: `step(variable, gradient, ...slots)` returns
 * the new variable and slots, in input order.
 */
export type UpdateStep = (...values: number[]) => number[];

/**
 * Output `output` (0: the variable, then the slots in input order) of an elementwise
 * optimizer update over inputs of one shape.
 * @example
 * ```ts
 * const sgd: UpdateStep = (w, g) => [w - 0.1 * g];
 * updateOutput([w, g], sgd, 0);
 * ```
 */
export function updateOutput(inputs: readonly RefTensor[], step: UpdateStep, output: number): RefTensor {
  return elementwise(inputs, 'float32', (...v) => step(...v)[output]);
}

/**
 * Keras 3 `SGD.update_step`: `w - lr*g`, or with momentum `m' = mu*m - lr*g` and `w + m'`
 * (nesterov: `w + mu*m' - lr*g`).
 * @example
 * ```ts
 * sgdStep(0.1, 0.9, false)(1, 0.5, 0); // [0.95, -0.05]
 * ```
 */
export function sgdStep(lr: number, mu: number, nesterov: boolean): UpdateStep {
  return (w, g, m) => {
    if (mu === 0) return [w - lr * g];
    const m2 = mu * m - lr * g;
    return [nesterov ? w + mu * m2 - lr * g : w + m2, m2];
  };
}

/**
 * Keras 3 `Adam.update_step` given the bias-corrected step `alpha`:
 * `m += (g - m)(1 - b1)`, `v += (g² - v)(1 - b2)`, amsgrad `vHat = max(vHat, v)`, `w -= alpha*m / (sqrt(v) + eps)`.
 * @example
 * ```ts
 * adamStep(0.01, 0.9, 0.999, 1e-7, false)(1, 0.5, 0, 0); // [w, m, v]
 * ```
 */
export function adamStep(alpha: number, b1: number, b2: number, eps: number, amsgrad: boolean): UpdateStep {
  return (w, g, m, v, vHat) => {
    const m2 = m + (g - m) * (1 - b1);
    const v2 = v + (g * g - v) * (1 - b2);
    const vHat2 = Math.max(vHat, v2);
    const w2 = w - (alpha * m2) / (Math.sqrt(amsgrad ? vHat2 : v2) + eps);
    return amsgrad ? [w2, m2, v2, vHat2] : [w2, m2, v2];
  };
}

/**
 * Keras 3 `RMSprop.update_step`: `vel = rho*vel + (1 - rho)g²`; centered `avg = rho*avg + (1 - rho)g`
 * and `den = vel - avg² + eps`, else `vel + eps`; `inc = lr*g / sqrt(den)`; momentum
 * `mom = mu*mom + inc`, `w -= mom`, else `w -= inc`. Slots in input order: velocity, momentum, average.
 * @example
 * ```ts
 * rmspropStep(0.01, 0.9, 0, 1e-7, false)(1, 0.5, 0); // [w, velocity]
 * ```
 */
export function rmspropStep(lr: number, rho: number, mu: number, eps: number, centered: boolean): UpdateStep {
  return (w, g, vel, ...rest) => {
    const mom = mu > 0 ? rest[0] : 0;
    const avg = centered ? rest[mu > 0 ? 1 : 0] : 0;
    const vel2 = rho * vel + (1 - rho) * g * g;
    const avg2 = rho * avg + (1 - rho) * g;
    const inc = (lr * g) / Math.sqrt(centered ? vel2 - avg2 * avg2 + eps : vel2 + eps);
    const mom2 = mu * mom + inc;
    const out = [mu > 0 ? w - mom2 : w - inc, vel2];
    if (mu > 0) out.push(mom2);
    if (centered) out.push(avg2);
    return out;
  };
}
