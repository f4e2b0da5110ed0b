import { ELU, LeakyReLU, PReLU, ReLU, Softmax } from '../layers/activation_layers.js';
import { ActivityRegularization } from '../layers/activity_regularization.js';
import { Embedding } from '../layers/embedding.js';
import { GroupNormalization } from '../layers/group_normalization.js';
import { AlphaDropout, GaussianDropout, GaussianNoise } from '../layers/noise.js';
import { CenterCrop, Normalization, Rescaling, Resizing } from '../layers/preprocessing.js';
import { RepeatVector } from '../layers/repeat_vector.js';
import { UnitNormalization } from '../layers/unit_normalization.js';
import { Activation, Dropout, Flatten, Identity, Permute, Reshape } from '../layers/core.js';
import { RandomFlip, RandomRotation, RandomTranslation, RandomZoom } from '../layers/augmentation.js';
import { Conv1D, Conv2D, Conv2DTranspose } from '../layers/conv.js';
import { Dense } from '../layers/dense.js';
import { DepthwiseConv2D, SeparableConv2D } from '../layers/depthwise_conv.js';
import { GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D } from '../layers/global_pooling.js';
import { InputLayer } from '../layers/input.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from '../layers/merge.js';
import { BatchNormalization, LayerNormalization } from '../layers/normalization.js';
import { AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D } from '../layers/pooling.js';
import { Cropping2D, UpSampling2D, ZeroPadding2D } from '../layers/reshaping.js';
import { SpatialDropout1D, SpatialDropout2D } from '../layers/spatial_dropout.js';
import { Masking } from '../layers/masking.js';
import { Bidirectional } from '../layers/recurrent/bidirectional.js';
import { GRUCell, LSTMCell, RecurrentCell, SimpleRNNCell } from '../layers/recurrent/cells.js';
import { GRU, LSTM, SimpleRNN } from '../layers/recurrent/layers.js';
import { RNN } from '../layers/recurrent/rnn.js';
import { StackedRNNCells } from '../layers/recurrent/stacked.js';
import { TimeDistributed } from '../layers/recurrent/time_distributed.js';
import { Layer } from '../engine/layer.js';
import type { LayerContext, LayerFromConfig } from './context.js';
import { LayerConfigError } from './errors.js';
import { describeValue } from './keras_args.js';
import { configFactory, unsupportedOption, type ConfigSpec } from './standard.js';

const DENSE_INITS = { kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros' };

const RNN_INITS = { kernel_initializer: 'glorot_uniform', recurrent_initializer: 'orthogonal', bias_initializer: 'zeros' };

/** A nested layer of a wrapper's config, of the class the wrapper needs. */
function nested<T>(ctx: LayerContext, config: Record<string, unknown>, key: string, cls: abstract new (...a: never[]) => T, what: string): T {
  const layer = ctx.deserialize(config[key]);
  if (!(layer instanceof cls)) {
    throw new LayerConfigError('bad_config', `${ctx.className}: \`${key}\` must be ${what}`, {
      layer: typeof config.name === 'string' ? config.name : undefined,
      found: layer instanceof Layer ? layer.className : describeValue(config[key]),
    });
  }
  return layer;
}

/**
 * The recurrent layers' and cells' config spec: Keras 2's `implementation` (how the gates are
 * computed: same numbers) and `time_major` (only false) are accepted.
 */
function recurrentSpec(extra: Partial<ConfigSpec> = {}): ConfigSpec {
  return { inits: RNN_INITS, only: { time_major: [false, null] }, drop: ['implementation', 'time_major', 'use_cudnn'], adapt: extra.adapt };
}

// Keras 2 before reset_after existed wrote no such key: those GRUs are reset-before (a 1-D bias).
const gruSpec = /* @__PURE__ */ recurrentSpec({
  adapt(args, config) {
    if (!('reset_after' in config)) args.resetAfter = false;
  },
});

const rnnSpec: ConfigSpec = {
  only: { time_major: [false, null] },
  drop: ['time_major'],
  adapt(args, config, ctx) {
    const spec = config.cell;
    args.cell = Array.isArray(spec)
      ? spec.map((c, i) => nested(ctx, { ...config, [`cell_${i}`]: c }, `cell_${i}`, RecurrentCell, 'a recurrent cell'))
      : nested(ctx, config, 'cell', RecurrentCell, 'a recurrent cell (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells)');
  },
};

const inputLayer: LayerFromConfig = (config, ctx) => {
  if (config.sparse === true || config.ragged === true) throw unsupportedOption(ctx, config, 'a sparse or ragged input');
  let shape = (config.batch_shape ?? config.batch_input_shape) as unknown;
  if (shape === undefined && Array.isArray(config.shape)) shape = [config.batch_size ?? null, ...(config.shape as unknown[])];
  if (shape === undefined && Array.isArray(config.input_shape)) shape = [config.batch_size ?? null, ...(config.input_shape as unknown[])];
  if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && (d as number) > 0))) {
    throw new LayerConfigError('bad_config', `InputLayer: expected batch_shape as a list of positive integers or null`, {
      layer: typeof config.name === 'string' ? config.name : undefined,
      found: describeValue(shape),
    });
  }
  return new InputLayer({ batchShape: shape as (number | null)[], name: typeof config.name === 'string' ? config.name : undefined });
};

