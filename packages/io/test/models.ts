// Models that together use every layer class Tessera has, with random weights.
import * as tl from '@tessera/layers';
import {
  Activation,
  Add,
  Average,
  Dot,
  ELU,
  Identity,
  LeakyReLU,
  Maximum,
  Minimum,
  Multiply,
  PReLU,
  ReLU,
  Softmax,
  Subtract,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Concatenate,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Flatten,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  Input,
  Layer,
  LayerNormalization,
  MaxPooling1D,
  MaxPooling2D,
  Model,
  Permute,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  Reshape,
  SeparableConv2D,
  Sequential,
  SpatialDropout1D,
  SpatialDropout2D,
  UpSampling2D,
  ZeroPadding2D,
  type SymbolicTensor,
} from '@tessera/layers';
import { Prng, dispose, tensor, type Tensor } from '@tessera/tensor';

/** Gives every weight random values (variances positive), so a load that mixes them up shows. */
export function randomizeWeights(model: Model, seed: number): void {
  const rng = new Prng(seed);
  for (const layer of allLayers(model)) {
    const values = layer.weightEntries.map((w) => {
      const n = w.variable.size;
      const data = Float32Array.from({ length: n }, () => (w.name === 'moving_variance' || w.name === 'variance' ? 0.5 + rng.nextFloat() : rng.nextNormal() * 0.3));
      return tensor(data, w.variable.shape);
    });
    if (values.length) layer.setWeights(values);
    dispose(values);
  }
}

/** Layers of a model, nested models' layers included. */
export function allLayers(model: Model): Layer[] {
  return model.layers.flatMap((l) => (l instanceof Model ? [l, ...allLayers(l)] : [l]));
}

/** Images [12, 12, 3] through every image layer. */
export function imageModel(): Sequential {
  return new Sequential({
    name: 'images',
    layers: [
      new RandomFlip({ inputShape: [12, 12, 3], seed: 1 }),
      new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, seed: 2 }),
      new RandomRotation({ factor: 0.1, seed: 3 }),
      new RandomZoom({ heightFactor: 0.1, seed: 4 }),
      new ZeroPadding2D({ padding: 1 }),
      new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new BatchNormalization(),
      new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }),
      new SeparableConv2D({ filters: 5, kernelSize: 3, padding: 'same', activation: 'tanh' }),
      new MaxPooling2D({ poolSize: 2 }),
      new SpatialDropout2D({ rate: 0.2 }),
      new UpSampling2D({ size: 2 }),
      new Cropping2D({ cropping: [[1, 1], [2, 0]] }),
      new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
      new AveragePooling2D({ poolSize: 2 }),
      new GlobalAveragePooling2D(),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

/** Sequences [10, 4] through every 1-D layer, with a second head on global max pooling. */
export function sequenceModel(): Model {
  const x = Input({ shape: [10, 4], name: 'steps' });
  let h = new Conv1D({ filters: 6, kernelSize: 3, padding: 'causal', activation: 'relu' }).apply(x) as SymbolicTensor;
  h = new LayerNormalization().apply(h) as SymbolicTensor;
  h = new SpatialDropout1D({ rate: 0.1 }).apply(h) as SymbolicTensor;
  const a = new MaxPooling1D({ poolSize: 2 }).apply(h) as SymbolicTensor;
  const b = new AveragePooling1D({ poolSize: 2 }).apply(h) as SymbolicTensor;
  const ga = new GlobalAveragePooling1D().apply(a) as SymbolicTensor;
  const gm = new GlobalMaxPooling1D().apply(b) as SymbolicTensor;
  const image = Input({ shape: [4, 4, 2], name: 'small_image' });
  const gi = new GlobalMaxPooling2D().apply(image) as SymbolicTensor;
  const merged = new Concatenate().apply([ga, gm, gi]) as SymbolicTensor;
  const out = new Dense({ units: 2 }).apply(merged) as SymbolicTensor;
  return new Model({ inputs: [x, image], outputs: out, name: 'sequences' });
}

