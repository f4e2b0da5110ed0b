import { afterAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  DTypeError,
  NonFiniteError,
  ShapeError,
  ValueError,

  datasets,
  dispose,
  io,
  layers,
  losses,
  matMul,
  memory,
  optimizers,
  reshape,
  tensor,
  zeros,
  type Tensor,
} from '../src/index.js';

/**
 * The bad-input table: one row per way a user can call the public API wrongly. Each row
 * names the call, the error class it must end in, and words its message must contain
 * (what was expected, what was found, in the user's terms: argument, layer, file).
 */
interface Row {
  call: string;
  run: () => unknown;
  error: new (...args: never[]) => Error;
  words: string[];
}

/** A compiled two-layer model on 3 features and 2 outputs. */
function model(): layers.Sequential {
  const m = new layers.Sequential([new layers.Dense({ units: 4, activation: 'relu', inputShape: [3] }), new layers.Dense({ units: 2 })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}

const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [4, 3]);
const y = tensor([0, 1, 1, 0, 0, 1, 1, 0], [4, 2]);
const xNaN = tensor([1, 2, 3, 4, NaN, 6, 7, 8, 9, 10, 11, 12], [4, 3]);
const empty = zeros([0, 3]);
const emptyY = zeros([0, 2]);
const z23 = zeros([2, 3]);
const z32 = zeros([3, 2]);
const z45 = zeros([4, 5]);
const z164 = zeros([1, 64]);
const bools = tensor([1, 0], [2], 'bool');
const z3 = zeros([3]);
const z33 = zeros([3, 3]);
const z234 = zeros([2, 3, 4]);
const z254 = zeros([2, 5, 4]);
const img33 = zeros([1, 3, 3, 1]);
const silent = { verbose: 0 as const };
const enc = new TextEncoder();

/** Runs `f` on a fresh model that is freed afterwards. */
function withModel(f: (m: layers.Sequential) => unknown): () => unknown {
  return async () => {
    const m = model();
    try {
      const out = await f(m);
      if (out && typeof (out as Tensor).dispose === 'function') (out as Tensor).dispose();
      return out;
    } finally {
      m.dispose();
    }
  };
}

/** Applies a layer to `input`, then frees the layer (its weights are not a leak of the call). */
function applied(layer: layers.Layer, input: Tensor): unknown {
  try {
    return layer.apply(input);
  } finally {
    layer.dispose();
  }
}

function disposed(f: (m: layers.Sequential) => unknown): () => unknown {
  return () => {
    const m = model();
    m.dispose();
    return f(m);
  };
}

const sequentialJson = (layer: Record<string, unknown>) =>
  JSON.stringify({
    class_name: 'Sequential',
    config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'in' } }, layer] },
  });

