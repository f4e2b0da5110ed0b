import { registerKernels, type AnyKernelConfig } from '@tessera/tensor';
import type { WebGPUBackend } from './backend_webgpu.js';
import { binaryConfigs, comparisonConfigs, selectConfig } from './kernels/binary.js';
import { castConfig } from './kernels/Cast.js';
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig, conv2dConfig, fusedConv2dConfig } from './kernels/conv.js';
import {
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  depthwiseConv2dConfig,
} from './kernels/depthwise_conv.js';
import { gatherConfig, oneHotConfig, padConfig, tileConfig, unsortedSegmentSumConfig } from './kernels/indexing.js';
import { concatConfig, reverseConfig, sliceConfig, transposeConfig } from './kernels/layout.js';
import { fusedMatMulConfig, matMulConfig } from './kernels/MatMul.js';
import { applyAdamConfig, applyRMSPropConfig, applySGDConfig } from './kernels/optimizer_updates.js';
import { gruCellConfig, gruCellGradConfig, lstmCellConfig, lstmCellGradConfig } from './kernels/recurrent_cells.js';
import { avgPoolConfig, avgPoolGradConfig, maxPoolConfig, maxPoolGradConfig } from './kernels/pool.js';
import { argMaxConfig, argMinConfig, reduceConfigs } from './kernels/reduce.js';
import {
  resizeBilinearConfig,
  resizeBilinearGradConfig,
  resizeNearestNeighborConfig,
  resizeNearestNeighborGradConfig,
} from './kernels/resize.js';
import { softmaxCrossEntropyWithLogitsConfig, softmaxCrossEntropyWithLogitsGradConfig } from './kernels/softmax_cross_entropy.js';
import { fusedActivationGradConfig } from './kernels/fused_activation_grad.js';
import { clipByValueConfig, leakyReluConfig, logicalNotConfig, unaryConfigs } from './kernels/unary.js';

/** A kernel config of the WebGPU backend, for any kernel name. */
export type WebGPUKernelConfig = AnyKernelConfig<WebGPUBackend>;

/** Every kernel of the WebGPU backend: one per name in `KERNEL_NAMES` but DropoutMask (the op's host fallback draws it) and FusedConv2DBackpropFilter (its op's composite runs on these), each a WGSL shader. */
export const webgpuKernelConfigs: readonly WebGPUKernelConfig[] = [
  ...unaryConfigs,
  logicalNotConfig,
  fusedActivationGradConfig,
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
  fusedMatMulConfig,
  transposeConfig,
  concatConfig,
  sliceConfig,
  gatherConfig,
  padConfig,
  tileConfig,
  reverseConfig,
  oneHotConfig,
  unsortedSegmentSumConfig,
  conv2dConfig,
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  fusedConv2dConfig,
  depthwiseConv2dConfig,
  depthwiseConv2dBackpropInputConfig,
  depthwiseConv2dBackpropFilterConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  avgPoolConfig,
  avgPoolGradConfig,
  resizeNearestNeighborConfig,
  resizeNearestNeighborGradConfig,
  resizeBilinearConfig,
  resizeBilinearGradConfig,
  softmaxCrossEntropyWithLogitsConfig,
  softmaxCrossEntropyWithLogitsGradConfig,
  applySGDConfig,
  applyAdamConfig,
  applyRMSPropConfig,
  lstmCellConfig,
  lstmCellGradConfig,
  gruCellConfig,
  gruCellGradConfig,
];

/**
 * Registers every WebGPU kernel under the backend name `'webgpu'`. Importing
 * `@tessera/webgpu-backend` calls this; calling it again does nothing.
 */
export function registerWebGPUKernels(): void {
  registerKernels(webgpuKernelConfigs);
}
