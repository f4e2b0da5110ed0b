// Every layer class through the describeLayer harness, on small shapes. Imported by
// layer_harness.test.ts (CPU) and by the WebGPU backend's tests (CPU vs WebGPU).
import * as L from '../src/index.js';
import type { LayerSpec } from './harness.js';

const relu = [0];

/** The recurrent layers, cells and wrappers (small shapes: 2 samples, 3 steps). */
export const RECURRENT_SPECS: readonly LayerSpec[] = [
  { make: () => new L.SimpleRNN({ units: 3 }), inputs: [[2, 3, 2]] },
  { name: 'SimpleRNN (sigmoid, returnSequences, goBackwards)', make: () => new L.SimpleRNN({ units: 3, activation: 'sigmoid', returnSequences: true, goBackwards: true }), inputs: [[2, 3, 2]] },
  { make: () => new L.LSTM({ units: 3 }), inputs: [[2, 3, 2]] },
  { name: 'LSTM (returnSequences, returnState)', make: () => new L.LSTM({ units: 2, returnSequences: true, returnState: true }), inputs: [[2, 3, 2]] },
  { name: 'LSTM (no bias, goBackwards)', make: () => new L.LSTM({ units: 2, useBias: false, goBackwards: true, unitForgetBias: false }), inputs: [[2, 3, 2]] },
  { make: () => new L.GRU({ units: 3 }), inputs: [[2, 3, 2]] },
  { name: 'GRU (resetAfter false, returnSequences)', make: () => new L.GRU({ units: 3, resetAfter: false, returnSequences: true }), inputs: [[2, 3, 2]] },
  { name: 'GRU (returnState)', make: () => new L.GRU({ units: 2, returnState: true }), inputs: [[2, 3, 2]] },
  { make: () => new L.SimpleRNNCell({ units: 3 }), inputs: [[2, 2], [2, 3]] },
  { make: () => new L.LSTMCell({ units: 3 }), inputs: [[2, 2], [2, 3], [2, 3]] },
  { make: () => new L.GRUCell({ units: 3 }), inputs: [[2, 2], [2, 3]] },
  { name: 'GRUCell (resetAfter false)', make: () => new L.GRUCell({ units: 3, resetAfter: false }), inputs: [[2, 2], [2, 3]] },
  {
    make: () => new L.StackedRNNCells({ cells: [new L.LSTMCell({ units: 3 }), new L.GRUCell({ units: 2 })] }),
    inputs: [[2, 2], [2, 3], [2, 3], [2, 2]],
  },
  { make: () => new L.RNN({ cell: new L.GRUCell({ units: 3 }), returnSequences: true }), inputs: [[2, 3, 2]] },
  { name: 'RNN (a list of cells)', make: () => new L.RNN({ cell: [new L.SimpleRNNCell({ units: 3 }), new L.LSTMCell({ units: 2 })] }), inputs: [[2, 3, 2]] },
  { make: () => new L.Bidirectional({ layer: new L.LSTM({ units: 2 }) }), inputs: [[2, 3, 2]] },
  { name: 'Bidirectional (GRU, sum, returnSequences)', make: () => new L.Bidirectional({ layer: new L.GRU({ units: 2, returnSequences: true }), mergeMode: 'sum' }), inputs: [[2, 3, 2]] },
  { name: 'Bidirectional (mergeMode null)', make: () => new L.Bidirectional({ layer: new L.SimpleRNN({ units: 2 }), mergeMode: null }), inputs: [[2, 3, 2]] },
  { name: 'Bidirectional (ave, backwardLayer)', make: () => new L.Bidirectional({ layer: new L.LSTM({ units: 2 }), backwardLayer: new L.GRU({ units: 2, goBackwards: true }), mergeMode: 'ave' }), inputs: [[2, 3, 2]] },
  { name: 'Bidirectional (mul, returnState)', make: () => new L.Bidirectional({ layer: new L.GRU({ units: 2, returnState: true }), mergeMode: 'mul' }), inputs: [[2, 3, 2]] },
  { make: () => new L.TimeDistributed({ layer: new L.Dense({ units: 3, activation: 'tanh' }) }), inputs: [[2, 3, 2]] },
  { name: 'TimeDistributed (Conv2D)', make: () => new L.TimeDistributed({ layer: new L.Conv2D({ filters: 2, kernelSize: 2 }) }), inputs: [[1, 2, 3, 3, 1]] },
  { make: () => new L.Masking({ maskValue: 0 }), inputs: [[2, 3, 2]] },
];

