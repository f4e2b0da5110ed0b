// precision: 'f16' (mixed-precision GEMM: f16 operands and products, f32 sums) on an adapter
// with shader-f16, against the f32 GEMM on the same adapter; and the error where the adapter
// lacks it (SwiftShader, the default test adapter).
//
// SwiftShader has no shader-f16; lavapipe from Mesa 25 does. scripts/ensure-system-deps.mjs
// installs it into /opt/lavapipe (as root on Debian 12); this file makes its own Dawn
// instance on it (the Vulkan loader reads VK_ICD_FILENAMES when Dawn makes its instance),
// and skips, saying what is missing, where there is none. TESSERA_F16_ICD names another
// Vulkan ICD json to try instead.
import '@tessera/cpu-backend';
import { gpu as swiftshader } from './setup.js';
import { existsSync } from 'node:fs';
import { mnist, toCategorical } from '@tessera/datasets';
import { Dense, Sequential, clearSession } from '@tessera/layers';
import {
  BackendError,
  abs,
  conv2d,
  conv2dBackpropFilter,
  conv2dTranspose,
  dispose,
  fusedMatMul,
  matMul,
  memory,
  registerBackend,
  removeBackend,
  setBackend,
  setRandomSeed,
  tensor,
  tidy,
  type Tensor,
} from '@tessera/tensor';
import { create } from 'webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../src/index.js';
import { seeded } from './helpers.js';

/** The Vulkan driver with shader-f16 (TESSERA_F16_ICD overrides where it is installed elsewhere). */
const LAVAPIPE_ICD = process.env.TESSERA_F16_ICD ?? '/opt/lavapipe/lvp_icd.json';

/** Runs `fn` with the Vulkan loader pointed at `icd` only, then restores the environment. */
async function withIcd<T>(icd: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.VK_ICD_FILENAMES;
  process.env.VK_ICD_FILENAMES = icd;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
    else process.env.VK_ICD_FILENAMES = saved;
  }
}

/** The lavapipe backends: f32 (the reference path) and f16 with each GEMM kernel. */
interface F16Backends {
  f32: WebGPUBackend;
  f16: WebGPUBackend;
  f16Naive: WebGPUBackend;
  f16Tiled: WebGPUBackend;
}

/**
 * The Dawn instance on lavapipe. Kept at module level: if it is garbage-collected while
 * its devices live, Dawn's instance goes with it and later calls crash the process.
 */
let lavapipe: GPU | undefined;

/** The backends, or why there are none. */
async function startF16(): Promise<F16Backends | string> {
  if (!existsSync(LAVAPIPE_ICD)) {
    return `${LAVAPIPE_ICD} is missing (lavapipe from Mesa 25; scripts/ensure-system-deps.mjs installs it as root on Debian 12, see shared WEBGPU.md)`;
  }
  return withIcd(LAVAPIPE_ICD, async () => {
    lavapipe = create([]);
    const adapter = await lavapipe.requestAdapter();
    if (!adapter) return `no WebGPU adapter from the Vulkan driver ${LAVAPIPE_ICD}`;
    if (!adapter.features.has('shader-f16')) {
      return `the adapter from ${LAVAPIPE_ICD} (${adapter.info.description || adapter.info.device}) has no shader-f16`;
    }
    const gpu = lavapipe;
    return {
      f32: await createWebGPUBackend({ gpu, precision: 'f32' }),
      f16: await createWebGPUBackend({ gpu, precision: 'f16' }),
      f16Naive: await createWebGPUBackend({ gpu, precision: 'f16', matmul: 'naive' }),
      f16Tiled: await createWebGPUBackend({ gpu, precision: 'f16', matmul: 'tiled' }),
    };
  });
}

const started = await startF16();
const backends = typeof started === 'string' ? undefined : started;
if (!backends) console.warn(`f16 tests skipped: ${started as string}`);
// Registered under their own names at priority 0, so 'webgpu' (SwiftShader) stays the default.
if (backends) for (const [name, backend] of Object.entries(backends)) registerBackend(`lvp-${name}`, () => backend, 0);

const UNIT_ROUNDOFF_F16 = 2 ** -11;
/** Worst error observed per case, relative to the dot-product magnitude (reported at the end). */
const observed: string[] = [];

afterAll(() => {
  if (observed.length > 0) console.log(`f16 GEMM on lavapipe, max |f16 - f32| / sum|a*b| per case:\n  ${observed.join('\n  ')}`);
  if (backends) for (const name of Object.keys(backends)) removeBackend(`lvp-${name}`);
});

/** An input: seeded values in [-1, 1) of a shape. */
const input = (shape: number[], seed: number) => ({ values: seeded(shape.reduce((a, b) => a * b, 1), seed), shape });

