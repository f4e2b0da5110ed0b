// The memory contract and the machinery under the kernels: pool, batching, pipeline cache.
import './setup.js';
import { add, cast, dispose, exp, getKernelsForBackend, KERNEL_NAMES, memory, mul, setBackend, sum, tensor, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { sizeClass } from '../src/index.js';
import { webgpu } from './helpers.js';

beforeAll(async () => {
  await setBackend('webgpu');
});

describe('manifest', () => {
  it('registers a WGSL kernel for every name in KERNEL_NAMES (no CPU fallback) but DropoutMask and FusedConv2DBackpropFilter', () => {
    // DropoutMask is a serial random stream (xoshiro128**) with no inputs: without it, the
    // dropout op draws the mask on the host and uploads it, as it did before the kernel.
    // FusedConv2DBackpropFilter's op runs FusedActivationGrad, Conv2DBackpropFilter and Sum,
    // which are WGSL shaders here: the CPU's kernel spares passes over memory, not GPU work.
    const registered = new Set(getKernelsForBackend('webgpu'));
    expect(KERNEL_NAMES.filter((k) => !registered.has(k))).toEqual(['FusedConv2DBackpropFilter', 'DropoutMask']);
  });
});

describe('reads and writes', () => {
  it('round-trips int32 extremes, bools (stored as u32) and empty tensors', async () => {
    const ints = tensor([-2147483648, -1, 0, 1, 2147483647], [5], 'int32');
    const bools = tensor([true, false, true, true, false], [5], 'bool');
    const empty = tensor([], [0, 3], 'bool');
    const ri = await ints.data();
    const rb = await bools.data();
    expect(ri).toBeInstanceOf(Int32Array);
    expect(Array.from(ri)).toEqual([-2147483648, -1, 0, 1, 2147483647]);
    expect(rb).toBeInstanceOf(Uint8Array);
    expect(Array.from(rb)).toEqual([1, 0, 1, 1, 0]);
    expect((await empty.data()).length).toBe(0);
    // Through kernels: bool -> int32 -> float32 and back.
    const back = tidy(() => cast(cast(cast(bools, 'int32'), 'float32'), 'bool'));
    expect(Array.from(await back.data())).toEqual([1, 0, 1, 1, 0]);
    dispose([ints, bools, empty, back]);
  });

  it('has no readSync: dataSync() throws a BackendError that says to await data()', () => {
    const t = tensor([1, 2]);
    expect(() => t.dataSync()).toThrow(/cannot read synchronously.*await t\.data\(\)/);
    t.dispose();
  });

  it('memory(): numBytes counts live tensors only; the pool is reported beside it', async () => {
    const before = webgpu().memory();
    const t = tensor(new Float32Array(1000), [1000]);
    expect(webgpu().memory().numBytes).toBe(before.numBytes + 4000);
    await t.data();
    t.dispose();
    const after = webgpu().memory();
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.numBytesPooled).toBeGreaterThanOrEqual(4000);
    expect(after.numBytesAllocated).toBeGreaterThanOrEqual(after.numBytesPooled);
    expect(memory().backends.webgpu.numBytes).toBe(before.numBytes);
  });
});

describe('buffer pool', () => {
  it('rounds sizes up to classes (powers of two to 4 KiB, then quarter octaves)', () => {
    expect(sizeClass(1)).toBe(16);
    expect(sizeClass(100)).toBe(128);
    expect(sizeClass(4096)).toBe(4096);
    expect(sizeClass(4097)).toBe(5120);
    expect(sizeClass(1_000_000)).toBe(1_048_576);
    expect(sizeClass(600_000)).toBe(655_360);
  });

  it('reuses a freed buffer for the next tensor of its size class instead of creating one', async () => {
    const b = webgpu();
    const x = tensor(new Float32Array(3000), [3000]);
    await x.data(); // submits, so the freed buffer is reusable at once
    x.dispose();
    const { buffersCreated, buffersReused } = b.stats;
    const y = tensor(new Float32Array(2900), [2900]); // same class (12 KiB -> 12288)
    expect(b.stats.buffersCreated).toBe(buffersCreated);
    expect(b.stats.buffersReused).toBe(buffersReused + 1);
    y.dispose();
  });

  it('holds back buffers freed while commands are being recorded until they are submitted', async () => {
    const b = webgpu();
    b.flush();
    b.trimPool(); // the pool is empty: only x's buffer could be handed out again
    const x = tensor(seededArray(512), [512]);
    const y = exp(x); // recorded, not submitted: it still reads x's buffer
    x.dispose();
    const created = b.stats.buffersCreated;
    const z = tensor(new Float32Array(512).fill(7), [512]); // must not get x's buffer
    expect(b.stats.buffersCreated).toBe(created + 1);
    const values = await y.data();
    const expected = seededArray(512).map(Math.exp);
    expect(values.every((v, i) => Math.abs(v - expected[i]) < 1e-5)).toBe(true);
    dispose([y, z]);
  });
});

describe('command batching', () => {
  it('records kernels into one command buffer and submits once, when a value is read', async () => {
    const b = webgpu();
    b.flush();
    const submits = b.stats.submits;
    const x = tensor([1, 2, 3, 4]);
    const y = tidy(() => {
      let t = x;
      for (let i = 0; i < 10; i++) t = add(mul(t, 1), 1);
      return t;
    });
    expect(b.pendingDispatches).toBe(20);
    expect(b.stats.submits).toBe(submits);
    expect(Array.from(await y.data())).toEqual([11, 12, 13, 14]);
    expect(b.stats.submits).toBe(submits + 1);
    expect(b.pendingDispatches).toBe(0);
    dispose([x, y]);
  });

  it(`submits on its own every maxDispatchesPerSubmit dispatches (64 by default)`, async () => {
    const b = webgpu();
    b.flush();
    const submits = b.stats.submits;
    const x = tensor([0]);
    const y = tidy(() => {
      let t = x;
      for (let i = 0; i < 150; i++) t = add(t, 1);
      return t;
    });
    expect(b.stats.submits).toBe(submits + 2);
    expect(b.pendingDispatches).toBe(150 - 128);
    expect(Array.from(await y.data())).toEqual([150]);
    dispose([x, y]);
  });
});

describe('pipeline cache', () => {
  it('compiles a kernel once per shader variant: other shapes and values reuse it', async () => {
    const b = webgpu();
    const run = async (n: number) => {
      const x = tensor(seededArray(n), [n]);
      const y = tidy(() => sum(exp(x)));
      await y.data();
      dispose([x, y]);
    };
    await run(7);
    const { pipelines, shaderModules, pipelineCacheHits } = b.stats;
    await run(50); // rows up to 64 long take the same (one thread per row) reduction
    await run(33);
    expect(b.stats.pipelines).toBe(pipelines);
    expect(b.stats.shaderModules).toBe(shaderModules);
    expect(b.stats.pipelineCacheHits).toBeGreaterThanOrEqual(pipelineCacheHits + 4);
  });
});

describe('adapter', () => {
  it('records whether the adapter offers shader-f16 (kernels compute in f32 either way)', () => {
    const b = webgpu();
    expect(typeof b.supportsF16).toBe('boolean');
    expect(b.supportsF16).toBe(b.device.features.has('shader-f16'));
  });

  it('asks the adapter for its storage-buffer and workgroup limits, above the WebGPU defaults where offered', () => {
    const limits = webgpu().device.limits;
    expect(limits.maxComputeWorkgroupStorageSize).toBeGreaterThanOrEqual(16384);
    expect(limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
  });
});

function seededArray(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
}
