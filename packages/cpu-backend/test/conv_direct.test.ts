// The direct convolution kernels (src/wasm/conv.wat) against im2col + GEMM on the same
// inputs: the forward pass with each epilogue it applies and the filter gradient, on
// shapes that exercise every branch (padding on every side, strides, dilations, one to four
// input channels, output channels in blocks of 32 and tails of 4 with padding, and a batch
// large enough for several bands of images).
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dispose, fusedConv2d, getKernel, grad, grads, mul, registerKernel, sum, unregisterKernel, type KernelConfig, type Tensor } from '@tessera/tensor';
import { buildConv } from '../scripts/build-wasm.mjs';
import { CONV_WASM_BYTES } from '../src/wasm/conv_wasm.js';
import { CpuBackend, gemmThreadsReady, getGemmImplementation, getTensorMemory, setGemmImplementation, setGemmThreads, setTensorMemory } from '../src/index.js';
import { getArena } from '../src/util/arena.js';
import { setDirectConv, useDirectConv } from '../src/util/conv_direct.js';
import { windowGeometry } from '../src/util/window.js';
import { engine, randomFloats, run, t } from './helpers.js';

const impl = getGemmImplementation();
afterEach(() => {
  setDirectConv(true);
  setGemmImplementation(impl);
});

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides?: [number, number];
  pad?: [number, number, number, number];
  dilations?: [number, number];
}

const CASES: Record<string, Case> = {
  'MNIST first layer, 5x5, 32 channels': { x: [3, 28, 28, 1], f: [5, 5, 1, 32] },
  'RGB 3x3 same, 37 channels (a block and tails)': { x: [2, 9, 11, 3], f: [3, 3, 3, 37], pad: [1, 1, 1, 1] },
  'strides 2, dilation 2, uneven padding, 6 channels': { x: [2, 13, 10, 2], f: [3, 2, 2, 6], strides: [2, 3], pad: [2, 1, 0, 3], dilations: [2, 2] },
  'four channels, 1x1 windows past the edge': { x: [1, 5, 5, 4], f: [1, 1, 4, 5], pad: [1, 0, 2, 1] },
  'a batch of several bands (at most 14 images each)': { x: [40, 28, 28, 1], f: [5, 5, 1, 64] },
};

function attrsOf(c: Case) {
  return { strides: c.strides ?? [1, 1], pad: c.pad ?? [0, 0, 0, 0], dilations: c.dilations ?? [1, 1] };
}

function both<T>(f: () => T): [T, T] {
  setDirectConv(true);
  const direct = f();
  setDirectConv(false);
  return [direct, f()];
}

function expectClose(a: Float32Array, b: Float32Array, rtol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThanOrEqual(rtol * scale);
}

describe('the direct convolution kernels', () => {
  it('are the module assembled from src/wasm/conv.wat, under 4 KB (synchronous compilation in browsers)', async () => {
    const committed = await readFile(new URL('../src/wasm/conv_wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await buildConv());
    expect(CONV_WASM_BYTES.length).toBeLessThan(4096);
  });

  it('take inputs of up to four channels on the WebAssembly path, and nothing else', () => {
    const attrs = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number] };
    expect(useDirectConv(windowGeometry('c', [1, 5, 5, 4], [3, 3], 8, attrs))).toBe(true);
    expect(useDirectConv(windowGeometry('c', [1, 5, 5, 5], [3, 3], 8, attrs))).toBe(false);
    expect(useDirectConv(windowGeometry('c', [1, 5, 5, 1], [3, 3], 8, attrs), -1)).toBe(false);
    setGemmImplementation('js');
    expect(useDirectConv(windowGeometry('c', [1, 5, 5, 1], [3, 3], 8, attrs))).toBe(false);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`match im2col + GEMM: ${name}`, () => {
      const attrs = attrsOf(c);
      const x = t(randomFloats(c.x.reduce((a, b) => a * b), 1), c.x);
      const f = t(randomFloats(c.f.reduce((a, b) => a * b), 2), c.f);
      const bias = t(randomFloats(c.f[3], 3), [c.f[3]]);
      for (const activation of ['linear', 'relu', 'relu6'] as const) {
        const [direct, gemm] = both(() => run('FusedConv2D', [x, f, bias], { ...attrs, activation, alpha: 0.2 }).dataSync() as Float32Array);
        expectClose(direct, gemm, 1e-5);
      }
      const [plainDirect, plainGemm] = both(() => run('Conv2D', [x, f], attrs));
      expect(plainDirect.shape).toEqual(plainGemm.shape);
      expectClose(plainDirect.dataSync() as Float32Array, plainGemm.dataSync() as Float32Array, 1e-5);
      const dy = t(randomFloats(plainGemm.size, 4), plainGemm.shape);
      const [gradDirect, gradGemm] = both(() => run('Conv2DBackpropFilter', [x, dy], { ...attrs, filterShape: c.f }).dataSync() as Float32Array);
      expectClose(gradDirect, gradGemm, 1e-5);
    });
  }

  it('keep NaN where im2col + GEMM does, and give +0 where relu clamps -0', () => {
    const xv = randomFloats(2 * 6 * 6, 5);
    xv[7] = Number.NaN;
    const x = t(xv, [2, 6, 6, 1]);
    const f = t(randomFloats(9 * 8, 6), [3, 3, 1, 8]);
    const bias = t(new Array(8).fill(-0), [8]);
    const zeros = t(new Array(72).fill(0), [2, 6, 6, 1]);
    const attrs = { strides: [1, 1] as [number, number], pad: [1, 1, 1, 1] as [number, number, number, number], dilations: [1, 1] as [number, number] };
    for (const activation of ['linear', 'relu', 'relu6'] as const) {
      const [direct, gemm] = both(() => Array.from(run('FusedConv2D', [x, f, bias], { ...attrs, activation, alpha: 0.2 }).dataSync()));
      expect(direct.map(Number.isNaN)).toEqual(gemm.map(Number.isNaN));
      expect(direct.some(Number.isNaN)).toBe(true);
      // Sums of zeros plus a -0 bias: -0 unclamped, +0 after relu or relu6.
      const [z] = both(() => Array.from(run('FusedConv2D', [zeros, f, bias], { ...attrs, activation, alpha: 0.2 }).dataSync()));
      expect(z.every((v) => Object.is(v, activation === 'linear' ? -0 : 0) || Object.is(v, 0))).toBe(true);
      if (activation !== 'linear') expect(z.every((v) => Object.is(v, 0))).toBe(true);
    }
  });
});

