/**
 * The CPU backend of Tessera. Importing this module registers the backend under the
 * name `'cpu'` with every kernel (a side effect, listed in package.json `sideEffects`).
 *
 * @packageDocumentation
 */
import { registerCpuBackend } from './register_all_kernels.js';

export { CpuBackend, type CpuTensorData, type NoteValues } from './backend_cpu.js';
export {
  getGemmAccumulation,
  getGemmImplementation,
  setGemmAccumulation,
  setGemmImplementation,
  wasmGemmAvailable,
  type GemmAccumulation,
  type GemmImplementation,
} from './util/gemm_wasm.js';
export {
  gemmThreadSplits,
  gemmThreadsAvailable,
  gemmThreadsReady,
  getGemmThreads,
  setGemmThreads,
  type GemmThreads,
} from './util/gemm_threads.js';
export {
  enableRelaxedSimd,
  fusedMultiplyAddAvailable,
  getWasmMultiplyAdd,
  setWasmMultiplyAdd,
  type MultiplyAdd,
} from './util/multiply_add.js';
export {
  getVectorImplementation,
  setVectorImplementation,
  wasmVectorAvailable,
  type VectorImplementation,
} from './util/vector_wasm.js';
export { getTensorMemory, setTensorMemory, wasmTensorMemoryAvailable, type TensorMemory } from './util/arena.js';
export { cpuKernelConfigs, registerCpuBackend, type CpuKernelConfig } from './register_all_kernels.js';

registerCpuBackend();
