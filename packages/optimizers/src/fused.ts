import { getBackend, getKernel } from '@tessera/tensor';

/** The fused update kernels the optimizers use where the active backend has them. */
export type FusedUpdateKernel = 'ApplySGD' | 'ApplyAdam' | 'ApplyRMSProp';

/**
 * Whether the active backend registers a fused update kernel. When it does, SGD, Adam,
 * AdamW and RMSprop update each variable with that one kernel; when it does not (an
 * out-of-tree backend that registers only the elementwise kernels), they run the same
 * Keras update as separate elementwise ops. Both paths compute the same float32 values.
 *
 * @example
 * ```ts
 * hasFusedUpdate('ApplyAdam'); // true on the CPU and WebGPU backends
 * ```
 */
export function hasFusedUpdate(kernel: FusedUpdateKernel): boolean {
  return getKernel(kernel, getBackend()) !== undefined;
}
