import { describe, expect, it } from 'vitest';
import { util, type Shape } from '@tessera/tensor';
import { expectClose, randomFloats, ravel, run, t, unravel, vals } from './helpers.js';

/** Reference reduction: folds every element into the output position its kept axes give. */
function reduceRef(x: ArrayLike<number>, shape: Shape, axes: number[], init: number, f: (acc: number, v: number) => number) {
  const outShape = util.reducedShape(shape, axes);
  const out = new Array<number>(util.sizeFromShape(outShape)).fill(init);
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, shape).filter((_, d) => !axes.includes(d));
    const o = ravel(idx, outShape);
    out[o] = f(out[o], x[i]);
  }
  return { out, outShape };
}

describe('Sum, Prod, Max, Min, All, Any', () => {
  const shape = [3, 4, 5, 2];
  const x = randomFloats(util.sizeFromShape(shape), 7);
  const axesCases = [[], [0], [1], [3], [0, 1], [1, 2], [0, 2], [1, 3], [2, 3], [0, 1, 2, 3], [0, 3]];
  for (const axes of axesCases) {
    it(`float32 over axes [${axes}] of ${util.formatShape(shape)}`, () => {
      const xt = t(x, shape);
      const cases = [
        ['Sum', 0, (a: number, v: number) => a + v],
        ['Prod', 1, (a: number, v: number) => a * v],
        ['Max', -Infinity, Math.max],
        ['Min', Infinity, Math.min],
      ] as const;
      for (const [name, init, f] of cases) {
        const y = run(name, [xt], { axes });
        const ref = reduceRef(x, shape, axes, init, f);
        expect(y.shape).toEqual(ref.outShape);
        expectClose(vals(y), ref.out, 1e-5);
      }
    });
  }

  it('int32 sums and products wrap; max and min keep int32', () => {
    const x = t([2147483647, 1, 5, -3, 65536, 65536], [3, 2], 'int32');
    const check = (name: 'Sum' | 'Prod' | 'Max' | 'Min', axes: number[], expected: number[]) => {
      const y = run(name, [x], { axes });
      expect(y.dtype).toBe('int32');
      expect(vals(y)).toEqual(expected);
    };
    check('Sum', [1], [-2147483648, 2, 131072]);
    check('Prod', [1], [2147483647, -15, 0]);
    check('Max', [0], [2147483647, 65536]);
    check('Min', [0, 1], [-3]);
  });

  it('All and Any reduce bools', () => {
    const x = t([1, 1, 0, 1, 0, 0], [2, 3], 'bool');
    expect(vals(run('All', [x], { axes: [1] }))).toEqual([0, 0]);
    expect(vals(run('Any', [x], { axes: [1] }))).toEqual([1, 1]);
    expect(vals(run('All', [x], { axes: [0] }))).toEqual([1, 0, 0]);
    expect(vals(run('Any', [x], { axes: [0] }))).toEqual([1, 1, 0]);
    expect(run('All', [x], { axes: [0, 1] }).dtype).toBe('bool');
  });

  it('empty reductions give the identity: 0, 1, -Infinity, +Infinity, true, false', () => {
    const x = t([], [2, 0]);
    const b = t([], [2, 0], 'bool');
    expect(vals(run('Sum', [x], { axes: [1] }))).toEqual([0, 0]);
    expect(vals(run('Prod', [x], { axes: [1] }))).toEqual([1, 1]);
    expect(vals(run('Max', [x], { axes: [1] }))).toEqual([-Infinity, -Infinity]);
    expect(vals(run('Min', [x], { axes: [0, 1] }))).toEqual([Infinity]);
    expect(vals(run('All', [b], { axes: [1] }))).toEqual([1, 1]);
    expect(vals(run('Any', [b], { axes: [1] }))).toEqual([0, 0]);
    expect(run('Sum', [x], { axes: [0] }).shape).toEqual([0]);
  });

  it('Max and Min propagate NaN', () => {
    const x = t([1, NaN, 3, 4], [2, 2]);
    expect(vals(run('Max', [x], { axes: [1] }))).toEqual([NaN, 4]);
    expect(vals(run('Min', [x], { axes: [0] }))).toEqual([1, NaN]);
  });

  it('reduce a scalar to itself, and over no axes to a copy', () => {
    const s = run('Sum', [t([4], [])], { axes: [] });
    expect(s.shape).toEqual([]);
    expect(vals(s)).toEqual([4]);
    expect(vals(run('Max', [t([1, 2], [2])], { axes: [] }))).toEqual([1, 2]);
  });

  it('rejects unsorted or out-of-range axes', () => {
    const x = t([1, 2, 3, 4], [2, 2]);
    expect(() => run('Sum', [x], { axes: [1, 0] })).toThrow(/sorted, distinct axes/);
    expect(() => run('Sum', [x], { axes: [2] })).toThrow(/\[0, 1\]/);
  });
});

describe('ArgMax, ArgMin', () => {
  it('give the first index of the extreme along any axis, as int32', () => {
    const shape = [3, 4, 5];
    const x = randomFloats(60, 11).map((v) => Math.round(v * 3)); // many ties
    const xt = t(x, shape);
    for (let axis = 0; axis < 3; axis++) {
      for (const [name, better] of [
        ['ArgMax', (v: number, b: number) => v > b],
        ['ArgMin', (v: number, b: number) => v < b],
      ] as const) {
        const y = run(name, [xt], { axis });
        expect(y.dtype).toBe('int32');
        const outShape = util.reducedShape(shape, [axis]);
        expect(y.shape).toEqual(outShape);
        const expected = Array.from({ length: util.sizeFromShape(outShape) }, (_, o) => {
          const idx = unravel(o, outShape);
          let best = 0;
          for (let k = 1; k < shape[axis]; k++) {
            const at = (j: number) => x[ravel([...idx.slice(0, axis), j, ...idx.slice(axis)], shape)];
            if (better(at(k), at(best))) best = k;
          }
          return best;
        });
        expect(vals(y)).toEqual(expected);
      }
    }
  });

  it('pick the first NaN, as NumPy', () => {
    const x = t([1, NaN, 5, NaN, 0, 2], [2, 3]);
    expect(vals(run('ArgMax', [x], { axis: 1 }))).toEqual([1, 0]);
    expect(vals(run('ArgMin', [x], { axis: 1 }))).toEqual([1, 0]);
  });

  it('handle scalars, empty outputs, and refuse an empty axis', () => {
    expect(vals(run('ArgMax', [t([3], [])], { axis: 0 }))).toEqual([0]);
    expect(run('ArgMin', [t([], [0, 3])], { axis: 1 }).shape).toEqual([0]);
    expect(() => run('ArgMax', [t([], [3, 0])], { axis: 1 })).toThrow(/empty/);
  });
});