const rows: Row[] = [
  // tensors and ops
  { call: 'tensor([1, 2, 3], [2, 2])', run: () => tensor([1, 2, 3], [2, 2]), error: ShapeError, words: ['[2, 2]', '3'] },
  { call: 'matMul([2, 3], [2, 3])', run: () => matMul(z23, z23), error: ShapeError, words: ['[2, 3]'] },
  { call: 'reshape([2, 3] -> [4])', run: () => reshape(z23, [4]), error: ShapeError, words: ['[4]', '6'] },

  // layer arguments
  { call: 'new Dense({units: 0})', run: () => new layers.Dense({ units: 0 }), error: ValueError, words: ['units', 'positive integer', '0'] },
  { call: 'new Dense({units: 1e12})', run: () => new layers.Dense({ units: 1e12 }), error: ValueError, words: ['units', '1000000000000'] },
  { call: "new Dense({units: '4'})", run: () => new layers.Dense({ units: '4' as never }), error: ValueError, words: ['units', '4'] },
  { call: "new Dense({activation: 'relux'})", run: () => new layers.Dense({ units: 2, activation: 'relux' as never }), error: ValueError, words: ['relux'] },
  { call: 'new Dropout({rate: 1.5})', run: () => new layers.Dropout({ rate: 1.5 }), error: ValueError, words: ['rate', '1.5'] },
  {
    call: "new BatchNormalization({epsilon: '0.001'})",
    run: () => new layers.BatchNormalization({ epsilon: '0.001' as never }),
    error: ValueError,
    words: ['epsilon', 'positive number', '"0.001"'],
  },
  { call: 'new BatchNormalization({momentum: 2})', run: () => new layers.BatchNormalization({ momentum: 2 }), error: ValueError, words: ['momentum', '[0, 1]', '2'] },
  { call: 'new Conv2D({filters: 0})', run: () => new layers.Conv2D({ filters: 0, kernelSize: 3 }), error: ValueError, words: ['filters', '0'] },
  { call: 'Dense({units: 2**28}) built on 64 inputs', run: () => applied(new layers.Dense({ units: 2 ** 28, inputShape: [64] }), z164), error: ValueError, words: ["weight 'kernel'", '[64, 268435456]'] },

  { call: 'Dense applied to a rank-1 tensor', run: () => new layers.Dense({ units: 2 }).apply(z3), error: ShapeError, words: ['rank 2 or more', 'rank 1'] },
  { call: 'Conv2D kernel larger than the image', run: () => applied(new layers.Conv2D({ filters: 2, kernelSize: 5 }), img33), error: ShapeError, words: ['conv2d', '5 x 5', '(None, 3, 3, 1)', "'valid'"] },
  { call: 'MaxPooling2D pool larger than the image', run: () => applied(new layers.MaxPooling2D({ poolSize: 4 }), img33), error: ShapeError, words: ['max_pooling2d', '4 x 4', '(None, 3, 3, 1)'] },
  { call: 'Concatenate of mismatched shapes', run: () => new layers.Concatenate().apply([z234, z254]), error: ShapeError, words: ['concatenate', '[*, 3, 4]', '[*, 5, 4]'] },
  { call: 'Concatenate of different batch sizes', run: () => new layers.Concatenate().apply([z23, z33]), error: ShapeError, words: ['concatenate', '[2, 3]', '[3, 3]'] },
  { call: 'Add of different batch sizes', run: () => new layers.Add().apply([z23, z33]), error: ShapeError, words: ['add', 'different batch sizes', '[2, 3]', '[3, 3]'] },

  // models: calls in the wrong state
  {
    call: 'fit before compile',
    run: async () => {
      const m = new layers.Sequential([new layers.Dense({ units: 2, inputShape: [3] })]);
      try {
        await m.fit(x, y, silent);
      } finally {
        m.dispose();
      }
    },
    error: ValueError,
    words: ['compile()', 'fit()'],
  },
  { call: 'predict after dispose', run: disposed((m) => m.predict(x)), error: DisposedError, words: ["model 'sequential'", 'disposed', 'predict'] },
  { call: 'fit after dispose', run: disposed((m) => m.fit(x, y, silent)), error: DisposedError, words: ['disposed', 'fit'] },
  { call: 'evaluate after dispose', run: disposed((m) => m.evaluate(x, y, silent)), error: DisposedError, words: ['disposed', 'evaluate'] },
  { call: 'trainOnBatch after dispose', run: disposed((m) => m.trainOnBatch(x, y)), error: DisposedError, words: ['disposed', 'trainOnBatch'] },
  { call: 'getWeights after dispose', run: disposed((m) => m.getWeights()), error: DisposedError, words: ['disposed'] },
  {
    call: 'a second fit while one runs',
    run: withModel(async (m) => {
      const first = m.fit(x, y, silent);
      try {
        await m.fit(x, y, silent);
      } finally {
        await first;
      }
    }),
    error: layers.ConcurrentUseError,
    words: ['already running fit()', 'one at a time'],
  },
  {
    call: 'evaluate while fit runs',
    run: withModel(async (m) => {
      const first = m.fit(x, y, silent);
      try {
        await m.evaluate(x, y, silent);
      } finally {
        await first;
      }
    }),
    error: layers.ConcurrentUseError,
    words: ['already running fit()', 'evaluate()'],
  },

  // models: options
  { call: 'predict(x, {batchSize: 0})', run: withModel((m) => m.predict(x, { batchSize: 0 })), error: ValueError, words: ['predict', 'batchSize', 'positive integer', '0'] },
  { call: 'predict(x, {batchSize: -1})', run: withModel((m) => m.predict(x, { batchSize: -1 })), error: ValueError, words: ['batchSize', '-1'] },
  { call: 'predict(x, {batchSize: 2.5})', run: withModel((m) => m.predict(x, { batchSize: 2.5 })), error: ValueError, words: ['batchSize', '2.5'] },
  { call: 'predict(x, {batchSize: NaN})', run: withModel((m) => m.predict(x, { batchSize: NaN })), error: ValueError, words: ['batchSize', 'NaN'] },
  { call: "predict(x, {batchSize: '8'})", run: withModel((m) => m.predict(x, { batchSize: '8' as never })), error: ValueError, words: ['batchSize', '"8"'] },
  { call: 'fit(x, y, {batchSize: 0})', run: withModel((m) => m.fit(x, y, { ...silent, batchSize: 0 })), error: ValueError, words: ['fit', 'batchSize', '0'] },
  { call: 'fit(x, y, {epochs: -1})', run: withModel((m) => m.fit(x, y, { ...silent, epochs: -1 })), error: ValueError, words: ['epochs', 'non-negative integer', '-1'] },
  { call: 'fit(x, y, {epochs: Infinity})', run: withModel((m) => m.fit(x, y, { ...silent, epochs: Infinity })), error: ValueError, words: ['epochs', 'Infinity'] },
  { call: 'fit(x, y, {validationSplit: 1.5})', run: withModel((m) => m.fit(x, y, { ...silent, validationSplit: 1.5 })), error: ValueError, words: ['validationSplit', '[0, 1)', '1.5'] },
  { call: 'fit(x, y, {stepsPerEpoch: 0})', run: withModel((m) => m.fit(x, y, { ...silent, stepsPerEpoch: 0 })), error: ValueError, words: ['stepsPerEpoch', '0'] },
  { call: 'fit(x, y, {validationBatchSize: 0})', run: withModel((m) => m.fit(x, y, { ...silent, validationBatchSize: 0 })), error: ValueError, words: ['validationBatchSize', '0'] },
  { call: 'fit(x, y, {initialEpoch: -1})', run: withModel((m) => m.fit(x, y, { ...silent, initialEpoch: -1 })), error: ValueError, words: ['initialEpoch', '-1'] },
  { call: 'fit(x, y, {verbose: 5})', run: withModel((m) => m.fit(x, y, { verbose: 5 as never })), error: ValueError, words: ['verbose', '0, 1 or 2', '5'] },
  { call: 'evaluate(x, y, {batchSize: 0})', run: withModel((m) => m.evaluate(x, y, { ...silent, batchSize: 0 })), error: ValueError, words: ['evaluate', 'batchSize', '0'] },

  // models: data
  { call: 'fit on x and y of different lengths', run: withModel((m) => m.fit(x, z32, silent)), error: ValueError, words: ['x has 4 samples', 'y has 3'] },
  { call: 'fit on x of the wrong width', run: withModel((m) => m.fit(z45, y, silent)), error: ShapeError, words: ['expects input [*, 3]', '[4, 5]'] },
  { call: 'fit on empty data', run: withModel((m) => m.fit(empty, emptyY, silent)), error: ValueError, words: ['fit', 'x has no samples', '[0, 3]'] },
  { call: 'evaluate on empty data', run: withModel((m) => m.evaluate(empty, emptyY, silent)), error: ValueError, words: ['evaluate', 'no samples'] },
  { call: 'predict on empty data', run: withModel((m) => m.predict(empty)), error: ValueError, words: ['predict', 'no samples'] },
  { call: 'fit with NaN in x', run: withModel((m) => m.fit(xNaN, y, silent)), error: NonFiniteError, words: ['x holds NaN', 'index [1, 1]', 'checkFinite'] },
  { call: 'evaluate with NaN in x', run: withModel((m) => m.evaluate(xNaN, y, silent)), error: NonFiniteError, words: ['evaluate', 'x holds NaN'] },
  { call: 'trainOnBatch with NaN in x', run: withModel((m) => m.trainOnBatch(xNaN, y)), error: NonFiniteError, words: ['trainOnBatch', 'x holds NaN'] },
  {
    call: 'fit whose loss diverges (SGD, learningRate 1e6)',
    run: withModel((m) => {
      m.compile({ optimizer: new optimizers.SGD({ learningRate: 1e6 }), loss: 'mse' });
      return m.fit(x, y, { ...silent, batchSize: 1, epochs: 5 });
    }),
    error: layers.TrainingDivergedError,
    words: ['the loss became', 'epoch', 'batch', 'last finite loss', 'TerminateOnNaN'],
  },

  // compile, optimizers, losses
  { call: "compile({optimizer: 'adamm'})", run: withModel((m) => m.compile({ optimizer: 'adamm' as never, loss: 'mse' })), error: ValueError, words: ['adamm', 'adam'] },
  { call: "compile({loss: 'msee'})", run: withModel((m) => m.compile({ optimizer: 'sgd', loss: 'msee' as never })), error: ValueError, words: ['msee'] },
  { call: 'new SGD({learningRate: -1})', run: () => new optimizers.SGD({ learningRate: -1 }), error: ValueError, words: ['learning', '-1'] },
  {
    call: 'optimizer.applyGradients after dispose',
    run: () => {
      const opt = new optimizers.Adam();
      opt.dispose();
      return opt.getWeights();
    },
    error: DisposedError,
    words: ["optimizer 'adam'", 'disposed'],
  },
  { call: "losses.getLoss('hinge_loss')", run: () => losses.getLoss('hinge_loss' as never), error: ValueError, words: ['hinge_loss'] },

  // files
  { call: 'loadModel(random bytes)', run: () => io.loadModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), error: io.ModelFileError, words: ['not a Keras model file', '01 02 03 04'] },
  { call: 'loadModel(missing path)', run: () => io.loadModel('/nonexistent/model.keras'), error: io.ModelFileError, words: ['cannot read the file', '/nonexistent/model.keras'] },
  {
    call: 'modelFromJSON with no layers',
    run: () => io.modelFromJSON({ class_name: 'Sequential', config: { name: 's', layers: [] } }),
    error: io.ModelFileError,
    words: ['lists no layers'],
  },
  {
    call: 'loadModel(JSON with BatchNormalization epsilon as a string)',
    run: () => io.loadModel(enc.encode(sequentialJson({ class_name: 'BatchNormalization', config: { name: 'bn', epsilon: '0.001' } }))),
    error: io.ModelFileError,
    words: ["layer 'bn'", "'epsilon'", 'positive number', '"0.001"'],
  },
  {
    call: "loadModel(JSON with Dense units '8')",
    run: () => io.loadModel(enc.encode(sequentialJson({ class_name: 'Dense', config: { name: 'd', units: '8' } }))),
    error: io.ModelFileError,
    words: ["layer 'd'", "'units'", 'positive integer', '"8"'],
  },
  {
    call: 'loadModel(JSON with an unknown layer class)',
    run: () => io.loadModel(enc.encode(sequentialJson({ class_name: 'Frobnicate', config: { name: 'f' } }))),
    error: io.ModelFileError,
    words: ['unknown layer class', 'Frobnicate', 'registerLayer'],
  },
  { call: 'saveModel of an unbuilt model', run: () => io.saveModel(new layers.Sequential(), null), error: io.ModelFileError, words: ['not built'] },

  // datasets
  { call: 'toCategorical(labels, 0)', run: () => datasets.toCategorical([1, 2], 0), error: ValueError, words: ['numClasses', 'positive integer', '0'] },
  { call: "toCategorical of bool labels", run: () => datasets.toCategorical(bools), error: DTypeError, words: ['int32 or float32', 'bool'] },
  { call: 'cifar10.loadRaw({limit: 5})', run: () => datasets.cifar10.loadRaw({ source: '/nonexistent', limit: 5 as never }), error: ValueError, words: ['limit', 'object'] },
  { call: 'cifar10.loadRaw from a missing folder', run: () => datasets.cifar10.loadRaw({ source: '/nonexistent/cifar' }), error: datasets.DatasetError, words: ['/nonexistent/cifar'] },
];

afterAll(async () => {
  dispose([x, y, xNaN, empty, emptyY, z23, z32, z45, z164, bools, z3, img33, z33, z234, z254]);
  await io.stopH5Worker();
});

describe(`the bad-input table (${rows.length} rows): every misuse ends in a typed error that says what and where`, () => {
  it.each(rows.map((r) => [r.call, r] as const))('%s', async (_call, row) => {
    layers.clearSession();
    const start = memory().numTensors;
    let caught: unknown;
    try {
      await row.run();
    } catch (e) {
      caught = e;
    }
    expect(caught, `${row.call} did not throw`).toBeInstanceOf(row.error);
    const message = (caught as Error).message;
    for (const w of row.words) expect(message, `${row.call}: "${message}" lacks "${w}"`).toContain(w);
    expect(memory().numTensors, `${row.call} leaked tensors`).toBeLessThanOrEqual(start);
  });
});
