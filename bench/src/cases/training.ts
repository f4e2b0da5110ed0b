/**
 * Whole-model cases on real MNIST: one training step (batch 128) of the MLP and of the
 * CNN, `predict` on the 10,000 test images with the MLP, and one epoch of the MLP over
 * the 60,000 training images. Both libraries are fed the same Float32Arrays.
 */
import { dispose, tensor, type Tensor } from '@tessera/tensor';
import { mnistArrays, type MnistArrays } from '../data.js';
import type { BenchCase, ImplName, Runner } from '../harness.js';
import { isPython, pythonRunner, type PythonCase } from '../python.js';
import { isTessera, withThreads } from '../tessera.js';
import { tf, useTfjs } from '../tfjs.js';
import { tesseraLstmModel, tesseraModel, tfjsModel, weightsOf, type ModelKind } from './models.js';

const BATCH = 128;
/** PyTorch's OpenBLAS threads spin up to 2^28 cycles (0.08-0.13 s) after a call: see `Runner.settleMs`. */
const TORCH_SETTLE_MS = 150;

/** One model per implementation and case; the tfjs twins start from the Tessera model's weights. */
function twins(kind: ModelKind) {
  let weights: ReturnType<typeof weightsOf> | undefined;
  return async (impl: ImplName) => {
    const model = tesseraModel(kind);
    weights ??= weightsOf(model);
    if (isTessera(impl)) return { tessera: model };
    model.dispose();
    await useTfjs(impl === 'tfjs-wasm' ? 'wasm' : 'cpu');
    return { tfjs: tfjsModel(kind, weights) };
  };
}

const imageShape = (kind: ModelKind, n: number) => (kind === 'mlp' ? [n, 784] : [n, 28, 28, 1]);

/** The same case in Keras or PyTorch (bench/python/engines.py), on the first `n` training images. */
function inPython(impl: 'keras' | 'torch', pythonCase: PythonCase, data: MnistArrays, n: number): Promise<Runner | string> {
  const key = `mnist-${n}`;
  return pythonRunner(impl, pythonCase, { key, x: data.xTrain.subarray(0, n * 784), y: data.yTrain.subarray(0, n * 10), n }, BATCH).then((r) =>
    typeof r === 'string' ? r : { ...r, compilesFirst: impl === 'keras', settleMs: impl === 'torch' ? TORCH_SETTLE_MS : undefined },
  );
}

function trainStepCase(kind: ModelKind): BenchCase {
  const make = twins(kind);
  return {
    name: `train step ${kind === 'mlp' ? 'MLP (RMSprop)' : 'CNN (Adam)'} b${BATCH}`,
    group: 'train',
    work: { amount: BATCH, unit: 'samples/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      const data = await mnistArrays();
      if (isPython(impl)) return inPython(impl, `${kind}-step`, data, BATCH);
      const xv = data.xTrain.subarray(0, BATCH * 784);
      const yv = data.yTrain.subarray(0, BATCH * 10);
      const { tessera, tfjs } = await make(impl);
      if (tessera) {
        const x = tensor(xv, imageShape(kind, BATCH));
        const y = tensor(yv, [BATCH, 10]);
        return {
          run: withThreads(impl, async () => void (await tessera.trainOnBatch(x, y))),
          dispose: () => {
            dispose([x, y]);
            tessera.dispose();
          },
        };
      }
      const backend = impl === 'tfjs-wasm' ? 'wasm' : 'cpu';
      const x = tf.tensor(xv, imageShape(kind, BATCH));
      const y = tf.tensor2d(yv, [BATCH, 10]);
      return {
        run: async () => {
          await useTfjs(backend);
          await tfjs!.trainOnBatch(x, y);
        },
        dispose: () => {
          tf.dispose([x, y]);
          tfjs!.dispose();
        },
      };
    },
  };
}