/** `fn`'s values on a registered backend, the inputs made there. */
async function runOn(name: string, inputs: ReturnType<typeof input>[], fn: (...xs: Tensor[]) => Tensor, map?: (t: Tensor) => Tensor) {
  await setBackend(name);
  const xs = inputs.map((i) => tensor(i.values, i.shape));
  const y = tidy(() => fn(...(map ? xs.map(map) : xs)));
  const values = await y.data();
  dispose([...xs, y]);
  return values;
}

/**
 * Checks `fn` (bilinear in its operands through sums of products, as every GEMM here)
 * in f16 against f32 on lavapipe, each output within `1e-2 * sum_k |a_k * b_k|`, the
 * dot product of the operands' magnitudes (`fn` of their absolute values, on the CPU).
 * f16 rounds each operand and each product once (relative 2^-11 each), so a product is off
 * by at most ~3 * 2^-11 ≈ 1.5e-3 of its magnitude, and an f32 sum of them adds K * 2^-24;
 * 1e-2 leaves room for that, and the check that the error exceeds 2^-14 of the
 * magnitude somewhere shows the f16 path ran (f32 errs ~1e-7 here).
 */
async function expectF16Close(name: string, inputs: ReturnType<typeof input>[], fn: (...xs: Tensor[]) => Tensor) {
  const magnitude = await runOn('cpu', inputs, fn, (t) => abs(t));
  const ref = await runOn('lvp-f32', inputs, fn);
  for (const variant of ['f16', 'f16Naive', 'f16Tiled'] as const) {
    const got = await runOn(`lvp-${variant}`, inputs, fn);
    expect(got.length).toBe(ref.length);
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < ref.length; i++) {
      const rel = Math.abs(got[i] - ref[i]) / (magnitude[i] + 1e-6);
      if (!(rel <= worst)) [worst, worstAt] = [rel, i];
    }
    observed.push(`${name} (${variant}): ${worst.toExponential(2)}`);
    expect(worst, `${name} (${variant}) at [${worstAt}]: f16 ${got[worstAt]}, f32 ${ref[worstAt]}, magnitude ${magnitude[worstAt]}`).toBeLessThanOrEqual(1e-2);
    expect(worst, `${name} (${variant}): no f16 rounding seen; did the f16 shader run?`).toBeGreaterThan(UNIT_ROUNDOFF_F16 / 8);
  }
}

