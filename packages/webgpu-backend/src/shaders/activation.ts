import type { FusedActivation } from '@tessera/tensor';
import { EXP, EXPM1 } from './math.js';

/** The body of a WGSL `fn ...(x: f32) -> f32` and the helpers it calls (besides the float bit tests). */
export interface FloatBody {
  readonly body: string;
  readonly helpers?: readonly string[];
}

/**
 * The activations, shared by their unary kernels and the fused GEMM epilogues so both
 * compute the same thing. Math.max propagates NaN; WGSL's max need not, hence the selects.
 */
export const RELU: FloatBody = { body: 'return select(max(x, 0.0), x, isNan(x));' };
export const RELU6: FloatBody = { body: 'return select(min(max(x, 0.0), 6.0), x, isNan(x));' };
export const ELU: FloatBody = { body: 'return select(expm1F(x), x, x > 0.0);', helpers: [EXP, EXPM1] };
export const SIGMOID: FloatBody = {
  body: 'if (x >= 0.0) { return 1.0 / (1.0 + expF(-x)); } let e = expF(x); return e / (1.0 + e);',
  helpers: [EXP],
};
/** tanh = -expm1(-2|x|) / (2 + expm1(-2|x|)): no overflow, and accurate near 0. */
export const TANH: FloatBody = {
  body: 'if (isNan(x)) { return x; } let e = expm1F(-2.0 * abs(x)); let t = -e / (2.0 + e); return select(t, -t, x < 0.0);',
  helpers: [EXP, EXPM1],
};
/** Reads its slope from the uniform `u.alpha`. */
export const LEAKY_RELU: FloatBody = { body: 'return select(u.alpha * x, x, x > 0.0);' };

/** The WGSL of each fused activation. */
export const FUSED_ACTIVATIONS_WGSL: { readonly [A in FusedActivation]: FloatBody } = {
  linear: { body: 'return x;' },
  relu: RELU,
  relu6: RELU6,
  sigmoid: SIGMOID,
  tanh: TANH,
  elu: ELU,
  leakyRelu: LEAKY_RELU,
};
