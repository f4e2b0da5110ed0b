export type { DType, Shape, TypedArray, DataId, TensorInfo, NestedArray, TensorLike, DTypeArrayMap } from './types.js';
export * from './errors.js';
export type { Backend, BackendFactory } from './backend.js';
export * from './kernel_names.js';
export * from './kernel_registry.js';
export { Tensor, Variable } from './tensor.js';
export { Engine, getEngine, type MemoryInfo } from './engine/engine.js';
export * as util from './util/index.js';
