import { describe, expect, it } from 'vitest';
import { BINARY_KERNELS, COMPARISON_KERNELS, util, type Shape } from '@tessera/tensor';
import { expectClose, randomFloats, ravel, run, t, unravel, vals } from './helpers.js';

/** The NumPy-broadcast reference: out[idx] = f(a[idx mapped into a], b[idx mapped into b]). */
function broadcastRef(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, f: (x: number, y: number) => number) {
  const outShape = util.broadcastShapes('ref', aShape, bShape);
  const pick = (shape: Shape, idx: number[]) => ravel(shape.map((d, i) => (d === 1 ? 0 : idx[idx.length - shape.length + i])), shape);
  const out: number[] = [];
  for (let i = 0; i < util.sizeFromShape(outShape); i++) {
    const idx = unravel(i, outShape);
    out.push(f(a[pick(aShape, idx)], b[pick(bShape, idx)]));
  }
  return { out, outShape };
}

/** base ** exp modulo 2^32, as a signed int32, computed exactly with BigInt. */
function powMod32(base: number, exp: number): number {
  let r = 1n;
  let b = BigInt(base);
  for (let e = BigInt(exp); e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % 2n ** 32n;
    b = (b * b) % 2n ** 32n;
  }
  return Number(BigInt.asIntN(32, r));
}

const pyMod = (x: number, y: number) => {
  const r = x % y;
  if (r === 0) return y < 0 ? -0 : 0;
  return r < 0 !== y < 0 ? r + y : r;
};

