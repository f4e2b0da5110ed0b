import { describe, expect, it } from 'vitest';
import { util, type Shape } from '@tessera/tensor';
import { ravel, run, t, unravel, vals } from './helpers.js';

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Transpose', () => {
  it('permutes axes, matching an index-by-index reference', () => {
    const shape = [2, 3, 4, 5];
    const x = t(iota(120), shape);
    for (const perm of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 2, 3], [0, 2, 3, 1], [2, 0, 3, 1]]) {
      const y = run('Transpose', [x], { perm });
      const outShape = perm.map((p) => shape[p]);
      expect(y.shape).toEqual(outShape);
      const expected = iota(120).map((o) => {
        const idx = unravel(o, outShape);
        const src = new Array<number>(4);
        perm.forEach((p, i) => (src[p] = idx[i]));
        return ravel(src, shape);
      });
      expect(vals(y)).toEqual(expected);
    }
  });

  it('transposes a large matrix, bools, scalars and empty tensors', () => {
    const n = 300;
    const m = 257;
    const y = vals(run('Transpose', [t(iota(n * m), [n, m])], { perm: [1, 0] }));
    expect(y[1]).toBe(m);
    expect(y[n * m - 1]).toBe(n * m - 1);
    expect(y[5 * n + 7]).toBe(7 * m + 5);
    expect(vals(run('Transpose', [t([1, 0, 0, 1, 1, 0], [2, 3], 'bool')], { perm: [1, 0] }))).toEqual([1, 1, 0, 1, 0, 0]);
    expect(vals(run('Transpose', [t([7], [])], { perm: [] }))).toEqual([7]);
    expect(run('Transpose', [t([], [0, 2])], { perm: [1, 0] }).shape).toEqual([2, 0]);
    expect(() => run('Transpose', [t([1, 2], [1, 2])], { perm: [0, 0] })).toThrow(/permutation/);
  });
});

describe('Concat', () => {
  it('joins along any axis; empty inputs add nothing', () => {
    const a = t(iota(6), [2, 3]);
    const b = t([10, 11], [2, 1]);
    const e = t([], [2, 0]);
    const y = run('Concat', [a, e, b, a], { axis: 1 });
    expect(y.shape).toEqual([2, 7]);
    expect(vals(y)).toEqual([0, 1, 2, 10, 0, 1, 2, 3, 4, 5, 11, 3, 4, 5]);
    const z = run('Concat', [a, t([6, 7, 8], [1, 3])], { axis: 0 });
    expect(z.shape).toEqual([3, 3]);
    expect(vals(z)).toEqual(iota(9));
    expect(vals(run('Concat', [t([1], [1])], { axis: 0 }))).toEqual([1]);
    expect(run('Concat', [t([], [0, 2]), t([], [0, 2])], { axis: 0 }).shape).toEqual([0, 2]);
  });

  it('rejects mismatched shapes or dtypes', () => {
    expect(() => run('Concat', [t(iota(6), [2, 3]), t(iota(4), [2, 2])], { axis: 0 })).toThrow(/except at that axis/);
    expect(() => run('Concat', [t([1], [1]), t([1], [1], 'int32')], { axis: 0 })).toThrow(/one dtype/);
  });
});

