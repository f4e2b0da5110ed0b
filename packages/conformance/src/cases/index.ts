import { KERNEL_NAMES, KERNELS, type KernelName } from '@tessera/tensor';
import { BINARY_CASES } from './binary.js';
import { CAST_CASES } from './cast.js';
import { COMPARE_CASES } from './compare.js';
import { CONV_CASES } from './conv.js';
import { DROPOUT_CASES } from './dropout.js';
import { FUSED_CASES } from './fused.js';
import { FUSED_ACTIVATION_GRAD_CASES } from './fused_activation_grad.js';
import { FUSED_CONV_FILTER_CASES } from './fused_conv_filter.js';
import { GATHER_CASES } from './gather.js';
import { MATMUL_CASES } from './matmul.js';
import { ONE_HOT_CASES } from './one_hot.js';
import { OPTIMIZER_UPDATE_CASES } from './optimizer_updates.js';
import { POOL_CASES } from './pool.js';
import { RECURRENT_CASES } from './recurrent.js';
import { REDUCE_CASES } from './reduce.js';
import { RESIZE_CASES } from './resize.js';
import { SELECT_CASES } from './select.js';
import { SHAPE_CASES } from './shape.js';
import { SOFTMAX_CROSS_ENTROPY_CASES } from './softmax_cross_entropy.js';
import type { KernelCases } from './types.js';
import { UNARY_CASES } from './unary.js';

/**
 * The case table: what the suite runs for every kernel in `KERNELS`. A kernel added
 * to the list without an entry here is a type error (`satisfies`), and
 * {@link caseTableGaps} catches an entry without tests at run time.
 * @example
 * ```ts
 * CASES.MatMul.values.map((c) => c.name); // ['[2, 3] x [3, 4]', 'transposeA: [3, 2]ᵀ x [3, 4]', ...]
 * ```
 */
export const CASES = {
  ...UNARY_CASES,
  ...BINARY_CASES,
  ...COMPARE_CASES,
  ...REDUCE_CASES,
  ...MATMUL_CASES,
  ...SHAPE_CASES,
  ...GATHER_CASES,
  ...ONE_HOT_CASES,
  ...SELECT_CASES,
  ...CAST_CASES,
  ...CONV_CASES,
  ...POOL_CASES,
  ...RESIZE_CASES,
  ...FUSED_CASES,
  ...FUSED_ACTIVATION_GRAD_CASES,
  ...FUSED_CONV_FILTER_CASES,
  ...SOFTMAX_CROSS_ENTROPY_CASES,
  ...OPTIMIZER_UPDATE_CASES,
  ...RECURRENT_CASES,
  ...DROPOUT_CASES,
} satisfies Record<KernelName, KernelCases>;

/**
 * Kernels of the list that the case table leaves untested: no value cases, or no
 * gradient cases for a differentiable kernel. Empty when the table is complete.
 * @example
 * ```ts
 * caseTableGaps(); // [] , or e.g. ['Conv2D: no value cases', 'Conv2D: differentiable but no gradient cases']
 * ```
 */
export function caseTableGaps(): string[] {
  const table = CASES as Partial<Record<KernelName, KernelCases>>;
  return KERNEL_NAMES.flatMap((k) => {
    const cases = table[k];
    if (!cases) return [`${k}: no entry in the case table`];
    const gaps: string[] = [];
    if (cases.values.length === 0) gaps.push(`${k}: no value cases`);
    if (KERNELS[k].differentiable && cases.grads.length === 0) gaps.push(`${k}: differentiable but no gradient cases`);
    if (KERNELS[k].fallback && !cases.composite) gaps.push(`${k}: falls back to other kernels but its cases do not list them (composite)`);
    return gaps;
  });
}
