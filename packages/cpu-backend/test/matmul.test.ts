import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { util, type Shape } from '@tessera/tensor';
import { setGemmImplementation, type GemmImplementation } from '../src/index.js';
import { expectClose, randomFloats, run, t, vals } from './helpers.js';
import { matMulRef } from './matmul_ref.js';

function check(aShape: Shape, bShape: Shape, ta = false, tb = false) {
  const av = randomFloats(util.sizeFromShape(aShape), 3);
  const bv = randomFloats(util.sizeFromShape(bShape), 4);
  const y = run('MatMul', [t(av, aShape), t(bv, bShape)], { transposeA: ta, transposeB: tb });
  const ref = matMulRef(av, aShape, bv, bShape, ta, tb);
  expect(y.shape).toEqual(ref.outShape);
  expectClose(vals(y), ref.out, 1e-5);
}

// Every case runs on both GEMMs: the WebAssembly one (float32's default) and the TypeScript one.
for (const impl of ['wasm', 'js'] satisfies GemmImplementation[]) describe(`MatMul on the ${impl} GEMM`, () => {
  let before: GemmImplementation;
  beforeAll(() => {
    before = setGemmImplementation(impl);
  });
  afterAll(() => {
    setGemmImplementation(before);
  });

  // [m, k, n]: tiny, odd, around the 4x4 and 4x8 tiles and the thin (matrix-vector) paths, past
  // one 256-deep block of k, past one 256-wide block of n and past one 128-tall block of m.
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [2, 3, 2],
    [7, 13, 5],
    [4, 4, 4],
    [5, 1, 9],
    [1, 37, 11],
    [11, 37, 1],
    [2, 300, 9],
    [9, 300, 2],
    [65, 130, 33],
    [17, 600, 18],
    [6, 20, 261],
    [133, 20, 9],
  ];
  for (const [m, k, n] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${m}x${k} @ ${k}x${n}, transposeA=${ta}, transposeB=${tb}`, () => {
          check(ta ? [k, m] : [m, k], tb ? [n, k] : [k, n], ta, tb);
        });
      }
    }
  }

  it('broadcasts batch dims as NumPy: [2,1,3,4] x [5,4,6] -> [2,5,3,6]', () => {
    check([2, 1, 3, 4], [5, 4, 6]);
    check([2, 1, 4, 3], [5, 6, 4], true, true);
    check([3, 7, 5], [5, 2]);
    check([6, 9], [2, 3, 9, 1]);
  });

  it('multiplies int32 exactly', () => {
    const a = t([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const b = t([7, 8, 9, 10, 11, 12], [3, 2], 'int32');
    const y = run('MatMul', [a, b], { transposeA: false, transposeB: false });
    expect(y.dtype).toBe('int32');
    expect(vals(y)).toEqual([58, 64, 139, 154]);
  });

  it('gives zeros when the inner dimension is 0, and empty outputs for empty batches or rows', () => {
    const z = run('MatMul', [t([], [2, 0]), t([], [0, 3])], { transposeA: false, transposeB: false });
    expect(z.shape).toEqual([2, 3]);
    expect(vals(z)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(run('MatMul', [t([], [0, 2, 2]), t([1, 2, 3, 4], [2, 2])], { transposeA: false, transposeB: false }).shape).toEqual([0, 2, 2]);
    expect(run('MatMul', [t([], [0, 4]), t(new Array(12).fill(1), [4, 3])], { transposeA: false, transposeB: false }).shape).toEqual([0, 3]);
  });

  it('rejects mismatched inner dimensions and rank < 2, saying what it got', () => {
    const a = t(new Array(6).fill(1), [2, 3]);
    expect(() => run('MatMul', [a, a], { transposeA: false, transposeB: false })).toThrow(/has 3 columns but b \[2, 3\] has 2 rows/);
    expect(() => run('MatMul', [t([1, 2], [2]), a], { transposeA: false, transposeB: false })).toThrow(/rank >= 2/);
  });
});