// FusedConv2D's filter and bias gradients with the activation's gradient applied inside the
// direct filter gradient (conv.wat's act_run): on two threads reading dy and y where they
// live in the shared memory, and copied in band by band elsewhere. The filter gradient must
// be the bits of FusedActivationGrad then Conv2DBackpropFilter (the same dy rows reach the
// same sums), the bias gradient dy's sum per channel.
describe("FusedConv2DBackpropFilter: the activation's gradient inside the direct filter gradient", () => {
  const memory = getTensorMemory();
  beforeAll(async () => {
    await gemmThreadsReady();
  });
  afterEach(() => {
    setTensorMemory(memory);
    setGemmThreads('auto');
  });

  const SHAPES: Record<string, Case> = {
    'MNIST first layer, 64 images (several bands), 32 channels': { x: [64, 28, 28, 1], f: [5, 5, 1, 32] },
    'RGB 3x3 same, 8 channels': { x: [3, 9, 11, 3], f: [3, 3, 3, 8], pad: [1, 1, 1, 1] },
    'strides 2, 4 channels (padded to 8 in the module)': { x: [2, 7, 7, 2], f: [3, 3, 2, 4], strides: [2, 2] },
  };
  const bits = (x: Tensor) => Array.from(new Uint32Array(Float32Array.from(x.dataSync()).buffer));

  for (const [name, c] of Object.entries(SHAPES)) {
    for (const [where, threads] of [['wasm', 'always'], ['wasm', 'off'], ['js', 'always']] as const) {
      it(`${name}, tensors in ${where} memory, threads ${threads}: the composite's filter bits, dy's sums`, () => {
        setTensorMemory(where);
        setGemmThreads(threads);
        const attrs = attrsOf(c);
        const x = t(randomFloats(c.x.reduce((a, b) => a * b), 11), c.x);
        const f = t(randomFloats(c.f.reduce((a, b) => a * b), 12), c.f);
        const bias = t(randomFloats(c.f[3], 13), [c.f[3]]);
        for (const activation of ['linear', 'relu', 'relu6'] as const) {
          // Outputs of kernels: where tensors are in WebAssembly memory, in the shared memory.
          const y = run('FusedConv2D', [x, f, bias], { ...attrs, activation, alpha: 0.2 });
          const dy = run('Neg', [t(randomFloats(y.size, 14), y.shape)], {});
          const cpu = engine.backend as CpuBackend;
          if (where === 'wasm' && y.size >= 256) expect(getArena()!.owns(cpu.values(dy)) && getArena()!.owns(cpu.values(y))).toBe(true);
          const [df, db] = engine.runKernelOutputs('FusedConv2DBackpropFilter', [x, dy, y], { ...attrs, activation, alpha: 0.2, filterShape: c.f, bias: true });
          const dz = run('FusedActivationGrad', [dy, y], { activation, alpha: 0.2 });
          const reference = run('Conv2DBackpropFilter', [x, dz], { ...attrs, filterShape: c.f });
          expect(bits(df)).toEqual(bits(reference));
          const dzv = dz.dataSync();
          const [sums, scale] = [new Float64Array(c.f[3]), new Float64Array(c.f[3])];
          for (let i = 0; i < dzv.length; i++) {
            sums[i % c.f[3]] += dzv[i];
            scale[i % c.f[3]] += Math.abs(dzv[i]);
          }
          const got = db.dataSync();
          for (let k = 0; k < c.f[3]; k++) expect(Math.abs(got[k] - sums[k])).toBeLessThanOrEqual(1e-6 * scale[k]);
          df.dispose();
          db.dispose();
        }
      });
    }
  }

  it('without a bias returns the filter gradient alone; other activations take the composite (with the Sum kernel\'s bias)', () => {
    const c = SHAPES['strides 2, 4 channels (padded to 8 in the module)'];
    const attrs = attrsOf(c);
    const x = t(randomFloats(c.x.reduce((a, b) => a * b), 21), c.x);
    const y = run('Sigmoid', [t(randomFloats(2 * 3 * 3 * 4, 22), [2, 3, 3, 4])], {});
    const dy = t(randomFloats(y.size, 23), y.shape);
    const outs = engine.runKernelOutputs('FusedConv2DBackpropFilter', [x, dy, y], { ...attrs, activation: 'sigmoid', alpha: 0.2, filterShape: c.f, bias: false });
    expect(outs.length).toBe(1);
    const dz = run('FusedActivationGrad', [dy, y], { activation: 'sigmoid', alpha: 0.2 });
    expect(bits(outs[0])).toEqual(bits(run('Conv2DBackpropFilter', [x, dz], { ...attrs, filterShape: c.f })));
    outs[0].dispose();
    // With a bias: its gradient is the Sum kernel's, bit for bit.
    const [df, db] = engine.runKernelOutputs('FusedConv2DBackpropFilter', [x, dy, y], { ...attrs, activation: 'sigmoid', alpha: 0.2, filterShape: c.f, bias: true });
    expect(bits(db)).toEqual(bits(run('Sum', [dz], { axes: [0, 1, 2] })));
    dispose([df, db]);
  });
});

