// Kernel paths the conformance suite's small shapes do not reach: multi-pass and tree
// reductions, the tiled GEMM (MatMul and the implicit-GEMM convolutions), 2-D dispatch
// grids, and high-rank broadcasting. Each is compared with the CPU backend.
import '@tessera/cpu-backend';
import './setup.js';
import * as tf from '@tessera/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, onBoth, seeded, webgpu } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('webgpu');
});

afterEach(() => {
  webgpu().config.matmul = 'auto';
  webgpu().config.maxWorkgroupsPerDimension = webgpu().device.limits.maxComputeWorkgroupsPerDimension;
});

/** float32 accumulation over K terms: relative error grows with K (the CPU sums in float64). */
const GEMM_TOL = [1e-4, 1e-4] as const;

describe('reductions', () => {
  it('sums rows longer than a workgroup chunk in several passes', async () => {
    const x = { values: seeded(3 * 10_000, 1), shape: [3, 10_000] };
    const { cpu, gpu } = await onBoth([x], (t) => tf.sum(t, 1));
    expectClose(gpu, cpu, 1e-5, 1e-4);
  });

  it('reduces a whole 300,000-element tensor (three passes) and non-innermost axes (transposed first)', async () => {
    const x = { values: seeded(300_000, 2), shape: [60, 50, 100] };
    const all = await onBoth([x], (t) => tf.sum(t));
    expectClose(all.gpu, all.cpu, 1e-5, 1e-3);
    const middle = await onBoth([x], (t) => tf.max(t, [0, 2]));
    expectClose(middle.gpu, middle.cpu, 0, 0);
    const prod = await onBoth([{ values: seeded(200 * 150, 3, 0.99, 1.01), shape: [200, 150] }], (t) => tf.prod(t, 0));
    expectClose(prod.gpu, prod.cpu, 1e-5, 1e-6);
  });

  it('int32 sums stay exact and wrap as int32; min/all/any over long rows', async () => {
    const ints = { values: Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 2 ** 30 : i - 2500)), shape: [5000], dtype: 'int32' as const };
    const s = await onBoth([ints], (t) => tf.sum(t));
    expect(Array.from(s.gpu)).toEqual(Array.from(s.cpu));
    const mn = await onBoth([ints], (t) => tf.min(t));
    expect(Array.from(mn.gpu)).toEqual(Array.from(mn.cpu));
    const bools = { values: Array.from({ length: 4 * 3000 }, (_, i) => (i === 5000 ? 0 : 1)), shape: [4, 3000], dtype: 'bool' as const };
    const all = await onBoth([bools], (t) => tf.all(t, 1));
    expect(Array.from(all.gpu)).toEqual([1, 0, 1, 1]);
    const any = await onBoth([bools], (t) => tf.any(tf.logicalNot(t), 1));
    expect(Array.from(any.gpu)).toEqual(Array.from(any.cpu));
  });

  it('argMax/argMin over long rows (workgroup tree) keep the first extreme', async () => {
    const values = seeded(5 * 1000, 4);
    values[1000 + 17] = 5;
    values[1000 + 900] = 5; // a tie: the first index wins
    values[3000 + 999] = -5;
    const x = { values, shape: [5, 1000] };
    const mx = await onBoth([x], (t) => tf.argMax(t, 1));
    expect(Array.from(mx.gpu)).toEqual(Array.from(mx.cpu));
    expect(mx.gpu[1]).toBe(17);
    const mn = await onBoth([x], (t) => tf.argMin(t, 0));
    expect(Array.from(mn.gpu)).toEqual(Array.from(mn.cpu));
  });
});

