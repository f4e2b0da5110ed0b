/// <reference types="@webgpu/types" />
/**
 * The WebGPU backend of Tessera: every kernel in WGSL. Importing this module registers
 * the kernels under the backend name `'webgpu'` (a side effect, listed in package.json
 * `sideEffects`); the backend itself is registered by {@link registerWebGPUBackend},
 * because Node needs a `GPU` object handed in (browsers use `navigator.gpu`).
 *
 * @packageDocumentation
 */
import { registerWebGPUKernels } from './register_all_kernels.js';

export {
  WebGPUBackend,
  type Program,
  type WebGPUBackendConfig,
  type WebGPUMemory,
  type WebGPUStats,
} from './backend_webgpu.js';
export { adapterName, createWebGPUBackend, registerWebGPUBackend, softwareAdapter, type WebGPUBackendOptions } from './create.js';
export { registerWebGPUKernels, webgpuKernelConfigs, type WebGPUKernelConfig } from './register_all_kernels.js';
export { sizeClass, type PoolStats } from './buffer_pool.js';

registerWebGPUKernels();
