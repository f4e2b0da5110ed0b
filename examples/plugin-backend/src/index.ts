/**
 * A plugin backend written against the public API of `@tessera/tensor` only.
 * Importing this module registers it (name `'tiny'`, priority 0).
 *
 * @packageDocumentation
 */
import { registerTinyBackend } from './register.js';

export { TinyBackend } from './tiny_backend.js';
export { TINY_KERNELS, registerTinyBackend } from './register.js';
export { tinyKernels } from './kernels.js';

registerTinyBackend();
