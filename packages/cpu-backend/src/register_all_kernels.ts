import { getEngine, getKernel, registerKernel, type KernelConfig, type KernelName } from '@tessera/tensor';
import { CpuBackend } from './backend_cpu.js';
import { argMaxConfig, argMinConfig } from './kernels/arg_reduce.js';
import { binaryConfigs, comparisonConfigs } from './kernels/binary.js';
import { castConfig } from './kernels/Cast.js';
import { clipByValueConfig } from './kernels/ClipByValue.js';
import { concatConfig } from './kernels/Concat.js';
import { gatherConfig } from './kernels/Gather.js';
import { leakyReluConfig } from './kernels/LeakyRelu.js';
import { logicalNotConfig } from './kernels/LogicalNot.js';
import { matMulConfig } from './kernels/MatMul.js';
import { oneHotConfig } from './kernels/OneHot.js';
import { padConfig } from './kernels/Pad.js';
import { reduceConfigs } from './kernels/reduce.js';
import { reverseConfig } from './kernels/Reverse.js';
import { selectConfig } from './kernels/Select.js';
import { sliceConfig } from './kernels/Slice.js';
import { tileConfig } from './kernels/Tile.js';
import { transposeConfig } from './kernels/Transpose.js';
import { unaryConfigs } from './kernels/unary.js';
import { unsortedSegmentSumConfig } from './kernels/UnsortedSegmentSum.js';

/** A kernel config of the CPU backend, for any kernel name. */
export type CpuKernelConfig = { [K in KernelName]: KernelConfig<K, CpuBackend> }[KernelName];

/** Every kernel of the CPU backend: one per name in `KERNEL_NAMES`. */
export const cpuKernelConfigs: readonly CpuKernelConfig[] = [
  ...unaryConfigs,
  logicalNotConfig,
  leakyReluConfig,
  clipByValueConfig,
  castConfig,
  ...binaryConfigs,
  ...comparisonConfigs,
  selectConfig,
  ...reduceConfigs,
  argMaxConfig,
  argMinConfig,
  matMulConfig,
  transposeConfig,
  concatConfig,
  sliceConfig,
  gatherConfig,
  padConfig,
  tileConfig,
  reverseConfig,
  oneHotConfig,
  unsortedSegmentSumConfig,
];

/**
 * Registers the CPU backend (name `'cpu'`, priority 1) and all its kernels with the
 * engine. Importing `@tessera/cpu-backend` calls this; calling it again does nothing.
 */
export function registerCpuBackend(): void {
  const engine = getEngine();
  if (!engine.backendNames().includes('cpu')) engine.registerBackend('cpu', () => new CpuBackend(), 1);
  for (const config of cpuKernelConfigs) {
    // registerKernel<K> wants the config of one name K; a union of such configs does not
    // fit it, so widen it to KernelName (the registry looks each one up by its own name).
    if (!getKernel(config.kernelName, 'cpu')) registerKernel(config as KernelConfig<KernelName, CpuBackend>);
  }
}
