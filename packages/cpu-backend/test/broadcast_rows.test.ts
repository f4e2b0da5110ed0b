// Binary kernels where one operand repeats along the leading axes of the other (a bias:
// [n, c] + [c], [n, h, w, c] + [c]) run as plain rows; they must equal the element-by-element
// definition, with either operand the repeated one, for float32, int32 and comparisons.
import { describe, expect, it } from 'vitest';
import { util, type BinaryKernelName, type ComparisonKernelName, type Shape } from '@tessera/tensor';
import { randomFloats, run, t, unravel, vals } from './helpers.js';

const OPS: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Maximum: Math.max,
  Greater: (a, b) => +(a > b),
};

/** `f(a, b)` at every index of `outShape`, each operand broadcast by NumPy rules. */
function reference(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, outShape: Shape, f: (a: number, b: number) => number, round: (v: number) => number): number[] {
  const at = (v: ArrayLike<number>, shape: Shape, idx: number[]) => {
    const own = idx.slice(idx.length - shape.length).map((i, d) => (shape[d] === 1 ? 0 : i));
    return v[own.reduce((flat, i, d) => flat * shape[d] + i, 0)];
  };
  return Array.from({ length: util.sizeFromShape(outShape) }, (_, i) => {
    const idx = unravel(i, outShape);
    return round(f(at(a, aShape, idx), at(b, bShape, idx)));
  });
}

const CASES: Array<[Shape, Shape]> = [
  [[5, 3], [3]],
  [[2, 3, 4], [4]],
  [[2, 3, 4], [3, 4]],
  [[2, 3, 4], [1, 3, 4]],
  [[2, 3, 4], [1, 1, 4]],
  [[4, 2, 2, 3], [3]],
];

describe('binary kernels with a repeated trailing operand', () => {
  for (const [big, small] of CASES) {
    for (const [name, f] of Object.entries(OPS)) {
      it(`${name}: [${big}] with [${small}] and [${small}] with [${big}], float32 and int32`, () => {
        const n = util.sizeFromShape(big);
        const m = util.sizeFromShape(small);
        const floats = [randomFloats(n, 1), randomFloats(m, 2)];
        const ints = floats.map((v) => Int32Array.from(v, (x) => Math.round(x * 10)));
        for (const [[xa, xb], dtype, round] of [
          [floats, 'float32', Math.fround],
          [ints, 'int32', (v: number) => v | 0],
        ] as const) {
          const outRound = name === 'Greater' ? (v: number) => v : round;
          const ab = run(name as BinaryKernelName | ComparisonKernelName, [t(xa, big, dtype), t(xb, small, dtype)], {});
          expect(vals(ab)).toEqual(reference(xa, big, xb, small, big, f, outRound));
          const ba = run(name as BinaryKernelName | ComparisonKernelName, [t(xb, small, dtype), t(xa, big, dtype)], {});
          expect(vals(ba)).toEqual(reference(xb, small, xa, big, big, f, outRound));
        }
      });
    }
  }
});
