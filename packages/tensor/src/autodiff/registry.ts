import type { GradFunc, OutputsGradFunc } from '../engine/tape.js';
import { shared } from '../global_state.js';

/** Shared with every copy of this version of the package (see global_state.ts). */
const gradients = shared('gradients', () => new Map<string, GradFunc>());
const outputsGradients = shared('outputsGradients', () => new Map<string, OutputsGradFunc>());

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

/**
 * Registers the gradient of a kernel of several outputs (`KernelSpec.outputs`): it gets
 * every output's gradient in one call (`null` for an output no gradient reached).
 *
 * @example
 * ```ts
 * registerOutputsGradient('LSTMCell', ([dh, dc], [xw, h, c, kernel], [hNext, cNext, gates], _attrs, needed) => ...);
 * ```
 */
export function registerOutputsGradient(kernelName: string, gradFunc: OutputsGradFunc): void {
  outputsGradients.set(kernelName, gradFunc);
}

/** The registered gradient of a kernel of several outputs, if any. */
export function getOutputsGradient(kernelName: string): OutputsGradFunc | undefined {
  return outputsGradients.get(kernelName);
}

export type { GradFunc, OutputsGradFunc };
