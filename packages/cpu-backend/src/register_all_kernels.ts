import { getEngine, registerKernels, type AnyKernelConfig } from '@tessera/tensor';
import { CpuBackend } from './backend_cpu.js';
import { applyAdamConfig } from './kernels/ApplyAdam.js';
import { applyRMSPropConfig } from './kernels/ApplyRMSProp.js';
import { applySGDConfig } from './kernels/ApplySGD.js';
import { argMaxConfig, argMinConfig } from './kernels/arg_reduce.js';
import { avgPoolConfig } from './kernels/AvgPool.js';
import { avgPoolGradConfig } from './kernels/AvgPoolGrad.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { depthwiseConv2DConfig } from './kernels/DepthwiseConv2D.js';
import { depthwiseConv2DBackpropFilterConfig } from './kernels/DepthwiseConv2DBackpropFilter.js';
import { depthwiseConv2DBackpropInputConfig } from './kernels/DepthwiseConv2DBackpropInput.js';
import { dropoutMaskConfig } from './kernels/DropoutMask.js';
import { maxPoolConfig } from './kernels/MaxPool.js';
import { maxPoolGradConfig } from './kernels/MaxPoolGrad.js';
import { resizeBilinearConfig } from './kernels/ResizeBilinear.js';
import { resizeBilinearGradConfig } from './kernels/ResizeBilinearGrad.js';
import { resizeNearestNeighborConfig } from './kernels/ResizeNearestNeighbor.js';
import { resizeNearestNeighborGradConfig } from './kernels/ResizeNearestNeighborGrad.js';
import { binaryConfigs, comparisonConfigs } from './kernels/binary.js';
import { castConfig } from './kernels/Cast.js';
import { clipByValueConfig } from './kernels/ClipByValue.js';
import { concatConfig } from './kernels/Concat.js';
import { gatherConfig } from './kernels/Gather.js';
import { gruCellConfig } from './kernels/GRUCell.js';
import { gruCellGradConfig } from './kernels/GRUCellGrad.js';
import { fusedActivationGradConfig } from './kernels/FusedActivationGrad.js';
import { fusedConv2DBackpropFilterConfig } from './kernels/FusedConv2DBackpropFilter.js';
import { leakyReluConfig } from './kernels/LeakyRelu.js';
import { logicalNotConfig } from './kernels/LogicalNot.js';
import { lstmCellConfig } from './kernels/LSTMCell.js';
import { lstmCellGradConfig } from './kernels/LSTMCellGrad.js';
import { matMulConfig } from './kernels/MatMul.js';
import { fusedConv2DConfig } from './kernels/FusedConv2D.js';
import { fusedMatMulConfig } from './kernels/FusedMatMul.js';
import { softmaxCrossEntropyWithLogitsConfig } from './kernels/SoftmaxCrossEntropyWithLogits.js';
import { softmaxCrossEntropyWithLogitsGradConfig } from './kernels/SoftmaxCrossEntropyWithLogitsGrad.js';
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
export type CpuKernelConfig = AnyKernelConfig<CpuBackend>;

/** Every kernel of the CPU backend: one per name in `KERNEL_NAMES`. */
export const cpuKernelConfigs: readonly CpuKernelConfig[] = [
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
  conv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  fusedConv2DBackpropFilterConfig,
  fusedConv2DConfig,
  depthwiseConv2DConfig,
  depthwiseConv2DBackpropInputConfig,
  depthwiseConv2DBackpropFilterConfig,
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
  dropoutMaskConfig,
];

/**
 * Registers the CPU backend (name `'cpu'`, priority 1) and all its kernels with the
 * engine. Importing `@tessera/cpu-backend` calls this; calling it again does nothing.
 */
export function registerCpuBackend(): void {
  const engine = getEngine();
  if (!engine.backendNames().includes('cpu')) engine.registerBackend('cpu', () => new CpuBackend(), 1);
  registerKernels(cpuKernelConfigs);
}
