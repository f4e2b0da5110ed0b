/**
 * Convolutions at the tutorials' shapes (NHWC, batch {@link BATCH}): the MNIST CNN's two
 * 5x5 layers and the CIFAR-10 CNN's first 3x3 'same' layer. `forward` is conv2d alone;
 * `fwd+bwd` is conv2d and both of its gradients (input and filter) for a given dy, as
 * `grads` computes them in either library.
 */
import { conv2d, dispose, grads, tensor, tidy } from '@tessera/tensor';
import { randomArray } from '../data.js';
import type { BenchCase, ImplName, Runner } from '../harness.js';
import { isPython } from '../python.js';
import { isTessera, withThreads } from '../tessera.js';
import { tf, useTfjs } from '../tfjs.js';

/** The tutorials train at batch 128; one batch is one unit of work here. */
export const BATCH = 128;

export interface ConvShape {
  readonly label: string;
  readonly h: number;
  readonly w: number;
  readonly inC: number;
  readonly k: number;
  readonly outC: number;
  readonly padding: 'valid' | 'same';
}

/** The tutorials' layers (also the WebGPU bench's, src/webgpu/cases.ts). */
export const SHAPES: ConvShape[] = [
  { label: '28x28x1 -> 32 5x5', h: 28, w: 28, inC: 1, k: 5, outC: 32, padding: 'valid' },
  { label: '24x24x32 -> 32 5x5', h: 24, w: 24, inC: 32, k: 5, outC: 32, padding: 'valid' },
  { label: '32x32x3 -> 32 3x3 same', h: 32, w: 32, inC: 3, k: 3, outC: 32, padding: 'same' },
];

type Shape4 = [number, number, number, number];

/** Shapes, seeded values and the forward product's flops of one convolution at batch `batch`. */
export function convInputs(s: ConvShape, batch: number) {
  const xShape: Shape4 = [batch, s.h, s.w, s.inC];
  const fShape: Shape4 = [s.k, s.k, s.inC, s.outC];
  const oh = s.padding === 'same' ? s.h : s.h - s.k + 1;
  const ow = s.padding === 'same' ? s.w : s.w - s.k + 1;
  const yShape: Shape4 = [batch, oh, ow, s.outC];
  const size = (shape: Shape4) => shape.reduce((a, b) => a * b);
  return {
    xShape,
    fShape,
    yShape,
    xv: randomArray(size(xShape), 11),
    fv: randomArray(size(fShape), 12, -0.1, 0.1),
    dyv: randomArray(size(yShape), 13),
    forwardFlops: 2 * batch * oh * ow * s.outC * s.k * s.k * s.inC,
  };
}

function convCase(s: ConvShape, backward: boolean): BenchCase {
  const { xShape, fShape, yShape, xv, fv, dyv, forwardFlops } = convInputs(s, BATCH);
  const flops = forwardFlops * (backward ? 3 : 1);
  return {
    name: `conv2d ${s.label} ${backward ? 'fwd+bwd' : 'forward'}`,
    group: 'conv',
    work: { amount: flops, unit: 'GFLOP/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      if (isPython(impl)) return 'not measured in Python';
      if (impl === 'tfjs-cpu' && backward && s.inC > 1) {
        return "skipped: one run takes ~170 s (tfjs-cpu's Conv2DBackpropFilter is a plain loop)";
      }
      if (isTessera(impl)) {
        const x = tensor(xv, xShape);
        const f = tensor(fv, fShape);
        const dy = tensor(dyv, yShape);
        const g = grads((a, b) => conv2d(a, b, { padding: s.padding }));
        const once = backward
          ? () => tidy(() => g([x, f], dy).forEach((t) => t.dataSync()))
          : () => tidy(() => {
              conv2d(x, f, { padding: s.padding }).dataSync();
            });
        return { run: withThreads(impl, once), dispose: () => dispose([x, f, dy]) };
      }
      const backend = impl === 'tfjs-wasm' ? 'wasm' : 'cpu';
      await useTfjs(backend);
      const x = tf.tensor4d(xv, xShape);
      const f = tf.tensor4d(fv, fShape);
      const dy = tf.tensor4d(dyv, yShape);
      const g = tf.grads((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, s.padding));
      const once = backward
        ? () => tf.tidy(() => g([x, f], dy).forEach((t) => t.dataSync()))
        : () =>
            // A block body: a tidy that returns the read array walks its elements (slow in tfjs).
            tf.tidy(() => {
              tf.conv2d(x, f, 1, s.padding).dataSync();
            });
      return {
        run: async () => {
          await useTfjs(backend);
          once();
        },
        dispose: () => tf.dispose([x, f, dy]),
      };
    },
  };
}

export function convCases(): BenchCase[] {
  return SHAPES.flatMap((s) => [convCase(s, false), convCase(s, true)]);
}