describe('MatMul', () => {
  const cases: Array<[string, number[], number[], boolean, boolean]> = [
    ['[70, 45] x [45, 66]', [70, 45], [45, 66], false, false],
    ['transposeA [45, 70]ᵀ x [45, 66]', [45, 70], [45, 66], true, false],
    ['transposeB [70, 45] x [66, 45]ᵀ', [70, 45], [66, 45], false, true],
    ['both [45, 70]ᵀ x [66, 45]ᵀ', [45, 70], [66, 45], true, true],
    ['broadcast batch [3, 1, 40, 33] x [2, 33, 35]', [3, 1, 40, 33], [2, 33, 35], false, false],
  ];
  for (const kernel of ['naive', 'tiled'] as const) {
    for (const [name, sa, sb, ta, tb] of cases) {
      it(`${kernel}: ${name}`, async () => {
        webgpu().config.matmul = kernel;
        const a = { values: seeded(sa.reduce((p, d) => p * d, 1), 5), shape: sa };
        const b = { values: seeded(sb.reduce((p, d) => p * d, 1), 6), shape: sb };
        const { cpu, gpu } = await onBoth([a, b], (x, y) => tf.matMul(x, y, ta, tb));
        expectClose(gpu, cpu, ...GEMM_TOL);
      });
    }
  }

  it('tiled: int32 products are exact (and wrap as int32)', async () => {
    webgpu().config.matmul = 'tiled';
    const a = { values: Array.from({ length: 40 * 37 }, (_, i) => ((i * 7919) % 2001) - 1000), shape: [40, 37], dtype: 'int32' as const };
    const b = { values: Array.from({ length: 37 * 50 }, (_, i) => ((i * 104729) % 4001) - 2000), shape: [37, 50], dtype: 'int32' as const };
    const { cpu, gpu } = await onBoth([a, b], (x, y) => tf.matMul(x, y));
    expect(Array.from(gpu)).toEqual(Array.from(cpu));
  });

  it('tiled: tiles and batches beyond the grid limit loop in the shader', async () => {
    webgpu().config.matmul = 'tiled';
    webgpu().config.maxWorkgroupsPerDimension = 2; // as if the device allowed 2 workgroups per dimension
    const a = { values: seeded(5 * 100 * 20, 19), shape: [5, 100, 20] }; // 4 row tiles, 5 batches
    const b = { values: seeded(20 * 70, 20), shape: [20, 70] }; // 3 column tiles
    const { cpu, gpu } = await onBoth([a, b], (x, y) => tf.matMul(x, y));
    expectClose(gpu, cpu, ...GEMM_TOL);
  });

  it("'auto' takes the tiled kernel for a [64, 256] x [256, 64] product", async () => {
    const a = { values: seeded(64 * 256, 7), shape: [64, 256] };
    const b = { values: seeded(256 * 64, 8), shape: [256, 64] };
    const { cpu, gpu } = await onBoth([a, b], (x, y) => tf.matMul(x, y));
    expectClose(gpu, cpu, ...GEMM_TOL);
  });
});

describe('convolutions (implicit GEMM)', () => {
  const x = { values: seeded(2 * 13 * 11 * 5, 9), shape: [2, 13, 11, 5] };
  const f = { values: seeded(3 * 3 * 5 * 34, 10), shape: [3, 3, 5, 34] };
  for (const kernel of ['naive', 'tiled'] as const) {
    it(`${kernel}: conv2d with stride 2, 'same' padding, and its two gradients`, async () => {
      webgpu().config.matmul = kernel;
      const opts = { strides: 2, padding: 'same' } as const;
      const y = await onBoth([x, f], (a, b) => tf.conv2d(a, b, opts));
      expectClose(y.gpu, y.cpu, ...GEMM_TOL);
      const dy = { values: seeded(2 * 7 * 6 * 34, 11), shape: [2, 7, 6, 34] };
      const dx = await onBoth([dy, f], (g, b) => tf.conv2dTranspose(g, b, [2, 13, 11, 5], opts));
      expectClose(dx.gpu, dx.cpu, ...GEMM_TOL);
      const df = await onBoth([x, dy], (a, g) => tf.conv2dBackpropFilter(a, g, [3, 3, 5, 34], opts));
      expectClose(df.gpu, df.cpu, ...GEMM_TOL);
    });
  }

  it('tiled: dilated conv2d, valid padding', async () => {
    webgpu().config.matmul = 'tiled';
    const y = await onBoth([x, f], (a, b) => tf.conv2d(a, b, { dilations: 2 }));
    expectClose(y.gpu, y.cpu, ...GEMM_TOL);
  });
});

