import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { util, type Shape } from '@tessera/tensor';
import { build } from '../scripts/build-wasm.mjs';
import {
  getGemmAccumulation,
  getGemmImplementation,
  getGemmThreads,
  setGemmAccumulation,
  setGemmImplementation,
  setGemmThreads,
  wasmGemmAvailable,
  type GemmAccumulation,
  type GemmImplementation,
} from '../src/index.js';
import { wasmGemmMemoryBytes } from '../src/util/gemm_wasm.js';
import { GEMM_WASM_BYTES } from '../src/wasm/gemm_wasm.js';
import { expectClose, randomFloats, run, t, vals } from './helpers.js';
import { expectWithinFloat32DotBound, matMulRef } from './matmul_ref.js';

const defaults = { impl: getGemmImplementation(), acc: getGemmAccumulation(), threads: getGemmThreads() };
afterEach(() => {
  setGemmImplementation(defaults.impl);
  setGemmAccumulation(defaults.acc);
  setGemmThreads(defaults.threads);
});

/** One thread throughout this file (the plain memory); test/gemm_threads.test.ts splits products. */
function use(impl: GemmImplementation, acc: GemmAccumulation = 'float64') {
  setGemmImplementation(impl);
  setGemmAccumulation(acc);
  setGemmThreads('off');
}

function product(aShape: Shape, bShape: Shape, ta: boolean, tb: boolean, seed = 1) {
  const av = randomFloats(util.sizeFromShape(aShape), seed);
  const bv = randomFloats(util.sizeFromShape(bShape), seed + 1);
  const y = run('MatMul', [t(av, aShape), t(bv, bShape)], { transposeA: ta, transposeB: tb });
  return { y, ref: matMulRef(av, aShape, bv, bShape, ta, tb) };
}

/** Checks one product on the current GEMM: double sums to float32 rounding, float32 sums to their bound. */
function check(aShape: Shape, bShape: Shape, ta: boolean, tb: boolean) {
  const { y, ref } = product(aShape, bShape, ta, tb);
  expect(y.shape).toEqual(ref.outShape);
  if (getGemmImplementation() === 'wasm' && getGemmAccumulation() === 'float32') expectWithinFloat32DotBound(vals(y), ref);
  else expectClose(vals(y), ref.out, 2 ** -23);
}

