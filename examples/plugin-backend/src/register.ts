import { getKernel, registerBackend, registerKernels, type KernelName } from '@tessera/tensor';
import { tinyKernels } from './kernels.js';
import { TinyBackend } from './tiny_backend.js';

/**
 * The manifest of the tiny backend: the kernels it declares. The set is closed
 * under differentiation: every gradient of these kernels (and the conformance
 * suite's `sum(op(x) * w)` objective) runs with these kernels only. Relu's gradient
 * needs Greater and Select; Sum's needs Tile (broadcastTo); Sub's needs Neg.
 */
export const TINY_KERNELS: readonly KernelName[] = tinyKernels.map((k) => k.kernelName);

/**
 * Registers the backend `'tiny'` with priority 0 (below the CPU backend's 1, so it
 * is never picked by default) and its kernels. Calling it again does nothing.
 *
 * @example
 * ```ts
 * import { registerTinyBackend } from '@tessera-examples/plugin-backend';
 * import { setBackend } from '@tessera/tensor';
 * registerTinyBackend();
 * await setBackend('tiny');
 * ```
 */
export function registerTinyBackend(): void {
  if (getKernel('Add', 'tiny')) return;
  registerBackend('tiny', () => new TinyBackend(), 0);
  registerKernels(tinyKernels);
}
