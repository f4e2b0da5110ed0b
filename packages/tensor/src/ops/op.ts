import { getEngine } from '../engine/engine.js';
import type { KernelAttrs, KernelName } from '../kernel_names.js';
import { getKernel } from '../kernel_registry.js';
import type { Tensor } from '../tensor.js';

/**
 * Runs an op's body in its own scope: temporaries (converted arguments, the steps of
 * a composite op) are freed when it returns; only the result survives.
 */
export function op<T>(name: string, body: () => T): T {
  return getEngine().tidy(body, name);
}

/** Typed shorthand for `getEngine().runKernel`. */
export function runKernel<K extends KernelName>(kernelName: K, inputs: Tensor[], attrs: KernelAttrs[K]): Tensor {
  return getEngine().runKernel(kernelName, inputs, attrs);
}

/** Typed shorthand for `getEngine().runKernelOutputs` (kernels of several outputs). */
export function runKernelOutputs<K extends KernelName>(kernelName: K, inputs: Tensor[], attrs: KernelAttrs[K]): Tensor[] {
  return getEngine().runKernelOutputs(kernelName, inputs, attrs);
}

/** Whether the active backend registers `kernel` (else an op with a composite fallback runs that). */
export function hasKernel(kernel: KernelName): boolean {
  return getKernel(kernel, getEngine().backend.name) !== undefined;
}
