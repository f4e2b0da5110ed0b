// In the browser, beside the conformance suite: the adapter, and the kernel paths the
// suite's small shapes do not reach (tiled GEMM, multi-pass and tree reductions).
import '@tessera/cpu-backend';
import * as tf from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWebGPUBackend } from '../../src/index.js';
import { expectClose, onBoth, seeded, webgpu } from '../helpers.js';

registerWebGPUBackend();

beforeAll(async () => {
  await tf.setBackend('webgpu');
});

describe('WebGPU in the browser', () => {
  it('gets an adapter from navigator.gpu', async () => {
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter).not.toBeNull();
    const info = adapter!.info;
    console.log(`browser adapter: vendor=${info.vendor} architecture=${info.architecture} f16=${webgpu().supportsF16}`);
    expect(webgpu().device.limits.maxComputeWorkgroupStorageSize).toBeGreaterThanOrEqual(16384);
  });

  it('tiled MatMul with broadcast batches and transposes', async () => {
    webgpu().config.matmul = 'tiled';
    const a = { values: seeded(3 * 45 * 70, 1), shape: [3, 45, 70] };
    const b = { values: seeded(66 * 45, 2), shape: [66, 45] };
    const { cpu, gpu } = await onBoth([a, b], (x, y) => tf.matMul(x, y, true, true));
    webgpu().config.matmul = 'auto';
    expectClose(gpu, cpu, 1e-4, 1e-4);
  });

  it('tiled implicit-GEMM conv2d', async () => {
    webgpu().config.matmul = 'tiled';
    const x = { values: seeded(2 * 13 * 11 * 5, 3), shape: [2, 13, 11, 5] };
    const f = { values: seeded(3 * 3 * 5 * 34, 4), shape: [3, 3, 5, 34] };
    const { cpu, gpu } = await onBoth([x, f], (p, q) => tf.conv2d(p, q, { strides: 2, padding: 'same' }));
    webgpu().config.matmul = 'auto';
    expectClose(gpu, cpu, 1e-4, 1e-4);
  });

  it('multi-pass sums and tree arg-reductions', async () => {
    const x = { values: seeded(3 * 10_000, 5), shape: [3, 10_000] };
    const s = await onBoth([x], (t) => tf.sum(t, 1));
    expectClose(s.gpu, s.cpu, 1e-5, 1e-4);
    const m = await onBoth([x], (t) => tf.argMax(t, 1));
    expect(Array.from(m.gpu)).toEqual(Array.from(m.cpu));
  });
});
