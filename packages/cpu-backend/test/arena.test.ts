import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { matMul, memory, randomUniform, relu, tidy, type Tensor } from '@tessera/tensor';
import { CpuBackend, gemmThreadSplits, gemmThreadsReady, setVectorImplementation, getTensorMemory, setGemmThreads, setTensorMemory, wasmTensorMemoryAvailable } from '../src/index.js';
import { Arena, getArena, sizeClass } from '../src/util/arena.js';
import { engine } from './helpers.js';

describe('the arena allocator', () => {
  it('rounds sizes to cache lines, then to eighths of their power of two', () => {
    expect([0, 1, 64, 65, 1024].map(sizeClass)).toEqual([64, 64, 64, 128, 1024]);
    expect(sizeClass(1025)).toBe(1152);
    expect(sizeClass(4096 * 4)).toBe(16384);
    expect(sizeClass(16385)).toBe(18432);
    for (let b = 1; b < 1e6; b = Math.ceil(b * 1.37)) {
      expect(sizeClass(b)).toBeGreaterThanOrEqual(b);
      expect(sizeClass(b)).toBeLessThanOrEqual(Math.max(64, b * 1.125 + 64));
    }
  });

  it('reuses a freed block for the next request of its class and never hands out one block twice', () => {
    const a = new Arena();
    const x = a.alloc(1000);
    const y = a.alloc(1000);
    expect(x % 64).toBe(0);
    expect(Math.abs(y - x)).toBeGreaterThanOrEqual(1024);
    a.release(x);
    expect(a.alloc(990)).toBe(x);
    expect(a.alloc(2000)).not.toBe(x);
    expect(() => a.release(x + 64)).toThrow(/no block in use/);
    a.release(y);
    expect(() => a.release(y)).toThrow(/freed twice/);
  });

  it('grows the memory, and views made before a grow stay valid', () => {
    const a = new Arena();
    const v = a.array('float32', 1000) as Float32Array;
    v.fill(3);
    const big = a.array('float32', 8 << 20) as Float32Array; // 32 MiB: past the first 4 MiB
    expect(a.memory.buffer.byteLength).toBeGreaterThanOrEqual(32 << 20);
    big[big.length - 1] = 5;
    expect(v[999]).toBe(3);
    expect(a.owns(v) && a.owns(big)).toBe(true);
    expect(a.owns(new Float32Array(4))).toBe(false);
  });

  it('refuses (-1, no array) what would pass its limit, and keeps working', () => {
    const a = new Arena(8 << 20);
    expect(a.array('float32', 4 << 20)).toBeUndefined();
    expect(a.alloc(1 << 20)).toBeGreaterThan(0);
  });

  it('merges freed blocks with free neighbours, so that a request of another size reuses them instead of growing', () => {
    const a = new Arena();
    const small = Array.from({ length: 64 }, () => a.alloc(1000)); // 64 blocks of 1 KiB, side by side
    const fence = a.alloc(64); // keeps them from being the top
    const used = a.usedBytes;
    for (const at of small) a.release(at);
    // 64 KiB in one block: the 1 KiB blocks, merged as they were freed.
    expect(a.alloc(65536)).toBe(small[0]);
    expect(a.usedBytes).toBe(used);
    // What a cut leaves stays free: half of a freed run serves a request, the other half the next.
    a.release(small[0]);
    const half = a.alloc(32768);
    expect(a.alloc(32768)).toBe(half + 32768);
    expect(a.usedBytes).toBe(used);
    a.release(fence);
  });

  it('gives free space at the top back to the top', () => {
    const a = new Arena();
    const base = a.usedBytes;
    const blocks = [a.alloc(5000), a.alloc(7000), a.alloc(9000)];
    for (const at of blocks) a.release(at);
    expect(a.alloc(30_000)).toBe(blocks[0]); // the three merged, then taken from the lowered top
    expect(a.usedBytes).toBe(base + sizeClass(30_000));
  });

  it('keeps blocks disjoint and its memory near the most ever in use, whatever the sizes (random workload)', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const a = new Arena();
    const heap = () => new Uint32Array(a.heap());
    const live = new Map<number, { bytes: number; tag: number }>();
    let peak = 0;
    for (let step = 0; step < 4000; step++) {
      if (live.size > 0 && (rand() < 0.48 || live.size > 60)) {
        const keys = [...live.keys()];
        const at = keys[Math.floor(rand() * keys.length)];
        const { bytes, tag } = live.get(at)!;
        // Its first and last words are as written: no other block overlapped it.
        expect([heap()[at / 4], heap()[(at + bytes) / 4 - 1]]).toEqual([tag, tag]);
        a.release(at);
        live.delete(at);
      } else {
        // Sizes drift over time, as models and batch sizes change.
        const bytes = Math.ceil((64 + rand() * 40_000 * (1 + ((step / 500) | 0))) / 4) * 4;
        const at = a.alloc(bytes);
        expect(at % 64).toBe(0);
        const tag = step + 1;
        heap()[at / 4] = tag;
        heap()[(at + bytes) / 4 - 1] = tag;
        live.set(at, { bytes, tag });
      }
      peak = Math.max(peak, a.liveBytes);
    }
    const spans = [...live].map(([at, { bytes }]) => [at, at + bytes]).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    // 1.07x the peak here; without merging (each size class keeping its own free blocks) 2.3x.
    expect(a.usedBytes).toBeLessThan(1.5 * peak);
  });

  it('keeps one scratch block per family, replaced by a larger one when needed', () => {
    const a = new Arena();
    const s = a.scratch('k', 1000);
    expect(a.scratch('k', 900)).toBe(s);
    const t = a.scratch('k', 100_000); // the first block went back (to the top, where it was)
    expect(a.liveBytes).toBe(sizeClass(100_000));
    expect(a.scratch('k', 100_000)).toBe(t);
    const o = a.scratch('other', 1000);
    expect(o >= t + 100_000 || o + 1000 <= t).toBe(true);
    a.trimScratch('k', 50_000);
    expect(a.liveBytes).toBe(sizeClass(1000));
  });
});