describe('fused kernels', () => {
  const x = { values: seeded(70 * 45, 24), shape: [70, 45] };
  const w = { values: seeded(45 * 66, 25), shape: [45, 66] };
  const bias = { values: seeded(66, 26), shape: [66] };
  for (const kernel of ['naive', 'tiled'] as const) {
    for (const activation of ['relu', 'sigmoid', 'leakyRelu'] as const) {
      it(`${kernel}: fusedMatMul [70, 45] x [45, 66] + bias, ${activation}, equals the CPU`, async () => {
        webgpu().config.matmul = kernel;
        const y = await onBoth([x, w, bias], (a, b, c) => tf.fusedMatMul(a, b, { bias: c, activation, alpha: 0.1 }));
        expectClose(y.gpu, y.cpu, ...GEMM_TOL);
      });
    }

    it(`${kernel}: fusedConv2d with stride 2, 'same', bias and relu6 equals the CPU`, async () => {
      webgpu().config.matmul = kernel;
      const img = { values: seeded(2 * 13 * 11 * 5, 27, -3, 3), shape: [2, 13, 11, 5] };
      const f = { values: seeded(3 * 3 * 5 * 34, 28), shape: [3, 3, 5, 34] };
      const b = { values: seeded(34, 29), shape: [34] };
      const y = await onBoth([img, f, b], (a, g, c) => tf.fusedConv2d(a, g, { strides: 2, padding: 'same', bias: c, activation: 'relu6' }));
      expectClose(y.gpu, y.cpu, ...GEMM_TOL);
      expect(Math.max(...y.gpu)).toBe(6);
    });
  }

  it('softmax crossentropy over rows of 1000 classes (a long strided fold per thread), and its gradient', async () => {
    const logits = { values: seeded(5 * 1000, 30, -20, 20), shape: [5, 1000] };
    const labels = { values: seeded(5 * 1000, 31, 0, 1), shape: [5, 1000] };
    const loss = await onBoth([labels, logits], (l, z) => tf.softmaxCrossEntropyWithLogits(l, z));
    expectClose(loss.gpu, loss.cpu, 1e-5, 1e-3);
    const dy = { values: seeded(5, 32), shape: [5] };
    const grad = await onBoth([dy, logits, labels], (g, z, l) => tf.softmaxCrossEntropyWithLogitsGrad(g, z, l));
    expectClose(grad.gpu, grad.cpu, 1e-5, 1e-6);
  });

  it('softmax crossentropy folds its one-workgroup-per-row grid into 2-D (limit lowered to 3)', async () => {
    webgpu().config.maxWorkgroupsPerDimension = 3;
    const logits = { values: seeded(8 * 7, 33, -5, 5), shape: [8, 7] }; // 8 rows -> a [3, 3] grid
    const labels = { values: seeded(8 * 7, 34, 0, 1), shape: [8, 7] };
    const loss = await onBoth([labels, logits], (l, z) => tf.softmaxCrossEntropyWithLogits(l, z));
    expectClose(loss.gpu, loss.cpu, 1e-5, 1e-5);
    const grad = await onBoth([{ values: seeded(8, 35), shape: [8] }, logits, labels], (g, z, l) => tf.softmaxCrossEntropyWithLogitsGrad(g, z, l));
    expectClose(grad.gpu, grad.cpu, 1e-5, 1e-6);
  });
});

