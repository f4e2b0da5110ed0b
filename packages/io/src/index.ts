export { ModelFileError, type ModelFileErrorCode, type ModelFileErrorDetails } from './errors.js';
export {
  loadModel,
  saveModel,
  loadWeights,
  saveWeights,
  modelFromJSON,
  modelToJSON,
  readModelConfig,
  type ReadModelConfigOptions,
  type ModelSource,
  type ModelTarget,
  type LoadModelOptions,
  type SaveModelOptions,
  type SaveWeightsOptions,
  type LoadWeightsOptions,
} from './api.js';
export {
  readModel,
  readWeightsInto,
  writeModel,
  writeWeights,
  sniff,
  type KerasModelConfig,
  type ReadModelOptions,
  type ReadWeightsOptions,
  type WriteModelOptions,
} from './keras/formats.js';
// Layer deserialization lives in @tessera/layers; these stay here so code written against io keeps working.
export { registerLayer, unregisterLayer, kerasArgs, knownLayerClasses, type LayerFromConfig, type LayerContext } from '@tessera/layers';
export { modelFromKerasConfig, type BuildOptions } from './keras/from_config.js';
export { kerasOperation, isKerasOperation, KERAS_OPERATIONS, KerasOperation } from './keras/keras_operation.js';
export { modelCompileConfig, compileFromConfig } from './compile_config.js';
export { KERAS_VERSION } from './keras/weights.js';
export type { KerasBackend } from './keras/keras1_weights.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './checkpoint.js';
export { pyFormat } from './pyformat.js';
export { parseNpy, type NpyArray } from './npy.js';
export { readH5, writeH5, stopH5Worker, type H5ReadOptions } from './h5_host.js';
export type { H5Group, H5Dataset, H5Node, H5Attr } from './h5/tree.js';
export { listStoredModels, deleteStoredModel, type StoredModel } from './storage/indexeddb.js';