function predictCase(): BenchCase {
  const make = twins('mlp');
  return {
    name: 'predict MLP 10k MNIST b32',
    group: 'predict',
    work: { amount: 10_000, unit: 'samples/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      if (isPython(impl)) return 'not measured in Python';
      const data = await mnistArrays();
      const { tessera, tfjs } = await make(impl);
      if (tessera) {
        const x = tensor(data.xTest, [data.testCount, 784]);
        return {
          // Keras's (and both libraries') default predict batch size, 32, spelled out.
          run: withThreads(impl, () => {
            const y = tessera.predict(x, { batchSize: 32 }) as Tensor;
            y.dataSync();
            y.dispose();
          }),
          dispose: () => {
            x.dispose();
            tessera.dispose();
          },
        };
      }
      const backend = impl === 'tfjs-wasm' ? 'wasm' : 'cpu';
      const x = tf.tensor2d(data.xTest, [data.testCount, 784]);
      return {
        run: async () => {
          await useTfjs(backend);
          const y = tfjs!.predict(x, { batchSize: 32 }) as tf.Tensor;
          y.dataSync();
          y.dispose();
        },
        dispose: () => {
          x.dispose();
          tfjs!.dispose();
        },
      };
    },
  };
}

/**
 * One epoch of the MLP (shuffled, batch 128, no validation). An epoch is 469 steps (10
 * to 60 s), so it runs fewer rounds than the other cases (`--epoch-reps`, default 3) and
 * no warm-up (the train step case before it has compiled the same code).
 * The JavaScript tfjs backend takes minutes per epoch and is left out.
 */
function epochCase(samples: number, reps: number, warmup: number): BenchCase {
  const make = twins('mlp');
  return {
    name: `fit 1 epoch MLP ${samples % 1000 === 0 ? `${samples / 1000}k` : samples} MNIST b${BATCH}`,
    group: 'epoch',
    work: { amount: samples, unit: 'samples/s' },
    reps,
    warmup,
    slowMs: Infinity,
    async setup(impl: ImplName): Promise<Runner | string> {
      if (impl === 'tfjs-cpu') return 'skipped: minutes per epoch (see the train step row)';
      const data = await mnistArrays();
      if (isPython(impl)) return inPython(impl, 'mlp-epoch', data, samples);
      const xv = data.xTrain.subarray(0, samples * 784);
      const yv = data.yTrain.subarray(0, samples * 10);
      const { tessera, tfjs } = await make(impl);
      if (tessera) {
        const x = tensor(xv, [samples, 784]);
        const y = tensor(yv, [samples, 10]);
        return {
          run: withThreads(impl, async () => void (await tessera.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 }))),
          dispose: () => {
            dispose([x, y]);
            tessera.dispose();
          },
        };
      }
      const x = tf.tensor2d(xv, [samples, 784]);
      const y = tf.tensor2d(yv, [samples, 10]);
      return {
        run: async () => {
          await useTfjs('wasm');
          await tfjs!.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0 });
        },
        dispose: () => {
          tf.dispose([x, y]);
          tfjs!.dispose();
        },
      };
    },
  };
}

/**
 * One training step of LSTM(128) -> Dense(10, softmax) (Adam) on a batch of 128 MNIST images
 * read as sequences: 28 steps (rows) of 28 features. Keras and PyTorch run it; Tessera runs it
 * once `@tessera/layers` has an LSTM layer ({@link tesseraLstmModel}), and until then the row
 * says so. tfjs-layers has an LSTM, but its gradient is minutes per step on these backends.
 */
function lstmStepCase(): BenchCase {
  return {
    name: `train step LSTM(128) MNIST rows b${BATCH}`,
    group: 'train',
    work: { amount: BATCH, unit: 'samples/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      const data = await mnistArrays();
      if (isPython(impl)) return inPython(impl, 'lstm-step', data, BATCH);
      if (!isTessera(impl)) return 'skipped: not compared with tfjs (see the source)';
      const model = tesseraLstmModel();
      if (typeof model === 'string') return model;
      const x = tensor(data.xTrain.subarray(0, BATCH * 784), [BATCH, 28, 28]);
      const y = tensor(data.yTrain.subarray(0, BATCH * 10), [BATCH, 10]);
      return {
        run: withThreads(impl, async () => void (await model.trainOnBatch(x, y))),
        dispose: () => {
          dispose([x, y]);
          model.dispose();
        },
      };
    },
  };
}

export function trainingCases(options: { quick: boolean; epochReps: number; samples?: number }): BenchCase[] {
  const samples = options.samples ?? (options.quick ? 6_000 : 60_000);
  return [
    trainStepCase('mlp'),
    trainStepCase('cnn'),
    lstmStepCase(),
    predictCase(),
    options.quick ? epochCase(samples, 1, 0) : epochCase(samples, options.epochReps, 0),
  ];
}