/** Where a kernel runs: tensor memory / GEMM threads on the WebAssembly loops, or the TypeScript loops on ordinary arrays. */
type Path = 'js/off' | 'wasm/off' | 'wasm/always' | 'loops';

/** Runs `body` in a `tidy` on each path and expects the same results from every one. */
function expectSameOnEveryPath(paths: readonly Path[], body: (path: Path) => unknown[]): void {
  const results = paths.map((path) => {
    const [where, threads] = (path === 'loops' ? ['js', 'off'] : path.split('/')) as ['js' | 'wasm', 'off' | 'always'];
    setTensorMemory(where);
    setGemmThreads(threads);
    const impl = setVectorImplementation(path === 'loops' ? 'js' : 'wasm');
    try {
      return tidy(() => body(path));
    } finally {
      setVectorImplementation(impl);
    }
  });
  for (const r of results.slice(1)) expect(r).toEqual(results[0]);
}

describe.runIf(wasmTensorMemoryAvailable())('tensors in WebAssembly memory', () => {
  let before: ReturnType<typeof getTensorMemory>;
  beforeAll(async () => {
    await gemmThreadsReady();
    before = getTensorMemory();
  });
  afterEach(() => {
    setTensorMemory(before);
    setGemmThreads('auto');
  });

  it('is where Node keeps kernel outputs of 256 elements and more, by default', () => {
    expect(getTensorMemory()).toBe('wasm');
    const cpu = engine.backend as CpuBackend;
    const [small, large] = [cpu.alloc('float32', 255), cpu.alloc('int32', 256)];
    expect(getArena()!.owns(small)).toBe(false);
    expect(getArena()!.owns(large)).toBe(true);
    const id = cpu.write(large, [256], 'int32');
    cpu.disposeData(id);
  });

  // Products written in place (whole tiles) and through scratch (ragged), on one thread and two,
  // with a fused relu: the same bits as with ordinary arrays.
  for (const [m, k, n] of [[128, 300, 64], [96, 40, 24], [130, 70, 30], [3, 5, 7], [256, 1100, 16]]) {
    for (const threads of ['off', 'always'] as const) {
      it(`matMul ${m}x${k} @ ${k}x${n} (then relu, and its gradient's products) on threads ${threads}: the same bits in both memories`, () => {
        const product = (where: 'js' | 'wasm') => {
          setTensorMemory(where);
          setGemmThreads(threads);
          return tidy(() => {
            const a = randomUniform([m, k], { minval: -1, maxval: 1, seed: m + k });
            const b = randomUniform([k, n], { minval: -1, maxval: 1, seed: n });
            // Outputs of kernels: in the arena when 'wasm', so the second product reads them in place.
            const y = relu(matMul(a, b));
            const z = matMul(y, y, true, false);
            return [y.dataSync(), z.dataSync(), y, z] as const;
          });
        };
        const [yj, zj] = product('js');
        const [yw, zw, y, z] = product('wasm');
        expect(getArena()!.owns((engine.backend as CpuBackend).values(y as unknown as Tensor))).toBe(m * n >= 256);
        expect(yw).toEqual(yj);
        expect(zw).toEqual(zj);
        (y as Tensor).dispose();
        (z as Tensor).dispose();
      });
    }
  }

  // Optimizer updates and the relu gradient of large arrays, in place on two threads (chunks
  // of 16384 elements) and on one, against ordinary arrays and the TypeScript loops: the same bits.
  it('runs the updates of large arrays in place on both threads, with the bits of every other path', () => {
    const n = 70_001;
    const inputs = (count: number) =>
      Array.from({ length: count }, (_, i) => randomUniform([n], { minval: i === 1 ? -1 : 0.01, maxval: 1, seed: 7 + i }));
    const cases = [
      { kernel: 'ApplyRMSProp', count: 5, attrs: { learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: true } },
      { kernel: 'ApplyRMSProp', count: 3, attrs: { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
      { kernel: 'ApplyAdam', count: 5, attrs: { alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true } },
      { kernel: 'ApplySGD', count: 3, attrs: { learningRate: 0.1, momentum: 0.9, nesterov: true } },
    ] as const;
    for (const c of cases) {
      expectSameOnEveryPath(['js/off', 'wasm/off', 'wasm/always', 'loops'], (path) => {
        // Copies made by a kernel, so that they live where the path says.
        const xs = inputs(c.count).map((x) => relu(x));
        const splits = gemmThreadSplits();
        const outs = engine.runKernelOutputs(c.kernel, xs, c.attrs as never);
        if (path === 'wasm/always') expect(gemmThreadSplits()).toBeGreaterThan(splits);
        return outs.map((o) => o.dataSync());
      });
    }
  });

  // The LSTM step in place (the sums written into the gates, updated there on both threads)
  // against the copying path of ordinary arrays: the same bits, batch 14 (row chunks of 4, the
  // last of 2) and 24 units; with 'always' the product and the rows are split (two jobs).
  it('runs the LSTM cell update and its gradient in place, split by rows, with the bits of the copying path', () => {
    const [batch, units] = [14, 24];
    expectSameOnEveryPath(['js/off', 'wasm/off', 'wasm/always'], (path) => {
      const shapes = [[batch, 4 * units], [batch, units], [batch, units], [units, 4 * units]];
      // Outputs of a kernel, so that they live where the path says (all have 256 elements or more).
      const [xw, h, c, kernel] = shapes.map((shape, i) => relu(randomUniform(shape, { minval: -0.5, maxval: 1, seed: 3 + i })));
      const splits = gemmThreadSplits();
      const [hNext, cNext, gates] = engine.runKernelOutputs('LSTMCell', [xw, h, c, kernel], {} as never);
      if (path === 'wasm/always') expect(gemmThreadSplits() - splits).toBe(2);
      // Its gradient from made-up dh and dc, in place too (one more split job).
      const [dh, dc] = [0, 1].map((i) => relu(randomUniform([batch, units], { minval: -1, maxval: 1, seed: 11 + i })));
      const grads = engine.runKernelOutputs('LSTMCellGrad', [dh, dc, c, gates, cNext], {} as never);
      if (path === 'wasm/always') expect(gemmThreadSplits() - splits).toBe(3);
      return [hNext, cNext, gates, ...grads].map((o) => Array.from(o.dataSync()));
    });
  });

  // The GRU step in place (the sums written into the first 3 units of each 4-unit row of the
  // gates, updated there): 24 units stage the bias (72 floats live in ordinary memory), 88 read
  // it where it is; batch 14 as above. With 'always', the product, the update and its gradient
  // are three split jobs.
  for (const units of [24, 88]) {
    it(`runs the GRU cell update and its gradient in place, split by rows, with the bits of the copying path (${units} units)`, () => {
      const batch = 14;
      expectSameOnEveryPath(['js/off', 'wasm/off', 'wasm/always'], (path) => {
        const shapes = [[batch, 3 * units], [batch, units], [units, 3 * units], [3 * units]];
        const [xw, h, kernel, bias] = shapes.map((shape, i) => relu(randomUniform(shape, { minval: -0.5, maxval: 1, seed: 5 + i })));
        const splits = gemmThreadSplits();
        const [hNext, gates] = engine.runKernelOutputs('GRUCell', [xw, h, kernel, bias], {} as never);
        if (path === 'wasm/always') expect(gemmThreadSplits() - splits).toBe(2);
        const dh = relu(randomUniform([batch, units], { minval: -1, maxval: 1, seed: 17 }));
        const grads = engine.runKernelOutputs('GRUCellGrad', [dh, h, gates], {} as never);
        if (path === 'wasm/always') expect(gemmThreadSplits() - splits).toBe(3);
        return [hNext, gates, ...grads].map((o) => Array.from(o.dataSync()));
      });
    });
  }

  // MaxPool and its gradient where they are (no staging copies), split by images: windows side
  // by side (2x2, the 11th row in none), overlapping (3x3 stride 1: the gradient adds up on
  // zeros) and apart (2x2 stride 3), 7 images (chunks of 2, the last of 1), against ordinary
  // arrays and the TypeScript loop: the same bits, two split jobs with 'always'.
  for (const [pool, strides, pad] of [[[2, 2], [2, 2], [0, 0, 0, 0]], [[3, 3], [1, 1], [1, 1, 1, 1]], [[2, 2], [3, 3], [0, 0, 0, 0]]] as const) {
    it(`runs MaxPool ${pool.join('x')} stride ${strides.join('x')} pad ${pad.join(',')} and its gradient in place, split by images, with the bits of the copying path`, () => {
      expectSameOnEveryPath(['js/off', 'wasm/off', 'wasm/always', 'loops'], (path) => {
        const x = relu(randomUniform([7, 11, 10, 8], { minval: -0.3, maxval: 1, seed: 21 }));
        const attrs = { poolSize: [...pool], strides: [...strides], pad: [...pad] };
        const splits = gemmThreadSplits();
        const y = engine.runKernel('MaxPool', [x], attrs as never);
        const dy = relu(randomUniform(y.shape, { minval: -1, maxval: 1, seed: 22 }));
        const dx = engine.runKernel('MaxPoolGrad', [dy, x], attrs as never);
        if (path === 'wasm/always') expect(gemmThreadSplits() - splits).toBe(2);
        return [y, dx].map((o) => Array.from(o.dataSync()));
      });
    });
  }

  it('gives every block back when the tensors go', () => {
    setTensorMemory('wasm');
    const live = getArena()!.liveBytes;
    const tensors = memory().numTensors;
    tidy(() => {
      const a = randomUniform([64, 64]);
      relu(matMul(a, a)).dataSync();
    });
    expect(memory().numTensors).toBe(tensors);
    // The GEMM's scratch block may have been made by this product: it stays, one per family.
    expect(getArena()!.liveBytes - live).toBeLessThanOrEqual(sizeClass(2 * 1024 * 1024));
    const again = getArena()!.liveBytes;
    tidy(() => {
      const a = randomUniform([64, 64]);
      relu(matMul(a, a)).dataSync();
    });
    expect(getArena()!.liveBytes).toBe(again);
  });

  it('reuses what tensors of other sizes freed: models of changing widths do not grow the memory by each', () => {
    setTensorMemory('wasm');
    const arena = getArena()!;
    const before = arena.usedBytes;
    let peak = 0;
    // A product, its relu and its gradient's products at widths that share no size class.
    for (let width = 96; width <= 768; width += 96) {
      tidy(() => {
        const x = relu(randomUniform([width, width], { seed: width }));
        const y = relu(matMul(x, x));
        matMul(y, x, true, false).dataSync();
        matMul(x, y, false, true).dataSync();
        peak = Math.max(peak, arena.liveBytes);
      });
    }
    // It grows by 1.12x the most in use at once; without merging free blocks, by 3.1x (each width's blocks kept apart).
    expect(arena.usedBytes - before).toBeLessThan(1.6 * peak);
  });

  it("'js' gives ordinary arrays, and setTensorMemory checks its argument", () => {
    setTensorMemory('js');
    const cpu = engine.backend as CpuBackend;
    expect(getArena()!.owns(cpu.alloc('float32', 4096))).toBe(false);
    expect(() => setTensorMemory('gpu' as never)).toThrow(/expected 'wasm' or 'js' but got gpu/);
  });
});
