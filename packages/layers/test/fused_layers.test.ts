// Dense and Conv2D run one fused kernel (product, bias and activation) when their
// activation is in the fused set, and the same numbers as the unfused ops; sigmoid and
// softmax stay separate so their outputs keep the logits the crossentropy losses use.
import '@tessera/cpu-backend';
import { logitsOf } from '@tessera/losses';
import * as tf from '@tessera/tensor';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Conv2D, Dense, clearSession, type ActivationFn, type ActivationId } from '../src/index.js';

/** The kernels `fn` runs, in order. */
function kernelsOf(fn: () => unknown): string[] {
  const spy = vi.spyOn(tf.getEngine(), 'runKernel');
  try {
    tf.tidy(() => {
      fn();
    });
    return spy.mock.calls.map(([name]) => name);
  } finally {
    spy.mockRestore();
  }
}

const UNFUSED: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  relu: tf.relu,
  relu6: tf.relu6,
  tanh: tf.tanh,
  elu: tf.elu,
  leaky_relu: (x) => tf.leakyRelu(x, 0.2),
  linear: (x) => x,
};

function expectClose(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const [av, bv] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < av.length; i++) expect(av[i]).toBeCloseTo(bv[i], 5);
}

describe('fused layers', () => {
  beforeEach(() => clearSession());
  afterEach(() => clearSession());

  for (const [id, activation] of Object.entries(UNFUSED)) {
    it(`Dense with '${id}' is one FusedMatMul, equal to matMul + bias + ${id}`, () => {
      const layer = new Dense({ units: 4, activation: id as ActivationId, biasInitializer: 'random_normal' });
      const x = tf.randomNormal([3, 5], { stddev: 2, seed: 1 });
      layer.apply(x);
      expect(kernelsOf(() => layer.apply(x))).toEqual(['FusedMatMul']);
      tf.tidy(() => expectClose(layer.apply(x) as tf.Tensor, activation(tf.add(tf.matMul(x, layer.kernel!), layer.bias!))));
      x.dispose();
    });
  }

  it('Dense without bias, on rank-3 input, is one FusedMatMul on the flattened rows', () => {
    const layer = new Dense({ units: 2, activation: 'tanh', useBias: false });
    const x = tf.randomNormal([2, 3, 4], { stddev: 1, seed: 2 });
    layer.apply(x);
    expect(kernelsOf(() => layer.apply(x)).filter((k) => k !== 'Reshape')).toEqual(['FusedMatMul']);
    tf.tidy(() => {
      const y = layer.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([2, 3, 2]);
      expectClose(y, tf.tanh(tf.reshape(tf.matMul(tf.reshape(x, [6, 4]), layer.kernel!), [2, 3, 2])));
    });
    x.dispose();
  });

  it("Dense with 'sigmoid' or 'softmax' applies it on its own, so the output keeps its logits", () => {
    for (const [id, kernel] of [['sigmoid', 'Sigmoid'], ['softmax', 'Exp']] as const) {
      const layer = new Dense({ units: 3, activation: id });
      const x = tf.randomNormal([2, 4], { stddev: 1, seed: 3 });
      layer.apply(x);
      const kernels = kernelsOf(() => layer.apply(x));
      expect(kernels[0]).toBe('FusedMatMul');
      expect(kernels).toContain(kernel);
      tf.tidy(() => {
        const y = layer.apply(x) as tf.Tensor;
        expect(logitsOf(y)?.activation).toBe(id);
      });
      x.dispose();
    }
  });

  it('Dense with a custom activation function runs it after a linear FusedMatMul', () => {
    const custom: ActivationFn = (t) => tf.mul(t, 2);
    const layer = new Dense({ units: 2, activation: custom });
    const x = tf.ones([1, 3]);
    layer.apply(x);
    expect(kernelsOf(() => layer.apply(x))).toEqual(['FusedMatMul', 'Mul']);
    x.dispose();
  });

  it("Conv2D with 'relu' is one FusedConv2D, equal to conv2d + bias + relu; gradients flow to kernel and bias", () => {
    const layer = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'random_normal' });
    const x = tf.randomNormal([2, 5, 5, 2], { stddev: 1, seed: 4 });
    layer.apply(x);
    expect(kernelsOf(() => layer.apply(x))).toEqual(['FusedConv2D']);
    tf.tidy(() => {
      const unfused = tf.relu(tf.add(tf.conv2d(x, layer.kernel!, { padding: 'same' }), layer.bias!));
      expectClose(layer.apply(x) as tf.Tensor, unfused);
      const [dk, db] = tf.grads((k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.fusedConv2d(x, k, { padding: 'same', bias: b, activation: 'relu' }))))([
        layer.kernel!,
        layer.bias!,
      ]);
      const [ek, eb] = tf.grads((k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.add(tf.conv2d(x, k, { padding: 'same' }), b)))))([
        layer.kernel!,
        layer.bias!,
      ]);
      expectClose(dk, ek);
      expectClose(db, eb);
    });
    x.dispose();
  });

  it("Conv2D with 'sigmoid' applies it after a linear FusedConv2D", () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 1, activation: 'sigmoid' });
    const x = tf.ones([1, 2, 2, 1]);
    layer.apply(x);
    expect(kernelsOf(() => layer.apply(x))).toEqual(['FusedConv2D', 'Sigmoid']);
    x.dispose();
  });
});