describe.skipIf(!backends)(`precision 'f16' on an adapter with shader-f16 (lavapipe)`, () => {
  it('the backends report shader-f16 and their precision', () => {
    expect(backends!.f16.supportsF16).toBe(true);
    expect(backends!.f16.config.precision).toBe('f16');
    expect(backends!.f32.config.precision).toBe('f32');
  });

  it('matMul 67x45x33, plain and with each operand transposed', async () => {
    await expectF16Close('matMul 67x45x33', [input([67, 45], 1), input([45, 33], 2)], (a, b) => matMul(a, b));
    await expectF16Close('matMul 67x45x33 transposed', [input([45, 67], 3), input([33, 45], 4)], (a, b) => matMul(a, b, true, true));
  });

  it('matMul 128x96x80 (the tiled kernel under auto) and batched, broadcast products', async () => {
    await expectF16Close('matMul 128x80x96', [input([128, 80], 5), input([80, 96], 6)], (a, b) => matMul(a, b));
    await expectF16Close('matMul batched [3,20,17]x[3,17,19]', [input([3, 20, 17], 7), input([3, 17, 19], 8)], (a, b) => matMul(a, b));
    await expectF16Close('matMul broadcast [2,1,20,17]x[3,19,17]ᵀ', [input([2, 1, 20, 17], 9), input([3, 19, 17], 10)], (a, b) =>
      matMul(a, b, false, true),
    );
  });

  it('fusedMatMul with bias and relu', async () => {
    await expectF16Close('fusedMatMul bias+relu 67x45x33', [input([67, 45], 11), input([45, 33], 12), input([33], 13)], (a, b, bias) =>
      fusedMatMul(a, b, { bias, activation: 'relu' }),
    );
  });

  it('conv2d and its backprops (input, filter)', async () => {
    const options = { strides: 2, padding: 'same' } as const;
    await expectF16Close('conv2d [2,9,9,3]*[3,3,3,8] s2 same', [input([2, 9, 9, 3], 14), input([3, 3, 3, 8], 15)], (x, f) => conv2d(x, f, options));
    await expectF16Close('conv2d [2,12,12,4]*[3,3,4,16]', [input([2, 12, 12, 4], 16), input([3, 3, 4, 16], 17)], (x, f) => conv2d(x, f));
    await expectF16Close('conv2dBackpropInput', [input([2, 5, 5, 8], 18), input([3, 3, 3, 8], 19)], (dy, f) =>
      conv2dTranspose(dy, f, [2, 9, 9, 3], options),
    );
    await expectF16Close('conv2dBackpropFilter', [input([2, 9, 9, 3], 20), input([2, 5, 5, 8], 21)], (x, dy) =>
      conv2dBackpropFilter(x, dy, [3, 3, 3, 8], options),
    );
  });

  it('rounds operands to f16 in both kernels (1 + 2^-12 is 1 in f16), and leaves int32 exact', async () => {
    const a = [1 + 2 ** -12, 3];
    for (const variant of ['f32', 'f16Naive', 'f16Tiled'] as const) {
      await setBackend(`lvp-${variant}`);
      const y = matMul(tensor([a], [1, 2]), tensor([[1], [0]]));
      expect(Array.from(await y.data())).toEqual([variant === 'f32' ? Math.fround(1 + 2 ** -12) : 1]);
      // 4097 and 16785409 have no f16 form; int32 products never go through f16.
      const i = matMul(tensor([[4097, 2]], [1, 2], 'int32'), tensor([[4097], [-1]], [2, 1], 'int32'));
      expect(Array.from(await i.data())).toEqual([4097 * 4097 - 2]);
      dispose([y, i]);
    }
  });

  it('an MLP trains on MNIST with precision f16 (the loss goes down) and leaks nothing', async () => {
    const raw = await mnist.loadRaw();
    const n = 1000;
    const losses: Record<string, number[]> = {};
    for (const variant of ['f32', 'f16'] as const) {
      await setBackend(`lvp-${variant}`);
      clearSession();
      setRandomSeed(1234);
      const x = tensor(Float32Array.from(raw.train.images.subarray(0, n * 784), (v) => v / 255), [n, 784]);
      const ids = tensor(Int32Array.from(raw.train.labels.subarray(0, n)), [n], 'int32');
      const y = toCategorical(ids, 10);
      const model = new Sequential([new Dense({ units: 32, activation: 'relu', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })]);
      model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
      const start = memory().numTensors;
      const history = await model.fit(x, y, { epochs: 3, batchSize: 50, shuffle: false, verbose: 0 });
      expect(memory().numTensors).toBe(start);
      losses[variant] = history.history.loss;
      dispose([x, ids, y]);
      model.dispose();
    }
    setRandomSeed(undefined);
    observed.push(`MNIST MLP loss per epoch: f32 ${losses.f32.map((l) => l.toFixed(4)).join(', ')}; f16 ${losses.f16.map((l) => l.toFixed(4)).join(', ')}`);
    const f16 = losses.f16;
    expect(f16[1]).toBeLessThan(f16[0]);
    expect(f16[2]).toBeLessThan(f16[1]);
    expect(f16[2]).toBeLessThan(0.6 * f16[0]);
    expect(Math.abs(f16[2] - losses.f32[2])).toBeLessThan(0.05);
  }, 120_000);
});

describe(`precision 'f16' on an adapter without shader-f16`, async () => {
  // A device consumes its adapter: each test requests its own.
  const adapter = await swiftshader.requestAdapter();
  const hasF16 = adapter?.features.has('shader-f16') ?? true;
  if (!adapter) console.warn('f16 error tests skipped: no WebGPU adapter (scripts/ensure-system-deps.mjs installs SwiftShader)');
  else if (hasF16) console.warn('f16 error tests skipped: the default test adapter has shader-f16 (VK_ICD_FILENAMES is not SwiftShader)');

  it.skipIf(hasF16)('createWebGPUBackend throws a BackendError saying what was expected, what was found and how to get it', async () => {
    const error = await createWebGPUBackend({ gpu: swiftshader, precision: 'f16' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    const message = (error as Error).message;
    expect(message).toMatch(/precision 'f16' needs the adapter feature 'shader-f16'/);
    expect(message).toMatch(/does not offer it/);
    expect(message).toMatch(/swiftshader/i);
    expect(message).toMatch(/lavapipe from Mesa 25/);
    expect(message).toMatch(/VK_ICD_FILENAMES/);
    expect(message).toMatch(/precision 'f32'/);
  });

  it.skipIf(hasF16)('a device handed in without shader-f16 is refused too (and left to its owner)', async () => {
    const device = await (await swiftshader.requestAdapter())!.requestDevice();
    await expect(createWebGPUBackend({ device, precision: 'f16' })).rejects.toThrow(/needs the adapter feature 'shader-f16'/);
    const b = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    b.destroy();
    device.destroy();
  });

  it.skipIf(!adapter)('an unknown precision is an error', async () => {
    const device = await (await swiftshader.requestAdapter())!.requestDevice();
    await expect(createWebGPUBackend({ device, precision: 'bf16' as 'f16' })).rejects.toThrow(/expected precision 'f32' or 'f16' but got "bf16"/);
    device.destroy();
  });
});
