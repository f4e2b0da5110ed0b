// The CNN ops as a user meets them: output shapes, the messages of bad arguments, the
// composite batchNorm and moments with their gradients, and gradients autodiff skips.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ShapeError,
  ValueError,
  avgPool2d,
  batchNorm,
  conv1d,
  conv2d,
  conv2dTranspose,
  depthwiseConv2d,
  dispose,
  getKernel,
  grads,
  maxPool1d,
  maxPool2d,
  memory,
  moments,
  ones,
  registerKernel,
  resizeBilinear,
  resizeNearestNeighbor,
  tensor,
  tidy,
  unregisterKernel,
  zeros,
  type KernelConfig,
  type Tensor,
} from '../src/index.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const thrown = (fn: () => unknown): Error => {
  try {
    tidy(fn);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('CNN op shapes', () => {
  it('follow Keras for the tutorial layers', () => {
    tidy(() => {
      const x = zeros([8, 28, 28, 1]);
      expect(conv2d(x, zeros([5, 5, 1, 32])).shape).toEqual([8, 24, 24, 32]);
      expect(conv2d(x, zeros([3, 3, 1, 4]), { strides: 2, padding: 'same' }).shape).toEqual([8, 14, 14, 4]);
      expect(conv2d(x, zeros([3, 3, 1, 4]), { dilations: 2 }).shape).toEqual([8, 24, 24, 4]);
      expect(maxPool2d(zeros([8, 24, 24, 32]), { poolSize: 2 }).shape).toEqual([8, 12, 12, 32]);
      expect(maxPool2d(zeros([1, 7, 5, 3]), { poolSize: 2, padding: 'same' }).shape).toEqual([1, 4, 3, 3]);
      expect(depthwiseConv2d(zeros([2, 9, 9, 3]), zeros([3, 3, 3, 2]), { padding: 'same' }).shape).toEqual([2, 9, 9, 6]);
      expect(conv2dTranspose(zeros([1, 7, 7, 8]), zeros([3, 3, 4, 8]), [1, 14, 14, 4], { strides: 2, padding: 'same' }).shape).toEqual([1, 14, 14, 4]);
      expect(conv1d(zeros([4, 10, 3]), zeros([3, 3, 5]), { padding: 'causal' }).shape).toEqual([4, 10, 5]);
      expect(maxPool1d(zeros([4, 10, 3]), { poolSize: 3 }).shape).toEqual([4, 3, 3]);
      expect(resizeNearestNeighbor(zeros([4, 4, 3]), [8, 6]).shape).toEqual([8, 6, 3]);
    });
  });

  it('average with same padding divides by the positions inside, as TensorFlow', () => {
    tidy(() => expect(values(avgPool2d(ones([1, 3, 3, 1]), { poolSize: 2, strides: 1, padding: 'same' }))).toEqual(new Array(9).fill(1)));
  });

  it('upsample by repeating pixels (nearest) and by interpolating (bilinear)', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
      expect(values(resizeNearestNeighbor(x, [4, 4]))).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
      expect(values(resizeBilinear(tensor([0, 1], [1, 1, 2, 1]), [1, 4], { halfPixelCenters: true }))).toEqual([0, 0.25, 0.75, 1]);
    });
  });
});

describe('CNN op errors', () => {
  it('say which op, what was expected and what was found', () => {
    const x = zeros([8, 28, 28, 1]);
    const w = zeros([5, 5, 3, 32]);
    const e = thrown(() => conv2d(x, w));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('conv2d: filter expects 3 input channels but x has 1 (x [8, 28, 28, 1], filter [5, 5, 3, 32])');
    expect(thrown(() => conv2d(zeros([1, 3, 3, 1]), zeros([5, 5, 1, 1]))).message).toMatch(
      /^conv2d: a window of 5 does not fit in the height 3 of the unpadded input with padding 'valid' .*expected height >= 5 or padding 'same'$/,
    );
    expect(thrown(() => conv2d(x, zeros([3, 3, 1, 1]), { strides: [2, 0] }))).toBeInstanceOf(ValueError);
    expect(thrown(() => maxPool2d(x, { poolSize: 0 })).message).toMatch(/^maxPool2d: expected poolSize to be a positive integer or a pair of them but got 0$/);
    expect(thrown(() => conv2d(zeros([28, 28, 1]), w)).message).toMatch(/^conv2d: argument 'x' expected rank 4 \[batch, height, width, inChannels\] but got shape \[28, 28, 1\]/);
    expect(thrown(() => conv2dTranspose(zeros([1, 7, 7, 8]), zeros([3, 3, 4, 8]), [1, 15, 15, 4], { strides: 2, padding: 'same' })).message).toMatch(
      /expected an output height from 13 to 14 with strides 2 and padding 'same'/,
    );
    expect(thrown(() => resizeBilinear(zeros([1, 2, 2, 1]), [3, 3], { alignCorners: true, halfPixelCenters: true }))).toBeInstanceOf(ValueError);
    dispose([x, w]);
  });
});