describe('windows and resizes', () => {
  const x = { values: seeded(2 * 13 * 9 * 3, 14), shape: [2, 13, 9, 3] };

  it('depthwise conv2d (multiplier 2, stride 2, same) and its gradients', async () => {
    const f = { values: seeded(3 * 3 * 3 * 2, 15), shape: [3, 3, 3, 2] };
    const opts = { strides: 2, padding: 'same' } as const;
    const y = await onBoth([x, f], (a, b) => tf.depthwiseConv2d(a, b, opts));
    expectClose(y.gpu, y.cpu, 1e-5, 1e-5);
    const dy = { values: seeded(2 * 7 * 5 * 6, 16), shape: [2, 7, 5, 6] };
    const dx = await onBoth([dy, f], (g, b) => tf.depthwiseConv2dBackpropInput(g, b, [2, 13, 9, 3], opts));
    expectClose(dx.gpu, dx.cpu, 1e-5, 1e-5);
    const df = await onBoth([x, dy], (a, g) => tf.depthwiseConv2dBackpropFilter(a, g, [3, 3, 3, 2], opts));
    expectClose(df.gpu, df.cpu, 1e-5, 1e-5);
  });

  it('max and average pooling (3x3 windows, stride 2, same) and their gradients', async () => {
    const opts = { poolSize: 3, strides: 2, padding: 'same' } as const;
    const dy = { values: seeded(2 * 7 * 5 * 3, 17), shape: [2, 7, 5, 3] };
    for (const [pool, grad] of [
      [(t: tf.Tensor) => tf.maxPool2d(t, opts), (g: tf.Tensor, t: tf.Tensor) => tf.maxPoolGrad(g, t, opts)],
      [(t: tf.Tensor) => tf.avgPool2d(t, opts), (g: tf.Tensor) => tf.avgPoolGrad(g, [2, 13, 9, 3], opts)],
    ] as const) {
      const y = await onBoth([x], pool);
      expectClose(y.gpu, y.cpu, 1e-6, 1e-6);
      const dx = await onBoth([dy, x], grad);
      expectClose(dx.gpu, dx.cpu, 1e-5, 1e-6);
    }
  });

  for (const flags of [{}, { alignCorners: true }, { halfPixelCenters: true }]) {
    it(`resizes up and down, and their gradients, with ${JSON.stringify(flags)}`, async () => {
      for (const size of [[29, 4], [6, 20]] as Array<[number, number]>) {
        const dy = { values: seeded(2 * size[0] * size[1] * 3, 18), shape: [2, ...size, 3] };
        const nearest = await onBoth([x], (t) => tf.resizeNearestNeighbor(t, size, flags));
        expectClose(nearest.gpu, nearest.cpu, 0, 0);
        const nearestGrad = await onBoth([dy], (g) => tf.resizeNearestNeighborGrad(g, [2, 13, 9, 3], flags));
        expectClose(nearestGrad.gpu, nearestGrad.cpu, 1e-5, 1e-6);
        const bilinear = await onBoth([x], (t) => tf.resizeBilinear(t, size, flags));
        expectClose(bilinear.gpu, bilinear.cpu, 1e-5, 1e-6);
        const bilinearGrad = await onBoth([dy], (g) => tf.resizeBilinearGrad(g, [2, 13, 9, 3], flags));
        expectClose(bilinearGrad.gpu, bilinearGrad.cpu, 1e-5, 1e-6);
      }
    });
  }
});

describe('dispatch grids and broadcasting', () => {
  it('splits an elementwise op over more than 65535 workgroups into a 2-D grid', async () => {
    const n = 65536 * 64 + 77;
    const x = tf.tidy(() => tf.cast(tf.range(0, n), 'float32'));
    const y = tf.tidy(() => tf.add(x, 1));
    const values = await y.data();
    expect(values[0]).toBe(1);
    expect(values[n - 1]).toBe(n);
    expect(values[65535 * 64 + 5]).toBe(65535 * 64 + 6);
    tf.dispose([x, y]);
  });

  it('folds 1-D grids over the per-dimension limit into 2-D ones (limit lowered to 3)', async () => {
    webgpu().config.maxWorkgroupsPerDimension = 3;
    const x = { values: seeded(64 * 7 + 5, 21), shape: [64 * 7 + 5] }; // 8 workgroups of 64 -> [3, 3]
    const y = await onBoth([x], (t) => tf.exp(t));
    expectClose(y.gpu, y.cpu, 1e-6, 1e-7);
    const s = await onBoth([{ values: seeded(9 * 300, 22), shape: [9, 300] }], (t) => tf.sum(t, 1)); // 9 tree workgroups
    expectClose(s.gpu, s.cpu, 1e-5, 1e-5);
    const m = await onBoth([{ values: seeded(9 * 300, 23), shape: [9, 300] }], (t) => tf.argMin(t, 1));
    expect(Array.from(m.gpu)).toEqual(Array.from(m.cpu));
  });

  it('broadcasts over rank 6 with axes that cannot merge', async () => {
    const a = { values: seeded(2 * 3 * 1 * 4 * 1 * 5, 12), shape: [2, 3, 1, 4, 1, 5] };
    const b = { values: seeded(3 * 2 * 1 * 6 * 1, 13), shape: [3, 2, 1, 6, 1] };
    const { cpu, gpu } = await onBoth([a, b], (p, q) => tf.sub(p, q));
    expectClose(gpu, cpu, 0, 0);
  });
});

