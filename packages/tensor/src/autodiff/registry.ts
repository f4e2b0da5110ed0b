import type { GradFunc } from '../engine/tape.js';
import { shared } from '../global_state.js';

/** Shared with every copy of this version of the package (see global_state.ts). */
const gradients = shared('gradients', () => new Map<string, GradFunc>());

/**
 * Registers the gradient of a kernel, written with ops. Each op file registers the
 * gradients of the kernels it calls, beside the op.
 *
 * @example
 * ```ts
 * registerGradient('Exp', (dy, _inputs, y) => [mul(dy, y)]);
 * ```
 */
export function registerGradient(kernelName: string, gradFunc: GradFunc): void {
  gradients.set(kernelName, gradFunc);
}

/** The registered gradient of a kernel, if any. */
export function getGradient(kernelName: string): GradFunc | undefined {
  return gradients.get(kernelName);
}

export type { GradFunc };
