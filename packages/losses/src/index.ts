export { attachLogits, logitsOf, type AttachedLogits, type LogitsActivation } from './logits.js';
export {
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  binaryCrossentropy,
  type CategoricalCrossentropyOptions,
  type SparseCategoricalCrossentropyOptions,
  type BinaryCrossentropyOptions,
} from './crossentropy.js';
export { meanSquaredError, meanAbsoluteError, huber } from './regression.js';
export { klDivergence } from './kl_divergence.js';
export { hinge } from './hinge.js';
export { EPSILON } from './checks.js';
export { REDUCTIONS, type Reduction } from './reduction.js';
export { Loss, LossFunctionWrapper, type LossOptions, type LossConfig, type LossFunction } from './loss.js';
export {
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  BinaryCrossentropy,
  MeanSquaredError,
  MeanAbsoluteError,
  Huber,
  KLDivergence,
  Hinge,
} from './classes.js';
export { getLoss, registerLoss, serializeLoss, type LossClass, type LossIdentifier, type SerializedLoss } from './registry.js';