/**
 * The `fromConfig` of every layer class @tessera/layers exports, by Keras class name. A new
 * layer class adds its line here (a test checks that every exported class has one).
 */
export const BUILT_IN: Readonly<Record<string, LayerFromConfig>> = /* @__PURE__ */ builtIn();

// A function called once, marked pure: a bundle that deserializes no layer drops the table and,
// with it, every layer class the app does not use (its configFactory calls are code bundlers
// cannot prove free of side effects).
function builtIn(): Record<string, LayerFromConfig> {
  return {
    InputLayer: inputLayer,
    Dense: configFactory(Dense, { inits: DENSE_INITS }),
    Activation: configFactory(Activation),
    Dropout: configFactory(Dropout),
    Flatten: configFactory(Flatten, { only: { data_format: ['channels_last', null] } }),
    Reshape: configFactory(Reshape),
    Permute: configFactory(Permute),
    Concatenate: configFactory(Concatenate),
    Add: configFactory(Add),
    Subtract: configFactory(Subtract),
    Multiply: configFactory(Multiply),
    Average: configFactory(Average),
    Maximum: configFactory(Maximum),
    Minimum: configFactory(Minimum),
    Dot: configFactory(Dot),
    Identity: configFactory(Identity),
    ReLU: configFactory(ReLU),
    // Keras 2 called the slope alpha.
    LeakyReLU: configFactory(LeakyReLU, { rename: { alpha: 'negative_slope' } }),
    PReLU: configFactory(PReLU, { inits: { alpha_initializer: 'zeros' } }),
    ELU: configFactory(ELU),
    Softmax: configFactory(Softmax),
    Conv1D: configFactory(Conv1D, { inits: DENSE_INITS, only: { groups: [1] } }),
    Conv2D: configFactory(Conv2D, { inits: DENSE_INITS, only: { groups: [1] } }),
    Conv2DTranspose: configFactory(Conv2DTranspose, { inits: DENSE_INITS, only: { groups: [1] } }),
    DepthwiseConv2D: configFactory(DepthwiseConv2D, { inits: { depthwise_initializer: 'glorot_uniform', bias_initializer: 'zeros' } }),
    SeparableConv2D: configFactory(SeparableConv2D, {
      inits: { depthwise_initializer: 'glorot_uniform', pointwise_initializer: 'glorot_uniform', bias_initializer: 'zeros' },
    }),
    MaxPooling1D: configFactory(MaxPooling1D),
    MaxPooling2D: configFactory(MaxPooling2D),
    AveragePooling1D: configFactory(AveragePooling1D),
    AveragePooling2D: configFactory(AveragePooling2D),
    GlobalAveragePooling1D: configFactory(GlobalAveragePooling1D),
    GlobalAveragePooling2D: configFactory(GlobalAveragePooling2D),
    GlobalMaxPooling1D: configFactory(GlobalMaxPooling1D),
    GlobalMaxPooling2D: configFactory(GlobalMaxPooling2D),
    BatchNormalization: configFactory(BatchNormalization, {
      inits: { beta_initializer: 'zeros', gamma_initializer: 'ones', moving_mean_initializer: 'zeros', moving_variance_initializer: 'ones' },
      only: { renorm: [false, null], virtual_batch_size: [null], adjustment: [null] },
      drop: ['renorm', 'renorm_clipping', 'renorm_momentum', 'fused', 'virtual_batch_size', 'adjustment', 'trainable_statistics'],
      adapt(args, config, ctx) {
        // Keras 2 may store the axis as a one-element list.
        if (Array.isArray(args.axis)) {
          if (args.axis.length !== 1) throw unsupportedOption(ctx, config, `normalizing over several axes (axis=${describeValue(args.axis)})`);
          args.axis = args.axis[0];
        }
      },
    }),
    LayerNormalization: configFactory(LayerNormalization, {
      inits: { beta_initializer: 'zeros', gamma_initializer: 'ones' },
      only: { rms_scaling: [false, null] },
      drop: ['rms_scaling'],
    }),
    ZeroPadding2D: configFactory(ZeroPadding2D),
    Cropping2D: configFactory(Cropping2D),
    UpSampling2D: configFactory(UpSampling2D),
    SpatialDropout1D: configFactory(SpatialDropout1D, { drop: ['noise_shape'] }),
    SpatialDropout2D: configFactory(SpatialDropout2D, { drop: ['noise_shape'] }),
    RandomFlip: configFactory(RandomFlip),
    RandomTranslation: configFactory(RandomTranslation),
    RandomRotation: configFactory(RandomRotation),
    RandomZoom: configFactory(RandomZoom),
    Rescaling: configFactory(Rescaling),
    Normalization: configFactory(Normalization),
    Resizing: configFactory(Resizing),
    CenterCrop: configFactory(CenterCrop),
    Embedding: configFactory(Embedding, { inits: { embeddings_initializer: 'uniform' } }),
    RepeatVector: configFactory(RepeatVector),
    GaussianNoise: configFactory(GaussianNoise),
    GaussianDropout: configFactory(GaussianDropout),
    AlphaDropout: configFactory(AlphaDropout),
    ActivityRegularization: configFactory(ActivityRegularization),
    UnitNormalization: configFactory(UnitNormalization),
    Masking: configFactory(Masking),
    SimpleRNNCell: configFactory(SimpleRNNCell, recurrentSpec()),
    LSTMCell: configFactory(LSTMCell, recurrentSpec()),
    GRUCell: configFactory(GRUCell, gruSpec),
    StackedRNNCells: configFactory(StackedRNNCells, {
      adapt(args, config, ctx) {
        if (!Array.isArray(config.cells)) throw new LayerConfigError('bad_config', 'StackedRNNCells: `cells` must be a list', { found: describeValue(config.cells) });
        args.cells = config.cells.map((c, i) => nested(ctx, { [`cells[${i}]`]: c }, `cells[${i}]`, RecurrentCell, 'a recurrent cell'));
      },
    }),
    RNN: configFactory(RNN, rnnSpec),
    SimpleRNN: configFactory(SimpleRNN, recurrentSpec()),
    LSTM: configFactory(LSTM, recurrentSpec()),
    GRU: configFactory(GRU, gruSpec),
    // Keras 2's CuDNN layers compute what LSTM (tanh, sigmoid) and a reset-after GRU compute; @tessera/io
    // converts their weights' CuDNN layout when a file loads, as Keras 2 does.
    CuDNNLSTM: configFactory(LSTM, recurrentSpec()),
    CuDNNGRU: configFactory(
      GRU,
      recurrentSpec({
        adapt(args) {
          args.resetAfter = true;
        },
      }),
    ),
    Bidirectional: configFactory(Bidirectional, {
      drop: ['num_constants'],
      adapt(args, config, ctx) {
        args.layer = nested(ctx, config, 'layer', RNN, 'a recurrent layer (LSTM, GRU, SimpleRNN, RNN)');
        if (config.backward_layer !== undefined && config.backward_layer !== null) {
          args.backwardLayer = nested(ctx, config, 'backward_layer', RNN, 'a recurrent layer (LSTM, GRU, SimpleRNN, RNN)');
        }
        // Python's None is a merge mode here (the two outputs as a list), not "the default".
        args.mergeMode = config.merge_mode === undefined ? 'concat' : config.merge_mode;
      },
    }),
    TimeDistributed: configFactory(TimeDistributed, {
      adapt(args, config, ctx) {
        args.layer = nested(ctx, config, 'layer', Layer, 'a layer');
      },
    }),
    GroupNormalization: configFactory(GroupNormalization, { inits: { beta_initializer: 'zeros', gamma_initializer: 'ones' } }),
  };
}

/** Keras's other names for the same classes (aliases and older spellings). */
export const ALIASES: Readonly<Record<string, string>> = {
  MaxPool1D: 'MaxPooling1D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool1D: 'AveragePooling1D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  Convolution2DTranspose: 'Conv2DTranspose',
  Deconvolution2D: 'Conv2DTranspose',
  SeparableConvolution2D: 'SeparableConv2D',
};
