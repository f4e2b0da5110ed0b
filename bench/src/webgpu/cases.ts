/**
 * The WebGPU cases: matrix products (1024, 2048, 4096), the tutorials' convolutions (forward,
 * and forward with both gradients) and the MLP and CNN training steps, on Tessera's WebGPU
 * backend and on TensorFlow.js's, with the same values.
 *
 * GPU work is asynchronous, so one timed run enqueues `repeat` operations and then reads one
 * element of the last result (a 4-byte read: the queue runs everything before it), in both
 * libraries alike; reading whole results would time the copy to the host instead of the kernels.
 * On a software adapter (`smoke` scale) the shapes shrink so that a run takes seconds, not hours.
 */
import { conv2d, dispose, grads, matMul, slice, tensor, type Tensor } from '@tessera/tensor';
import * as tfl from '@tensorflow/tfjs-layers';
import { convInputs, SHAPES as CONVS, type ConvShape } from '../cases/conv.js';
import { mnistArrays, randomArray } from '../data.js';
import type { BenchCase, ImplName, Runner } from '../harness.js';
import { tesseraModel, tfjsModel, weightsOf, type ModelKind } from '../cases/models.js';
import { tf } from '../tfjs.js';

export type Scale = 'gpu' | 'smoke';

/** Waits for Tessera's queue by reading one element of `t`. */
async function settle(t: Tensor): Promise<void> {
  const one = slice(t, new Array(t.rank).fill(0), new Array(t.rank).fill(1));
  await one.data();
  one.dispose();
}

/** Waits for tfjs's queue by reading one element of `t`. */
async function settleTf(t: tf.Tensor): Promise<void> {
  const one = tf.slice(t, new Array(t.rank).fill(0), new Array(t.rank).fill(1));
  await one.data();
  one.dispose();
}

function matmulCase(n: number, repeat: number): BenchCase {
  const av = randomArray(n * n, 1);
  const bv = randomArray(n * n, 2);
  return {
    name: `matmul ${n} x${repeat}`,
    group: 'matmul',
    work: { amount: 2 * n * n * n * repeat, unit: 'GFLOP/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      if (impl === 'tessera-webgpu') {
        const a = tensor(av, [n, n]);
        const b = tensor(bv, [n, n]);
        return {
          run: async () => {
            let y: Tensor | undefined;
            for (let i = 0; i < repeat; i++) {
              y?.dispose();
              y = matMul(a, b);
            }
            await settle(y!);
            y!.dispose();
          },
          dispose: () => dispose([a, b]),
        };
      }
      const a = tf.tensor2d(av, [n, n]);
      const b = tf.tensor2d(bv, [n, n]);
      return {
        run: async () => {
          let y: tf.Tensor | undefined;
          for (let i = 0; i < repeat; i++) {
            y?.dispose();
            y = tf.matMul(a, b);
          }
          await settleTf(y!);
          y!.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

function convCase(s: ConvShape, backward: boolean, batch: number, repeat: number): BenchCase {
  const { xShape, fShape, yShape, xv, fv, dyv, forwardFlops } = convInputs(s, batch);
  const flops = forwardFlops * (backward ? 3 : 1) * repeat;
  return {
    name: `conv2d ${s.label} b${batch} ${backward ? 'fwd+bwd' : 'forward'} x${repeat}`,
    group: 'conv',
    work: { amount: flops, unit: 'GFLOP/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      if (impl === 'tessera-webgpu') {
        const x = tensor(xv, xShape);
        const f = tensor(fv, fShape);
        const dy = tensor(dyv, yShape);
        const g = grads((a, b) => conv2d(a, b, { padding: s.padding }));
        return {
          run: async () => {
            let outs: Tensor[] = [];
            for (let i = 0; i < repeat; i++) {
              dispose(outs);
              outs = backward ? g([x, f], dy) : [conv2d(x, f, { padding: s.padding })];
            }
            for (const t of outs) await settle(t);
            dispose(outs);
          },
          dispose: () => dispose([x, f, dy]),
        };
      }
      const x = tf.tensor4d(xv, xShape);
      const f = tf.tensor4d(fv, fShape);
      const dy = tf.tensor4d(dyv, yShape);
      const g = tf.grads((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, s.padding));
      return {
        run: async () => {
          let outs: tf.Tensor[] = [];
          for (let i = 0; i < repeat; i++) {
            tf.dispose(outs);
            outs = backward ? g([x, f], dy) : [tf.conv2d(x, f, 1, s.padding)];
          }
          for (const t of outs) await settleTf(t);
          tf.dispose(outs);
        },
        dispose: () => tf.dispose([x, f, dy]),
      };
    },
  };
}

/** One `trainOnBatch` of the MLP (RMSprop) or the CNN (Adam) on real MNIST; both libraries start from the same weights. */
function trainStepCase(kind: ModelKind, batch: number): BenchCase {
  let weights: ReturnType<typeof weightsOf> | undefined;
  return {
    name: `train step ${kind === 'mlp' ? 'MLP (RMSprop)' : 'CNN (Adam)'} b${batch}`,
    group: 'train',
    work: { amount: batch, unit: 'samples/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      const data = await mnistArrays();
      const shape = kind === 'mlp' ? [batch, 784] : [batch, 28, 28, 1];
      const xv = data.xTrain.subarray(0, batch * 784);
      const yv = data.yTrain.subarray(0, batch * 10);
      const model = tesseraModel(kind);
      weights ??= await Promise.all(
        model.getWeights().map(async (w) => {
          const values = (await w.data()) as Float32Array;
          const out = { values: Float32Array.from(values), shape: [...w.shape] };
          w.dispose();
          return out;
        }),
      );
      if (impl === 'tessera-webgpu') {
        const x = tensor(xv, shape);
        const y = tensor(yv, [batch, 10]);
        return {
          // trainOnBatch reads the loss: the step has finished on the GPU when it resolves.
          run: async () => void (await model.trainOnBatch(x, y)),
          dispose: () => {
            dispose([x, y]);
            model.dispose();
          },
        };
      }
      model.dispose();
      const twin: tfl.Sequential = tfjsModel(kind, weights);
      const x = tf.tensor(xv, shape);
      const y = tf.tensor2d(yv, [batch, 10]);
      return {
        run: async () => void (await twin.trainOnBatch(x, y)),
        dispose: () => {
          tf.dispose([x, y]);
          twin.dispose();
        },
      };
    },
  };
}

/** Every WebGPU case at the given scale. */
export function webgpuCases(scale: Scale): BenchCase[] {
  if (scale === 'smoke') {
    return [
      matmulCase(256, 1),
      matmulCase(512, 1),
      ...CONVS.map((s) => convCase(s, false, 4, 1)),
      convCase(CONVS[0], true, 4, 1),
      trainStepCase('mlp', 16),
      trainStepCase('cnn', 16),
    ];
  }
  return [
    matmulCase(1024, 16),
    matmulCase(2048, 4),
    matmulCase(4096, 1),
    ...CONVS.flatMap((s) => [convCase(s, false, 128, 8), convCase(s, true, 128, 4)]),
    trainStepCase('mlp', 128),
    trainStepCase('cnn', 128),
  ];
}