/** A functional model with shared layers, merges, reshapes and a nested Sequential. */
export function functionalModel(): Model {
  const x = Input({ shape: [6], name: 'features' });
  const shared = new Dense({ units: 6, activation: 'relu', name: 'shared' });
  const h1 = shared.apply(x) as SymbolicTensor;
  const h2 = shared.apply(h1) as SymbolicTensor; // the same layer twice: node indices 0 and 1
  const r = new Reshape({ targetShape: [2, 3] }).apply(h2) as SymbolicTensor;
  const p = new Permute({ dims: [2, 1] }).apply(r) as SymbolicTensor;
  const f = new Flatten().apply(p) as SymbolicTensor;
  const sum = new Add().apply([f, h1]) as SymbolicTensor;
  const act = new Activation({ activation: 'sigmoid' }).apply(sum) as SymbolicTensor;
  const drop = new Dropout({ rate: 0.3 }).apply(act) as SymbolicTensor;
  const inner = new Sequential({
    name: 'inner',
    layers: [new Dense({ units: 4, activation: 'elu', inputShape: [6] }), new BatchNormalization(), new Dense({ units: 2 })],
  });
  const out = inner.apply(drop) as SymbolicTensor;
  return new Model({ inputs: x, outputs: out, name: 'functional_mix' });
}

/** Token ids in [0, TOKENS) feed the input named `token_ids` (an Embedding's). */
const TOKENS = 10;

/**
 * The stock layers of issue 13 part 3: an image branch (Rescaling, Resizing, CenterCrop,
 * GroupNormalization), a feature branch (fixed and adapted Normalization, the noise layers,
 * ActivityRegularization, UnitNormalization) and token ids through an Embedding, merged and
 * repeated (RepeatVector).
 */
export function stockModel(): Model {
  const picture = Input({ shape: [10, 12, 3], name: 'picture' });
  let p = new tl.Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(picture) as SymbolicTensor;
  p = new tl.Resizing({ height: 8, width: 8, cropToAspectRatio: true }).apply(p) as SymbolicTensor;
  p = new tl.CenterCrop({ height: 6, width: 6 }).apply(p) as SymbolicTensor;
  p = new Conv2D({ filters: 4, kernelSize: 3 }).apply(p) as SymbolicTensor;
  p = new tl.GroupNormalization({ groups: 2 }).apply(p) as SymbolicTensor;
  p = new GlobalAveragePooling2D().apply(p) as SymbolicTensor;
  const values = Input({ shape: [5], name: 'values' });
  const adapted = new tl.Normalization();
  const sample = tensor(Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)), [4, 5]);
  adapted.adapt(sample);
  sample.dispose();
  let v = new tl.Normalization({ mean: [0, 1, 2, 3, 4], variance: [1, 2, 3, 4, 5] }).apply(values) as SymbolicTensor;
  v = adapted.apply(v) as SymbolicTensor;
  v = new Dense({ units: 6, activation: 'selu' }).apply(v) as SymbolicTensor;
  v = new tl.GaussianNoise({ stddev: 0.1 }).apply(v) as SymbolicTensor;
  v = new tl.GaussianDropout({ rate: 0.1 }).apply(v) as SymbolicTensor;
  v = new tl.AlphaDropout({ rate: 0.1 }).apply(v) as SymbolicTensor;
  v = new tl.ActivityRegularization({ l2: 0.01 }).apply(v) as SymbolicTensor;
  v = new tl.UnitNormalization().apply(v) as SymbolicTensor;
  const ids = Input({ shape: [4], name: 'token_ids' });
  let t = new tl.Embedding({ inputDim: TOKENS, outputDim: 3 }).apply(ids) as SymbolicTensor;
  t = new Flatten().apply(t) as SymbolicTensor;
  let h = new Concatenate().apply([p, v, t]) as SymbolicTensor;
  h = new Dense({ units: 4 }).apply(h) as SymbolicTensor;
  h = new tl.RepeatVector({ n: 2 }).apply(h) as SymbolicTensor;
  h = new Flatten().apply(h) as SymbolicTensor;
  return new Model({ inputs: [picture, values, ids], outputs: new Dense({ units: 2 }).apply(h) as SymbolicTensor, name: 'stock_layers' });
}

/**
 * The sequence layers of issue 14: token ids through an Embedding with `maskZero` into every
 * recurrent layer, cell and wrapper, the mask reaching each.
 */
