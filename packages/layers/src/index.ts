export * from './activations.js';
export * from './initializers.js';
export * from './regularizers.js';
export { Layer, type LayerArgs, type CallArgs, type SymbolicCallArgs, type Mask, type LayerWeight, type Tensors, type SymbolicTensors } from './engine/layer.js';
export { SymbolicTensor, formatLayerShape, type LayerShape, type Node, type SymbolicMask } from './engine/symbolic.js';
export { getKerasMask, setKerasMask } from './engine/keras_mask.js';
export { clearSession } from './engine/naming.js';
export { Model, type ModelArgs, type Data } from './engine/model.js';
export { Sequential, type SequentialArgs } from './engine/sequential.js';
export { Input, InputLayer, type InputArgs } from './layers/input.js';
export { Dense, type DenseArgs } from './layers/dense.js';
export { Activation, Dropout, Flatten, Reshape, Permute, Identity } from './layers/core.js';
export { Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot, type DotArgs } from './layers/merge.js';
export {
  ReLU,
  LeakyReLU,
  PReLU,
  ELU,
  Softmax,
  type ReLUArgs,
  type LeakyReLUArgs,
  type PReLUArgs,
  type ELUArgs,
  type SoftmaxArgs,
} from './layers/activation_layers.js';
export { Conv1D, Conv2D, Conv2DTranspose, type ConvArgs, type Conv1DArgs, type Conv2DTransposeArgs } from './layers/conv.js';
export { DepthwiseConv2D, SeparableConv2D, type DepthwiseConv2DArgs, type SeparableConv2DArgs } from './layers/depthwise_conv.js';
export { MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D, type PoolingArgs } from './layers/pooling.js';
export {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  type GlobalPoolingArgs,
} from './layers/global_pooling.js';
export { BatchNormalization, LayerNormalization, type BatchNormalizationArgs, type LayerNormalizationArgs } from './layers/normalization.js';
export { ZeroPadding2D, Cropping2D, UpSampling2D, type Amount2D, type UpSampling2DArgs } from './layers/reshaping.js';
export { SpatialDropout1D, SpatialDropout2D, type SpatialDropoutArgs } from './layers/spatial_dropout.js';
export {
  RandomFlip,
  RandomTranslation,
  RandomRotation,
  RandomZoom,
  type RandomImageArgs,
  type RandomFlipArgs,
  type AffineImageArgs,
  type RandomTranslationArgs,
  type RandomRotationArgs,
  type RandomZoomArgs,
  type Factor,
} from './layers/augmentation.js';
export {
  Rescaling,
  Normalization,
  Resizing,
  CenterCrop,
  type RescalingArgs,
  type NormalizationArgs,
  type ResizingArgs,
  type CenterCropArgs,
  type ImageSizeArgs,
  type NumberArray,
} from './layers/preprocessing.js';
export type { ResizeInterpolation } from './layers/image_resize.js';
export { Embedding, type EmbeddingArgs } from './layers/embedding.js';
export { RepeatVector, type RepeatVectorArgs } from './layers/repeat_vector.js';
export { Masking, type MaskingArgs } from './layers/masking.js';
export {
  SimpleRNNCell,
  LSTMCell,
  GRUCell,
  type RecurrentCell,
  type CellArgs,
  type GatedCellArgs,
  type LSTMCellArgs,
  type GRUCellArgs,
} from './layers/recurrent/cells.js';
export { StackedRNNCells, type StackedRNNCellsArgs } from './layers/recurrent/stacked.js';
export { RNN, type RNNArgs, type RNNOptions } from './layers/recurrent/rnn.js';
export { SimpleRNN, LSTM, GRU, type SimpleRNNArgs, type LSTMArgs, type GRUArgs } from './layers/recurrent/layers.js';
export { Bidirectional, type BidirectionalArgs, type MergeMode } from './layers/recurrent/bidirectional.js';
export { TimeDistributed, type TimeDistributedArgs } from './layers/recurrent/time_distributed.js';
export { simpleRnnStep, lstmStep, gruStep, type StepActivations } from './layers/recurrent/step.js';
export {
  GaussianNoise,
  GaussianDropout,
  AlphaDropout,
  type GaussianNoiseArgs,
  type GaussianDropoutArgs,
  type AlphaDropoutArgs,
} from './layers/noise.js';
export { ActivityRegularization, type ActivityRegularizationArgs } from './layers/activity_regularization.js';
export { UnitNormalization, type UnitNormalizationArgs } from './layers/unit_normalization.js';
export { GroupNormalization, type GroupNormalizationArgs } from './layers/group_normalization.js';
export type { DataFormat, PaddingMode } from './layers/conv_utils.js';
export type { FillMode, Interpolation } from './layers/image_sampling.js';
export {
  registerLayer,
  unregisterLayer,
  knownLayerClasses,
  layerFactory,
  layerFromConfig,
  deserializeLayer,
  type LayerFromConfigOptions,
} from './serialization/registry.js';
export { kerasArgs, activationId } from './serialization/keras_args.js';
export { configFactory, type ConfigSpec, type LayerClass } from './serialization/standard.js';
export type { LayerContext, LayerFromConfig } from './serialization/context.js';
export type { WeightBudget } from './serialization/initializer_guard.js';
export { LayerConfigError, type LayerConfigErrorCode, type LayerConfigErrorDetails } from './serialization/errors.js';
export { KERAS_LAYER_CLASSES } from './serialization/keras_classes.js';
export * from './callbacks/callback.js';
export * from './callbacks/history.js';
export * from './callbacks/progbar.js';
export * from './callbacks/early_stopping.js';
export * from './callbacks/lr_scheduler.js';
export * from './callbacks/terminate_on_nan.js';
export * from './callbacks/csv_logger.js';
export type { Metric } from './metrics/metric.js';
export { MeanMetric } from './metrics/metric.js';
export * from './metrics/builtin.js';
export { resolveMetric, METRIC_IDS, type MetricIdentifier } from './metrics/resolve.js';
export type { CompileArgs, CompiledState } from './training/compile.js';
export type { FitArgs } from './training/fit.js';
export type { EvaluateArgs } from './training/evaluate.js';
export type { PredictArgs } from './training/predict.js';
export type { SummaryOptions } from './summary.js';
export { ConcurrentUseError, TrainingDivergedError } from './errors.js';
export { checkLayerConfig } from './config_checks.js';
