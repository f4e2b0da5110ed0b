/**
 * Tessera: Keras-style deep learning for TypeScript.
 *
 * Importing this package registers every backend it bundles (today the CPU backend)
 * and re-exports the tensor API, so one import is enough:
 *
 * @example
 * ```ts
 * import { tensor, matMul, grads, tidy } from 'tessera';
 * const y = matMul(tensor([[1, 2]]), tensor([[3], [4]])); // [[11]]
 * ```
 */
import './backends.js';

export * from '@tessera/tensor';
export { CpuBackend } from '@tessera/cpu-backend';