describe('batchNorm and moments', () => {
  it('normalize with given statistics, broadcasting over the last axis', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      const y = batchNorm(x, tensor([3, 4]), tensor([4, 1]), tensor([10, 20]), tensor([2, 3]), 0);
      // (x - mean) / sqrt(var) * scale + offset, per column.
      expect(values(y)).toEqual([8, 14, 10, 20, 12, 26]);
      expect(values(batchNorm(tensor([0, 3], [1, 2]), tensor([0, 0]), tensor([3, 3]), undefined, undefined, 1))).toEqual([0, 1.5]);
    });
  });

  it('moments are the mean and the population variance', () => {
    tidy(() => {
      const { mean, variance } = moments(tensor([[1, 2], [3, 6]]), 0);
      expect(values(mean)).toEqual([2, 4]);
      expect(values(variance)).toEqual([1, 4]);
      const kept = moments(zeros([2, 3, 3, 4]), [0, 1, 2], true);
      expect(kept.mean.shape).toEqual([1, 1, 1, 4]);
      expect(kept.variance.shape).toEqual([1, 1, 1, 4]);
    });
  });

  it('gradients reach x, mean, variance, offset and scale', () => {
    const x = tensor([1, -2, 3, 0.5, 2, -1], [3, 2]);
    const stats = [tensor([0.5, -0.5]), tensor([2, 0.5]), tensor([1, -1]), tensor([3, 0.25])];
    const eps = 1e-3;
    const gs = grads((a: Tensor, m: Tensor, v: Tensor, o: Tensor, s: Tensor) => batchNorm(a, m, v, o, s, eps))([x, ...stats]);
    const [xv, [m0, m1], [v0, v1], , [s0, s1]] = [values(x), ...stats.map(values)];
    const m = [m0, m1];
    const v = [v0, v1];
    const s = [s0, s1];
    const inv = v.map((vi) => 1 / Math.sqrt(vi + eps));
    const col = (c: number) => [0, 1, 2].map((r) => xv[r * 2 + c]);
    const expectNear = (t: Tensor, want: number[]) => values(t).forEach((g, i) => expect(g).toBeCloseTo(want[i], 4));
    expectNear(gs[0], xv.map((_, i) => s[i % 2] * inv[i % 2]));
    expectNear(gs[1], [0, 1].map((c) => -3 * s[c] * inv[c]));
    expectNear(gs[2], [0, 1].map((c) => col(c).reduce((a, xi) => a - 0.5 * (xi - m[c]) * s[c] * inv[c] ** 3, 0)));
    expectNear(gs[3], [3, 3]);
    expectNear(gs[4], [0, 1].map((c) => col(c).reduce((a, xi) => a + (xi - m[c]) * inv[c], 0)));
    dispose([x, ...stats, ...gs]);
  });

  it('reject statistics that do not broadcast to x', () => {
    const e = thrown(() => batchNorm(zeros([2, 4]), zeros([3]), ones([4])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^batchNorm: argument 'mean' of shape \[3\] does not broadcast to x \[2, 4\]; expected e.g. \[4\]/);
    expect(thrown(() => batchNorm(zeros([4]), zeros([2, 4]), ones([4])))).toBeInstanceOf(ShapeError);
    expect(thrown(() => batchNorm(zeros([4]), zeros([4]), ones([4]), undefined, undefined, -1))).toBeInstanceOf(ValueError);
  });
});

describe('gradients nobody asked for', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('are not computed: a first conv layer gets its filter gradient without its input gradient', () => {
    const original = getKernel('Conv2DBackpropInput', 'cpu') as KernelConfig<'Conv2DBackpropInput'>;
    let calls = 0;
    unregisterKernel('Conv2DBackpropInput', 'cpu');
    registerKernel<'Conv2DBackpropInput', never>({ ...original, kernelFunc: (args) => (calls++, original.kernelFunc(args)) });
    restore = () => {
      unregisterKernel('Conv2DBackpropInput', 'cpu');
      registerKernel(original);
    };
    const x = ones([2, 5, 5, 1]);
    const f = ones([3, 3, 1, 2]);
    const before = memory().numTensors;
    const [df] = grads((w: Tensor) => conv2d(x, w))([f]);
    expect(calls).toBe(0);
    expect(values(df)).toEqual(new Array(18).fill(18));
    const both = grads((a: Tensor, w: Tensor) => conv2d(a, w))([x, f]);
    expect(calls).toBe(1);
    dispose([df, ...both]);
    expect(memory().numTensors).toBe(before);
    dispose([x, f]);
  });
});