describe('Slice, Pad, Tile, Reverse', () => {
  it('Slice takes the block at begin of size', () => {
    const x = t(iota(24), [2, 3, 4]);
    const y = run('Slice', [x], { begin: [1, 1, 1], size: [1, 2, 2] });
    expect(y.shape).toEqual([1, 2, 2]);
    expect(vals(y)).toEqual([17, 18, 21, 22]);
    expect(vals(run('Slice', [x], { begin: [0, 0, 0], size: [2, 3, 4] }))).toEqual(iota(24));
    expect(run('Slice', [x], { begin: [1, 0, 0], size: [0, 3, 4] }).shape).toEqual([0, 3, 4]);
    expect(vals(run('Slice', [t([5], [])], { begin: [], size: [] }))).toEqual([5]);
  });

  it('Pad surrounds with the constant', () => {
    const x = t([1, 2, 3, 4], [2, 2]);
    const y = run('Pad', [x], { paddings: [[1, 0], [0, 2]], constantValue: 9 });
    expect(y.shape).toEqual([3, 4]);
    expect(vals(y)).toEqual([9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9]);
    expect(vals(run('Pad', [t([], [0])], { paddings: [[1, 1]], constantValue: 0 }))).toEqual([0, 0]);
    expect(vals(run('Pad', [t([1], [1], 'bool')], { paddings: [[1, 0]], constantValue: 1 }))).toEqual([1, 1]);
    expect(vals(run('Pad', [t([3], [])], { paddings: [], constantValue: 1 }))).toEqual([3]);
  });

  it('Tile repeats along each axis', () => {
    const x = t([1, 2, 3, 4], [2, 2]);
    const y = run('Tile', [x], { reps: [2, 3] });
    expect(y.shape).toEqual([4, 6]);
    expect(vals(y)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
    expect(vals(run('Tile', [t([1, 2], [2, 1], 'int32')], { reps: [1, 2] }))).toEqual([1, 1, 2, 2]);
    expect(run('Tile', [x], { reps: [0, 1] }).shape).toEqual([0, 2]);
    expect(vals(run('Tile', [t([3], [])], { reps: [] }))).toEqual([3]);
  });

  it('Reverse flips the given axes', () => {
    const x = t(iota(6), [2, 3]);
    expect(vals(run('Reverse', [x], { axes: [1] }))).toEqual([2, 1, 0, 5, 4, 3]);
    expect(vals(run('Reverse', [x], { axes: [0] }))).toEqual([3, 4, 5, 0, 1, 2]);
    expect(vals(run('Reverse', [x], { axes: [0, 1] }))).toEqual([5, 4, 3, 2, 1, 0]);
    expect(vals(run('Reverse', [t(iota(40), [40])], { axes: [0] }))).toEqual(iota(40).reverse());
    expect(run('Reverse', [t([], [0, 3])], { axes: [0] }).shape).toEqual([0, 3]);
    expect(vals(run('Reverse', [t([1], [])], { axes: [] }))).toEqual([1]);
  });
});

describe('Gather', () => {
  function gatherRef(x: number[], shape: Shape, idx: number[], idxShape: Shape, axis: number) {
    const outShape = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)];
    const out = iota(util.sizeFromShape(outShape)).map((o) => {
      const oi = unravel(o, outShape);
      const k = ravel(oi.slice(axis, axis + idxShape.length), idxShape);
      return x[ravel([...oi.slice(0, axis), idx[k], ...oi.slice(axis + idxShape.length)], shape)];
    });
    return { out, outShape };
  }

  it('takes slices along an axis at int32 indices of any shape', () => {
    const shape = [3, 4, 2];
    const x = iota(24);
    const idx = [2, 0, 3, 3, 1, 0];
    for (const [axis, indices, idxShape] of [
      [0, [2, 0, 1, 1], [2, 2]],
      [1, idx, [3, 2]],
      [2, [1], []],
      [1, [], [0]],
    ] as [number, number[], number[]][]) {
      const y = run('Gather', [t(x, shape), t(indices, idxShape, 'int32')], { axis });
      const ref = gatherRef(x, shape, indices, idxShape, axis);
      expect(y.shape).toEqual(ref.outShape);
      expect(vals(y)).toEqual(ref.out);
    }
  });

  it('names an out-of-range index and the valid range', () => {
    const x = t(iota(6), [3, 2]);
    expect(() => run('Gather', [x, t([0, 3], [2], 'int32')], { axis: 0 })).toThrow(/index 3 .* expected indices in \[0, 2\]/);
    expect(() => run('Gather', [x, t([-1], [1], 'int32')], { axis: 1 })).toThrow(/index -1/);
  });
});

describe('OneHot', () => {
  it('encodes indices; out-of-range ones give a row of offValue', () => {
    const y = run('OneHot', [t([0, 2, -1, 3], [2, 2], 'int32')], { depth: 3, onValue: 5, offValue: -1, dtype: 'float32' });
    expect(y.shape).toEqual([2, 2, 3]);
    expect(vals(y)).toEqual([5, -1, -1, -1, -1, 5, -1, -1, -1, -1, -1, -1]);
  });

  it('makes int32 and bool outputs, scalars and empties', () => {
    const i = run('OneHot', [t([1], [], 'int32')], { depth: 2, onValue: 1, offValue: 0, dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(i.shape).toEqual([2]);
    expect(vals(i)).toEqual([0, 1]);
    const b = run('OneHot', [t([0], [1], 'int32')], { depth: 2, onValue: 1, offValue: 0, dtype: 'bool' });
    expect(vals(b)).toEqual([1, 0]);
    expect(run('OneHot', [t([], [0], 'int32')], { depth: 4, onValue: 1, offValue: 0, dtype: 'float32' }).shape).toEqual([0, 4]);
  });
});

describe('UnsortedSegmentSum', () => {
  it('sums rows into segments and drops ids outside [0, numSegments)', () => {
    const x = t([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const y = run('UnsortedSegmentSum', [x, t([2, 0, 2, 5], [4], 'int32')], { numSegments: 3 });
    expect(y.shape).toEqual([3, 2]);
    expect(vals(y)).toEqual([3, 4, 0, 0, 6, 8]);
    const neg = run('UnsortedSegmentSum', [x, t([-1, 0, 0, 0], [4], 'int32')], { numSegments: 1 });
    expect(vals(neg)).toEqual([15, 18]);
  });

  it('keeps int32, and handles 1-D and empty inputs', () => {
    const y = run('UnsortedSegmentSum', [t([1, 2, 3], [3], 'int32'), t([1, 1, 0], [3], 'int32')], { numSegments: 2 });
    expect(y.dtype).toBe('int32');
    expect(vals(y)).toEqual([3, 3]);
    const e = run('UnsortedSegmentSum', [t([], [0, 2]), t([], [0], 'int32')], { numSegments: 2 });
    expect(vals(e)).toEqual([0, 0, 0, 0]);
  });
});