/** The specs, by title. A new layer class adds at least one (layer_harness.test.ts checks). */
export const LAYER_SPECS: readonly LayerSpec[] = [
  // Activation layers
  { make: () => new L.ReLU(), inputs: [[2, 5]], kinks: relu },
  { name: 'ReLU (maxValue 6)', make: () => new L.ReLU({ maxValue: 6 }), inputs: [[2, 5]], kinks: [0, 6], range: [-8, 8] },
  {
    name: 'ReLU (maxValue, negativeSlope, threshold)',
    make: () => new L.ReLU({ maxValue: 1.5, negativeSlope: 0.2, threshold: 0.5 }),
    inputs: [[2, 6]],
    kinks: [0.5, 1.5],
    range: [-2, 3],
  },
  { name: 'ReLU (negativeSlope)', make: () => new L.ReLU({ negativeSlope: 0.1 }), inputs: [[2, 5]], kinks: relu },
  { make: () => new L.LeakyReLU(), inputs: [[2, 3, 2]], kinks: relu },
  { make: () => new L.PReLU(), inputs: [[2, 3, 2]], kinks: relu },
  { name: 'PReLU (sharedAxes [1, 2])', make: () => new L.PReLU({ sharedAxes: [1, 2], alphaInitializer: 'ones' }), inputs: [[2, 2, 3, 2]], kinks: relu },
  { make: () => new L.ELU(), inputs: [[2, 5]], kinks: relu },
  { name: 'ELU (alpha 0.5)', make: () => new L.ELU({ alpha: 0.5 }), inputs: [[2, 5]], kinks: relu },
  { make: () => new L.Softmax(), inputs: [[2, 5]] },
  { name: 'Softmax (axis [1, 2])', make: () => new L.Softmax({ axis: [1, 2] }), inputs: [[2, 3, 2]] },
  { make: () => new L.Identity(), inputs: [[2, 3]] },
  { make: () => new L.Activation({ activation: 'tanh' }), inputs: [[2, 4]] },
  // Merges
  { make: () => new L.Add(), inputs: [[2, 3], [2, 3]] },
  { name: 'Add (broadcast ranks)', make: () => new L.Add(), inputs: [[2, 2, 3], [2, 3]] },
  { make: () => new L.Subtract(), inputs: [[2, 3], [2, 3]] },
  { make: () => new L.Multiply(), inputs: [[2, 3], [2, 3], [2, 3]] },
  { name: 'Multiply (size-1 broadcast)', make: () => new L.Multiply(), inputs: [[2, 2, 3], [2, 1, 3]] },
  { make: () => new L.Average(), inputs: [[2, 3], [2, 3]] },
  { make: () => new L.Maximum(), inputs: [[2, 4], [2, 4]] },
  { make: () => new L.Minimum(), inputs: [[2, 4], [2, 4]] },
  { make: () => new L.Dot({ axes: 1 }), inputs: [[2, 4], [2, 4]] },
  { name: 'Dot (axes [1, 2], normalize)', make: () => new L.Dot({ axes: [1, 2], normalize: true }), inputs: [[2, 3, 2], [2, 4, 3]] },
  { name: 'Dot (rank 4 and 2)', make: () => new L.Dot({ axes: [3, 1] }), inputs: [[2, 2, 2, 3], [2, 3]] },
  { make: () => new L.Concatenate(), inputs: [[2, 3], [2, 2]] },
  // Core
  { make: () => new L.Dense({ units: 3, activation: 'sigmoid' }), inputs: [[2, 4]] },
  { make: () => new L.Flatten(), inputs: [[2, 2, 3]] },
  { make: () => new L.Reshape({ targetShape: [3, 2] }), inputs: [[2, 6]] },
  { make: () => new L.Permute({ dims: [2, 1] }), inputs: [[2, 3, 2]] },
  { make: () => new L.Dropout({ rate: 0.5, seed: 1 }), inputs: [[2, 3]] },
  // Convolutions and pooling
  { make: () => new L.Conv1D({ filters: 2, kernelSize: 2, activation: 'tanh' }), inputs: [[2, 4, 2]] },
  { make: () => new L.Conv2D({ filters: 2, kernelSize: 2, padding: 'same' }), inputs: [[1, 3, 3, 2]] },
  { make: () => new L.Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 2 }), inputs: [[1, 2, 2, 2]] },
  { make: () => new L.DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2 }), inputs: [[1, 3, 3, 2]] },
  { make: () => new L.SeparableConv2D({ filters: 2, kernelSize: 2 }), inputs: [[1, 3, 3, 2]] },
  { make: () => new L.MaxPooling1D({ poolSize: 2 }), inputs: [[2, 4, 2]] },
  { make: () => new L.MaxPooling2D({ poolSize: 2 }), inputs: [[1, 4, 4, 2]] },
  { make: () => new L.AveragePooling1D({ poolSize: 2 }), inputs: [[2, 4, 2]] },
  { make: () => new L.AveragePooling2D({ poolSize: 2 }), inputs: [[1, 4, 4, 2]] },
  { make: () => new L.GlobalAveragePooling1D(), inputs: [[2, 3, 2]] },
  { make: () => new L.GlobalAveragePooling2D(), inputs: [[1, 2, 3, 2]] },
  { make: () => new L.GlobalMaxPooling1D(), inputs: [[2, 3, 2]] },
  { make: () => new L.GlobalMaxPooling2D(), inputs: [[1, 2, 3, 2]] },
  // Normalization
  { make: () => new L.BatchNormalization(), inputs: [[2, 3]] },
  { make: () => new L.LayerNormalization(), inputs: [[2, 4]] },
  // Reshaping
  { make: () => new L.ZeroPadding2D({ padding: 1 }), inputs: [[1, 2, 2, 1]] },
  { make: () => new L.Cropping2D({ cropping: [[1, 0], [0, 1]] }), inputs: [[1, 3, 3, 1]] },
  { make: () => new L.UpSampling2D({ size: 2 }), inputs: [[1, 2, 2, 1]] },
  { make: () => new L.SpatialDropout1D({ rate: 0.5 }), inputs: [[2, 3, 2]] },
  { make: () => new L.SpatialDropout2D({ rate: 0.5 }), inputs: [[1, 2, 2, 2]] },
  // Augmentation (the identity at inference)
  { make: () => new L.RandomFlip({ seed: 1 }), inputs: [[1, 3, 3, 1]] },
  { make: () => new L.RandomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed: 1 }), inputs: [[1, 3, 3, 1]] },
  { make: () => new L.RandomRotation({ factor: 0.1, seed: 1 }), inputs: [[1, 3, 3, 1]] },
  { make: () => new L.RandomZoom({ heightFactor: 0.1, seed: 1 }), inputs: [[1, 3, 3, 1]] },
  // Preprocessing, noise, embeddings, normalization (issue 13's second set)
  { make: () => new L.Rescaling({ scale: 0.5, offset: -1 }), inputs: [[2, 3]] },
  { make: () => new L.Normalization({ mean: [0, 1, 2], variance: [1, 2, 3] }), inputs: [[2, 3]] },
  { make: () => new L.Resizing({ height: 3, width: 2 }), inputs: [[1, 2, 4, 1]] },
  { make: () => new L.CenterCrop({ height: 2, width: 2 }), inputs: [[1, 3, 4, 1]] },
  { make: () => new L.Embedding({ inputDim: 5, outputDim: 2 }), inputs: [[2, 3]], ids: 5 },
  { make: () => new L.RepeatVector({ n: 2 }), inputs: [[2, 3]] },
  { make: () => new L.GaussianNoise({ stddev: 0.1 }), inputs: [[2, 3]] },
  { make: () => new L.GaussianDropout({ rate: 0.1 }), inputs: [[2, 3]] },
  { make: () => new L.AlphaDropout({ rate: 0.1 }), inputs: [[2, 3]] },
  { make: () => new L.ActivityRegularization({ l2: 0.01 }), inputs: [[2, 3]] },
  { make: () => new L.UnitNormalization(), inputs: [[2, 3]] },
  { make: () => new L.GroupNormalization({ groups: 2 }), inputs: [[2, 3, 4]] },
  ...RECURRENT_SPECS,
];