describe('the WebAssembly SIMD GEMM', () => {
  it('is available in Node and is the default for float32', () => {
    expect(wasmGemmAvailable()).toBe(true);
    expect(defaults).toEqual({ impl: 'wasm', acc: 'float32', threads: 'auto' });
  });

  it('is a module under 4 KB, so browsers compile it synchronously on the main thread', () => {
    expect(GEMM_WASM_BYTES.length).toBeLessThan(4096);
  });

  it('is built from gemm.wat: the committed bytes equal a fresh assembly', async () => {
    const committed = await readFile(new URL('../src/wasm/gemm_wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await build());
  });

  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 4, 8],
    [17, 33, 65],
    [9, 257, 20],
    // Deep enough to be summed in two parts of its depth in float32 (gemm_threads.ts depthParts).
    [6, 1100, 10],
  ];
  const configs: [GemmImplementation, GemmAccumulation][] = [
    ['wasm', 'float64'],
    ['wasm', 'float32'],
    ['js', 'float64'],
  ];
  for (const [impl, acc] of configs) {
    describe(`${impl}${impl === 'wasm' ? ` summing in ${acc}` : ''}`, () => {
      for (const [m, k, n] of sizes) {
        it(`${m}x${k} @ ${k}x${n}, all four transposes, against a double reference`, () => {
          use(impl, acc);
          for (const ta of [false, true]) {
            for (const tb of [false, true]) check(ta ? [k, m] : [m, k], tb ? [n, k] : [k, n], ta, tb);
          }
        });
      }

      it('batches with broadcasting, transposed or not', () => {
        use(impl, acc);
        check([2, 1, 5, 6], [3, 6, 9], false, false);
        check([2, 1, 6, 5], [3, 9, 6], true, true);
        check([4, 7, 3], [3, 10], false, false);
        check([10, 3], [2, 2, 9, 3], false, true);
      });

      it('gives zeros for an inner size 0 and empty results for size-0 rows, columns or batches', () => {
        use(impl, acc);
        expect(vals(run('MatMul', [t([], [2, 0]), t([], [0, 3])], { transposeA: false, transposeB: false }))).toEqual([0, 0, 0, 0, 0, 0]);
        expect(vals(run('MatMul', [t([], [0, 2]), t([], [3, 0])], { transposeA: true, transposeB: true }))).toEqual([0, 0, 0, 0, 0, 0]);
        expect(run('MatMul', [t([], [0, 3]), t([1, 2, 3], [3, 1])], { transposeA: false, transposeB: false }).shape).toEqual([0, 1]);
        expect(run('MatMul', [t([1, 2, 3], [1, 3]), t([], [3, 0])], { transposeA: false, transposeB: false }).shape).toEqual([1, 0]);
        expect(run('MatMul', [t([], [0, 2, 3]), t(new Array(6).fill(1), [3, 2])], { transposeA: false, transposeB: false }).shape).toEqual([0, 2, 2]);
      });
    });
  }

  it('matches the TypeScript GEMM on the MLP shapes, 128x784 @ 784x512 in all transposes', () => {
    const [m, k, n] = [128, 784, 512];
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      const aShape = ta ? [k, m] : [m, k];
      const bShape = tb ? [n, k] : [k, n];
      const a = t(randomFloats(m * k, 7), aShape);
      const b = t(randomFloats(k * n, 8), bShape);
      use('js');
      const js = run('MatMul', [a, b], { transposeA: ta, transposeB: tb }).dataSync();
      use('wasm', 'float64');
      const wasm = run('MatMul', [a, b], { transposeA: ta, transposeB: tb }).dataSync();
      // Both sum exact products in double, in different orders: equal once rounded to
      // float32, but for the odd value that lands next to a rounding boundary.
      let differ = 0;
      for (let i = 0; i < js.length; i++) {
        if (wasm[i] !== js[i]) {
          differ++;
          expect(Math.abs(wasm[i] - js[i])).toBeLessThanOrEqual(2 ** -23 * Math.abs(js[i]));
        }
      }
      expect(differ).toBeLessThan(js.length / 1000);
      use('wasm', 'float32');
      const f32 = run('MatMul', [a, b], { transposeA: ta, transposeB: tb }).dataSync();
      let worst = 0;
      for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(f32[i] - js[i]));
      expect(worst).toBeLessThan(1e-4); // |values| ~ 10 here; float32 sums of 784 terms
    }
  });

  it('grows its memory for a large product, and lets go of more than 64 MiB afterwards', () => {
    use('wasm');
    // 2 x 2^21 @ 2^21 x 8: 80 MB of operands, little arithmetic. Sums are exact.
    const k = 2 ** 21;
    const a = t(new Float32Array(2 * k).fill(1), [2, k]);
    const bv = new Float32Array(k * 8);
    for (let p = 0; p < k; p++) for (let j = 0; j < 8; j++) bv[p * 8 + j] = (j + 1) / 4;
    const y = run('MatMul', [a, t(bv, [k, 8])], { transposeA: false, transposeB: false });
    const expected = Array.from({ length: 8 }, (_, j) => (k * (j + 1)) / 4);
    expect(vals(y)).toEqual([...expected, ...expected]);
    expect(wasmGemmMemoryBytes()).toBe(0);
    // A product that fits is kept for the next call.
    check([64, 300], [300, 90], false, false);
    const kept = wasmGemmMemoryBytes();
    expect(kept).toBeGreaterThan(0);
    check([64, 300], [300, 90], false, false);
    expect(wasmGemmMemoryBytes()).toBe(kept);
  });

  it('leaves int32 to the TypeScript GEMM, exact beyond float32 precision', () => {
    use('wasm');
    const y = run('MatMul', [t([16777217, 1, 4097, 4095], [2, 2], 'int32'), t([1, 2, 4097, 3], [2, 2], 'int32')], {
      transposeA: false,
      transposeB: false,
    });
    expect(y.dtype).toBe('int32');
    expect(vals(y)).toEqual([16777217 + 4097, 2 * 16777217 + 3, 4097 + 4095 * 4097, 2 * 4097 + 3 * 4095]);
  });

  it('rejects unknown choices, saying what it got', () => {
    expect(() => setGemmImplementation('gpu' as GemmImplementation)).toThrow(/expected 'js' or 'wasm' but got gpu/);
    expect(() => setGemmAccumulation('float16' as GemmAccumulation)).toThrow(/expected 'float64' or 'float32' but got float16/);
    expect(setGemmImplementation('js')).toBe('wasm');
    expect(setGemmAccumulation('float64')).toBe('float32');
  });
});
