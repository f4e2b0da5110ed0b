export { Optimizer, type OptimizerOptions, type OptimizerConfig, type SlotSpec, type ScalarState, type GradientPair } from './optimizer.js';
export { hasFusedUpdate, type FusedUpdateKernel } from './fused.js';
export { SGD, type SGDOptions, type SGDConfig } from './sgd.js';
export { RMSprop, type RMSpropOptions, type RMSpropConfig } from './rmsprop.js';
export { Adam, AdamW, type AdamOptions, type AdamConfig } from './adam.js';
export { Adagrad, type AdagradOptions, type AdagradConfig } from './adagrad.js';
export { Adadelta, type AdadeltaOptions, type AdadeltaConfig } from './adadelta.js';
export { Adamax, type AdamaxOptions, type AdamaxConfig } from './adamax.js';
export { Nadam, type NadamOptions, type NadamConfig } from './nadam.js';
export {
  LearningRateSchedule,
  ExponentialDecay,
  PiecewiseConstantDecay,
  CosineDecay,
  registerSchedule,
  serializeSchedule,
  deserializeSchedule,
  type ScheduleClass,
  type Config,
  type JsonValue,
  type SerializedObject,
  type SerializedInput,
} from './schedules.js';
export { getOptimizer, registerOptimizer, serialize, deserialize, type OptimizerClass, type OptimizerIdentifier } from './registry.js';
