/**
 * The layer class names Keras itself defines (Keras 3.15's `keras.layers`, plus the Keras 1
 * and 2 classes since removed), so a file naming one that Tessera lacks gets told so, rather
 * than the hint for a user's own layer.
 */
export const KERAS_LAYER_CLASSES: ReadonlySet<string> = /* @__PURE__ */ (() =>
  // In a function marked pure: a bundle that deserializes no layer leaves the list out.
  new Set(
    [
      // Keras 3
      'Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D AdaptiveAveragePooling3D',
      'AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add AdditiveAttention AlphaDropout Attention AugMix',
      'AutoContrast Average AveragePooling1D AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D AvgPool3D',
      'BatchNormalization Bidirectional CategoryEncoding CenterCrop Concatenate ContrastLimitedAdaptiveHistogramEqualization',
      'Conv1D Conv1DTranspose Conv2D Conv2DTranspose Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Convolution1D',
      'Convolution1DTranspose Convolution2D Convolution2DTranspose Convolution3D Convolution3DTranspose Cropping1D Cropping2D',
      'Cropping3D CutMix Dense DepthwiseConv1D DepthwiseConv2D Discretization Dot Dropout ELU EinsumDense Embedding',
      'Equalization Flatten FlaxLayer GRU GRUCell GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D',
      'GlobalAveragePooling3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D GlobalMaxPool2D GlobalMaxPool3D',
      'GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GroupNormalization GroupQueryAttention HashedCrossing Hashing',
      'Identity InputLayer IntegerLookup JaxLayer LSTM LSTMCell Lambda LayerNormalization LeakyReLU Masking',
      'MaxNumBoundingBoxes MaxPool1D MaxPool2D MaxPool3D MaxPooling1D MaxPooling2D MaxPooling3D Maximum MelSpectrogram Minimum',
      'MixUp MultiHeadAttention Multiply Normalization PReLU Permute Pipeline RMSNormalization RNN RandAugment RandomBrightness',
      'RandomColorDegeneration RandomColorJitter RandomContrast RandomCrop RandomElasticTransform RandomErasing RandomFlip',
      'RandomGaussianBlur RandomGrayscale RandomHue RandomInvert RandomPerspective RandomPosterization RandomRotation',
      'RandomSaturation RandomSharpness RandomShear RandomTranslation RandomZoom ReLU RepeatVector Rescaling Reshape Resizing',
      'ReversibleEmbedding STFTSpectrogram SeparableConv1D SeparableConv2D SeparableConvolution1D SeparableConvolution2D',
      'SimpleRNN SimpleRNNCell Softmax Solarization SpatialDropout1D SpatialDropout2D SpatialDropout3D SpectralNormalization',
      'StackedRNNCells StringLookup Subtract TFSMLayer TextVectorization TimeDistributed TorchModuleWrapper UnitNormalization',
      'UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D',
      // Keras 2 (removed in Keras 3)
      'ThresholdedReLU LocallyConnected1D LocallyConnected2D CuDNNGRU CuDNNLSTM DenseFeatures RandomHeight RandomWidth',
      'Deconvolution2D Deconvolution3D AbstractRNNCell',
      // Keras 1
      'Merge Highway MaxoutDense TimeDistributedDense AtrousConvolution1D AtrousConvolution2D SReLU',
    ]
      .join(' ')
      .split(' '),
  ))();

/**
 * Keras classes that hold code rather than configuration: what each holds, for the message
 * that says why it cannot load.
 */
export const CODE_LAYERS: Readonly<Record<string, string>> = {
  Lambda: 'a Python function (saved as Python bytecode or source)',
  JaxLayer: 'a JAX function',
  FlaxLayer: 'a Flax module',
  TorchModuleWrapper: 'a PyTorch module',
  TFSMLayer: 'a TensorFlow SavedModel',
};