export function recurrentModel(): Model {
  const ids = Input({ shape: [5], name: 'token_ids' });
  let h = new tl.Embedding({ inputDim: TOKENS, outputDim: 3, maskZero: true }).apply(ids) as SymbolicTensor;
  h = new tl.Masking({ maskValue: 0 }).apply(h) as SymbolicTensor;
  h = new tl.SimpleRNN({ units: 3, returnSequences: true }).apply(h) as SymbolicTensor;
  h = new tl.Bidirectional({ layer: new tl.GRU({ units: 2, returnSequences: true, resetAfter: false }), mergeMode: 'sum' }).apply(h) as SymbolicTensor;
  h = new tl.TimeDistributed({ layer: new Dense({ units: 3 }) }).apply(h) as SymbolicTensor;
  const cells = new tl.StackedRNNCells({ cells: [new tl.SimpleRNNCell({ units: 2 }), new tl.LSTMCell({ units: 2 }), new tl.GRUCell({ units: 2 })] });
  h = new tl.RNN({ cell: cells, returnSequences: true }).apply(h) as SymbolicTensor;
  h = new tl.GRU({ units: 3, returnSequences: true }).apply(h) as SymbolicTensor;
  const [out, state, carry] = new tl.LSTM({ units: 2, returnState: true }).apply(h) as SymbolicTensor[];
  const merged = new Concatenate().apply([out, state, carry]) as SymbolicTensor;
  return new Model({ inputs: ids, outputs: new Dense({ units: 2 }).apply(merged) as SymbolicTensor, name: 'recurrent' });
}

/** Every layer of a model, the layers wrappers hold (an RNN's cell, Bidirectional's layers) included. */
export function allLayersDeep(model: Model): Layer[] {
  const out: Layer[] = [];
  const visit = (l: Layer) => {
    out.push(l);
    for (const [, sub] of l.savedSublayers()) (Array.isArray(sub) ? sub : [sub]).forEach(visit);
  };
  allLayers(model).forEach(visit);
  return out;
}

/** Inputs for each model (integer ids for an input named `token_ids`). */
export function inputsFor(model: Model, seed: number): Tensor[] {
  const rng = new Prng(seed);
  return model.inputs.map((i) => {
    const shape = [5, ...(i.shape.slice(1) as number[])];
    const n = shape.reduce((a, b) => a * b, 1);
    const ids = i.sourceLayer.name === 'token_ids';
    return tensor(Float32Array.from({ length: n }, () => (ids ? Math.floor(rng.nextFloat() * TOKENS) : rng.nextNormal())), shape);
  });
}

/** Layer classes exported by @tessera/layers (Model classes aside). */
export function exportedLayerClasses(): string[] {
  return Object.values(tl)
    .filter((v) => typeof v === 'function' && v.prototype instanceof Layer && v !== Model && v !== Sequential)
    .map((v) => (v as unknown as { className: string }).className)
    .sort();
}

/** Every activation layer and merge beyond Add and Concatenate, in one functional model. */
export function activationModel(): Model {
  const x = Input({ shape: [6], name: 'signal' });
  const a = new Dense({ units: 6 }).apply(x) as SymbolicTensor;
  const b = new Dense({ units: 6 }).apply(x) as SymbolicTensor;
  const r = new ReLU({ maxValue: 2, negativeSlope: 0.1, threshold: 0.2 }).apply(a) as SymbolicTensor;
  const l = new LeakyReLU({ negativeSlope: 0.2 }).apply(b) as SymbolicTensor;
  const p = new PReLU().apply(a) as SymbolicTensor;
  const e = new ELU({ alpha: 0.7 }).apply(b) as SymbolicTensor;
  const s = new Subtract().apply([r, l]) as SymbolicTensor;
  const m = new Multiply().apply([p, e]) as SymbolicTensor;
  const avg = new Average().apply([s, m, r]) as SymbolicTensor;
  const mx = new Maximum().apply([avg, l]) as SymbolicTensor;
  const mn = new Minimum().apply([mx, p]) as SymbolicTensor;
  const i = new Identity().apply(mn) as SymbolicTensor;
  const grid = new Reshape({ targetShape: [2, 3] }).apply(i) as SymbolicTensor;
  const shared = new Flatten().apply(new PReLU({ sharedAxes: [1] }).apply(grid) as SymbolicTensor) as SymbolicTensor;
  const d = new Dot({ axes: 1, normalize: true }).apply([shared, a]) as SymbolicTensor;
  const sm = new Softmax().apply(new Dense({ units: 3 }).apply(i) as SymbolicTensor) as SymbolicTensor;
  const out = new Concatenate().apply([d, sm]) as SymbolicTensor;
  return new Model({ inputs: x, outputs: out, name: 'activations_merges' });
}