// Autodiff of fusedConv2d: where x needs no gradient (a first layer) the filter's and bias's
// come from FusedConv2DBackpropFilter; under an outer tape (a second derivative) from the
// composite, which has gradients of its own.
describe("fusedConv2d's gradient for a first layer", () => {
  const c: Case = { x: [4, 12, 12, 1], f: [5, 5, 1, 8] };
  let calls = 0;
  let kernel: KernelConfig;
  beforeAll(() => {
    kernel = getKernel('FusedConv2DBackpropFilter', 'cpu') as KernelConfig;
    unregisterKernel('FusedConv2DBackpropFilter', 'cpu');
    registerKernel({ ...kernel, kernelFunc: (a: never) => ((calls++, kernel.kernelFunc as (a: never) => unknown)(a)) } as KernelConfig);
  });
  afterAll(() => {
    unregisterKernel('FusedConv2DBackpropFilter', 'cpu');
    registerKernel(kernel);
  });

  it("takes the kernel, with the composite's results; a second derivative takes the composite", () => {
    const x = t(randomFloats(4 * 12 * 12, 31), c.x);
    const f = t(randomFloats(200, 32), c.f);
    const b = t(randomFloats(8, 33), [8]);
    const w = t(randomFloats(4 * 8 * 8 * 8, 34), [4, 8, 8, 8]);
    const loss = (filter: Tensor, bias: Tensor) => sum(mul(fusedConv2d(x, filter, { bias, activation: 'relu' }), w));
    calls = 0;
    const [df, db] = grads(loss)([f, b]);
    expect(calls).toBe(1);
    unregisterKernel('FusedConv2DBackpropFilter', 'cpu');
    const [cf, cb] = grads(loss)([f, b]);
    registerKernel({ ...kernel, kernelFunc: (a: never) => ((calls++, kernel.kernelFunc as (a: never) => unknown)(a)) } as KernelConfig);
    expect(Array.from(df.dataSync())).toEqual(Array.from(cf.dataSync()));
    const [got, want] = [db.dataSync(), cb.dataSync()];
    for (let k = 0; k < 8; k++) expect(got[k]).toBeCloseTo(want[k], 4);
    // d/dbias of (d loss / d filter) . v: linear in the filter's gradient, through the composite.
    calls = 0;
    const v = t(randomFloats(200, 35), c.f);
    const second = grad((bias: Tensor) => sum(mul(grads((filter: Tensor) => loss(filter, bias))([f])[0], v)))(b);
    expect(calls).toBe(0);
    expect(second.shape).toEqual([8]);
    dispose([df, db, cf, cb, second]);
  });
});