describe('binary kernels', () => {
  const shapePairs: [Shape, Shape][] = [
    [[2, 3], [2, 3]],
    [[2, 3], []],
    [[], [4]],
    [[2, 3], [3]],
    [[4, 1], [1, 5]],
    [[2, 1, 3], [4, 1]],
    [[3, 1, 2, 1], [1, 4, 1, 5]],
    [[1], [2, 2]],
    [[0, 3], [3]],
    [[2, 0], [1, 1]],
  ];
  for (const [as, bs] of shapePairs) {
    it(`Add, Mul, Maximum, Less broadcast ${util.formatShape(as)} with ${util.formatShape(bs)}`, () => {
      const av = randomFloats(util.sizeFromShape(as), 1);
      const bv = randomFloats(util.sizeFromShape(bs), 2);
      const a = t(av, as);
      const b = t(bv, bs);
      const cases: [(typeof BINARY_KERNELS)[number] | 'Less', (x: number, y: number) => number][] = [
        ['Add', (x, y) => x + y],
        ['Mul', (x, y) => x * y],
        ['Maximum', Math.max],
        ['Less', (x, y) => (x < y ? 1 : 0)],
      ];
      for (const [name, f] of cases) {
        const y = run(name, [a, b], {});
        const ref = broadcastRef(av, as, bv, bs, (x, z) => Math.fround(f(x, z)));
        expect(y.shape).toEqual(ref.outShape);
        expect(vals(y)).toEqual(ref.out);
      }
    });
  }

  it('every arithmetic kernel matches its formula on float32', () => {
    const av = [-7.5, -3, -1, 0, 2, 5.5, 9];
    const bv = [2, -2, 0.5];
    const refs: Record<(typeof BINARY_KERNELS)[number], (x: number, y: number) => number> = {
      Add: (x, y) => x + y,
      Sub: (x, y) => x - y,
      Mul: (x, y) => x * y,
      Div: (x, y) => x / y,
      Pow: Math.pow,
      Maximum: Math.max,
      Minimum: Math.min,
      SquaredDifference: (x, y) => (x - y) ** 2,
      FloorDiv: (x, y) => Math.floor(x / y),
      Mod: pyMod,
    };
    const a = t(av, [7, 1]);
    const b = t(bv, [3]);
    for (const name of BINARY_KERNELS) {
      const y = run(name, [a, b], {});
      expect(y.dtype).toBe('float32');
      expectClose(vals(y), broadcastRef(av, [7, 1], bv, [3], (x, z) => Math.fround(refs[name](x, z))).out, 1e-7);
    }
  });

  it('Mod takes the sign of the divisor and FloorDiv floors, for float32 and int32', () => {
    const pairs = [[7, 3], [-7, 3], [7, -3], [-7, -3], [6, 3], [-6, 3], [0, -5]];
    for (const dtype of ['float32', 'int32'] as const) {
      const a = t(pairs.map((p) => p[0]), [pairs.length], dtype);
      const b = t(pairs.map((p) => p[1]), [pairs.length], dtype);
      expect(vals(run('Mod', [a, b], {}))).toEqual([1, 2, -2, -1, 0, 0, dtype === 'int32' ? 0 : -0]);
      expect(vals(run('FloorDiv', [a, b], {}))).toEqual([2, -3, -3, 2, 2, -2, dtype === 'int32' ? 0 : -0]);
    }
    const m = vals(run('Mod', [t([5.5, -5.5], [2]), t([2], [])], {}));
    expect(m).toEqual([1.5, 0.5]);
  });

  it('int32 arithmetic wraps like Int32Array and stays int32', () => {
    const max = 2147483647;
    const min = -2147483648;
    const a = t([max, min, 65536, 123456789, 3, -7], [6], 'int32');
    const b = t([1, -1, 65536, 987654321, 20, 2], [6], 'int32');
    const wrap = (v: number) => v | 0;
    const y = (name: (typeof BINARY_KERNELS)[number]) => {
      const out = run(name, [a, b], {});
      expect(out.dtype).toBe('int32');
      return vals(out);
    };
    expect(y('Add')).toEqual([min, wrap(min - 1), 131072, wrap(123456789 + 987654321), 23, -5]);
    expect(y('Sub')).toEqual([max - 1, wrap(min + 1), 0, wrap(123456789 - 987654321), -17, -9]);
    expect(y('Mul')).toEqual([max, min, 0, Math.imul(123456789, 987654321), 60, -14]);
    // min ** -1 truncates to 0; 65536 ** 65536 wraps to 0.
    expect(y('Pow')).toEqual([max, 0, 0, powMod32(123456789, 987654321), wrap(3 ** 20), 49]);
    expect(y('SquaredDifference')).toEqual([Math.imul(max - 1, max - 1), 1, 0, Math.imul(wrap(123456789 - 987654321), wrap(123456789 - 987654321)), 289, 81]);
    // Div truncates toward zero; FloorDiv floors; min / -1 wraps to min.
    expect(y('Div')).toEqual([max, min, 1, 0, 0, -3]);
    expect(y('FloorDiv')).toEqual([max, min, 1, 0, 0, -4]);
    expect(vals(run('Pow', [t([2, -2, 2, 1, -1], [5], 'int32'), t([10, 3, -1, -5, -3], [5], 'int32')], {}))).toEqual([1024, -8, 0, 1, -1]);
  });

  it('integer division by zero gives 0 (as NumPy), float division gives +-Infinity or NaN', () => {
    const z = t([0, 0], [2], 'int32');
    const a = t([5, 0], [2], 'int32');
    expect(vals(run('Div', [a, z], {}))).toEqual([0, 0]);
    expect(vals(run('FloorDiv', [a, z], {}))).toEqual([0, 0]);
    expect(vals(run('Mod', [a, z], {}))).toEqual([0, 0]);
    const d = vals(run('Div', [t([1, -1, 0], [3]), t([0], [1])], {}));
    expect(d[0]).toBe(Infinity);
    expect(d[1]).toBe(-Infinity);
    expect(d[2]).toBeNaN();
  });

  it('Maximum and Minimum propagate NaN; Pow follows C for 1 ** NaN', () => {
    const a = t([NaN, 1, 1], [3]);
    const b = t([1, NaN, 2], [3]);
    expect(vals(run('Maximum', [a, b], {})).slice(0, 2)).toEqual([NaN, NaN]);
    expect(vals(run('Minimum', [a, b], {})).slice(0, 2)).toEqual([NaN, NaN]);
    expect(vals(run('Pow', [a, b], {})).slice(1)).toEqual([1, 1]);
  });

  it('comparisons return bool for float32, int32 and bool pairs', () => {
    const refs: Record<(typeof COMPARISON_KERNELS)[number], (x: number, y: number) => boolean> = {
      Equal: (x, y) => x === y,
      NotEqual: (x, y) => x !== y,
      Less: (x, y) => x < y,
      LessEqual: (x, y) => x <= y,
      Greater: (x, y) => x > y,
      GreaterEqual: (x, y) => x >= y,
      LogicalAnd: (x, y) => x !== 0 && y !== 0,
      LogicalOr: (x, y) => x !== 0 || y !== 0,
    };
    const av = [0, 0, 1, 1];
    const bv = [0, 1, 0, 1];
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const a = t(av, [4], dtype);
      const b = t(bv, [4], dtype);
      for (const name of COMPARISON_KERNELS) {
        if (dtype !== 'bool' && (name === 'LogicalAnd' || name === 'LogicalOr')) continue;
        const y = run(name, [a, b], {});
        expect(y.dtype).toBe('bool');
        expect(vals(y)).toEqual(av.map((x, i) => (refs[name](x, bv[i]) ? 1 : 0)));
      }
    }
    const nan = t([NaN], [1]);
    expect(vals(run('Equal', [nan, nan], {}))).toEqual([0]);
    expect(vals(run('NotEqual', [nan, nan], {}))).toEqual([1]);
  });

  it('rejects shapes that do not broadcast, naming both', () => {
    expect(() => run('Add', [t([1, 2, 3], [3]), t([1, 2], [2])], {})).toThrow(/\[3\] and \[2\]/);
  });
});

describe('Select', () => {
  it('picks a where condition, else b, all three broadcast', () => {
    const c = t([1, 0, 1], [3, 1], 'bool');
    const a = t([1, 2], [2]);
    const b = t([-1], []);
    const y = run('Select', [c, a, b], {});
    expect(y.shape).toEqual([3, 2]);
    expect(vals(y)).toEqual([1, 2, -1, -1, 1, 2]);
  });

  it('keeps the dtype of a and handles scalars and empty shapes', () => {
    const y = run('Select', [t([0], [], 'bool'), t([3], [], 'int32'), t([4], [], 'int32')], {});
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([]);
    expect(vals(y)).toEqual([4]);
    expect(run('Select', [t([], [0], 'bool'), t([1], [1]), t([2], [1])], {}).shape).toEqual([0]);
  });
});