describe('recurrent cells', () => {
  // 40 rows and 37 units: three 16-row tiles, three 16-unit tiles, the product three tiles deep, all ragged.
  const B = 40;
  const U = 37;
  const lstmInputs = [
    { values: seeded(B * 4 * U, 81), shape: [B, 4 * U] },
    { values: seeded(B * U, 82), shape: [B, U] },
    { values: seeded(B * U, 83, -2, 2), shape: [B, U] },
    { values: seeded(U * 4 * U, 84, -0.3, 0.3), shape: [U, 4 * U] },
  ];
  const gruInputs = [
    { values: seeded(B * 3 * U, 85), shape: [B, 3 * U] },
    { values: seeded(B * U, 86), shape: [B, U] },
    { values: seeded(U * 3 * U, 87, -0.3, 0.3), shape: [U, 3 * U] },
    { values: seeded(3 * U, 88), shape: [3 * U] },
  ];

  it('an LSTM step over several tiles in every direction matches the CPU, and so do its gradients', async () => {
    const step = await onBoth(lstmInputs, (xw, h, c, k) => tf.concat(tf.lstmCell(xw, h, c, k), 1));
    expectClose(step.gpu, step.cpu, ...GEMM_TOL);
    const grads = await onBoth(lstmInputs, (...xs) => {
      const loss = (xw: tf.Tensor, h: tf.Tensor, c: tf.Tensor, k: tf.Tensor) => {
        const [hNext, cNext] = tf.lstmCell(xw, h, c, k);
        return tf.add(tf.sum(tf.mul(hNext, hNext)), tf.sum(cNext));
      };
      return tf.concat(tf.grads(loss)(xs).map((g) => tf.reshape(g, [-1])));
    });
    expectClose(grads.gpu, grads.cpu, ...GEMM_TOL);
  });

  it('a GRU step over several tiles matches the CPU, and so do its gradients', async () => {
    const step = await onBoth(gruInputs, (xw, h, k, b) => tf.gruCell(xw, h, k, b));
    expectClose(step.gpu, step.cpu, ...GEMM_TOL);
    const grads = await onBoth(gruInputs, (...xs) => {
      const loss = (xw: tf.Tensor, h: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.gruCell(xw, h, k, b)));
      return tf.concat(tf.grads(loss)(xs).map((g) => tf.reshape(g, [-1])));
    });
    expectClose(grads.gpu, grads.cpu, ...GEMM_TOL);
  });

  it('a step is one dispatch; its gradient kernel another', async () => {
    await tf.setBackend('webgpu');
    const xs = lstmInputs.map((i) => tf.tensor(Array.from(i.values), i.shape));
    const before = webgpu().stats.dispatches;
    const [h, c] = tf.lstmCell(xs[0], xs[1], xs[2], xs[3]);
    expect(webgpu().stats.dispatches - before).toBe(1);
    const gates = tf.concat([h, c, h, c], 1);
    const mid = webgpu().stats.dispatches;
    const grad = tf.lstmCellGrad(h, c, xs[2], gates, c);
    expect(webgpu().stats.dispatches - mid).toBe(1);
    tf.dispose([...xs, h, c, gates, ...grad]);
  });
});
