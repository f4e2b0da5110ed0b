import { describe, expect, it } from 'vitest';
import { AxisError, ShapeError, util } from '../src/index.js';

describe('shape utilities', () => {
  it('broadcasts as NumPy, including size-0 dims', () => {
    expect(util.broadcastShapes('t', [2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(util.broadcastShapes('t', [], [5])).toEqual([5]);
    expect(util.broadcastShapes('t', [0, 3], [1, 3])).toEqual([0, 3]);
    expect(() => util.broadcastShapes('add', [2, 3], [3, 2])).toThrow(ShapeError);
    expect(() => util.broadcastShapes('add', [2, 3], [3, 2])).toThrow(/add: shapes \[2, 3\] and \[3, 2\]/);
  });

  it('finds the axes an input was broadcast along', () => {
    expect(util.broadcastedAxes([3], [2, 3])).toEqual([0]);
    expect(util.broadcastedAxes([2, 1], [2, 5])).toEqual([1]);
    expect(util.broadcastedAxes([1, 1], [1, 1])).toEqual([]);
  });

  it('normalizes axes and names the op on bad ones', () => {
    expect(util.normalizeAxis(-1, 3, 'sum')).toBe(2);
    expect(util.normalizeAxes([-1, 0], 3, 'sum')).toEqual([0, 2]);
    expect(util.normalizeAxes(undefined, 2, 'sum')).toEqual([0, 1]);
    expect(() => util.normalizeAxis(3, 3, 'sum')).toThrow(AxisError);
    expect(() => util.normalizeAxis(3, 3, 'sum')).toThrow(/sum: expected an axis in \[-3, 2\].*got 3/);
    expect(() => util.normalizeAxes([1, -1], 2, 'sum')).toThrow(/repeated/);
  });

  it('computes sizes and strides', () => {
    expect(util.sizeFromShape([])).toBe(1);
    expect(util.sizeFromShape([2, 0, 3])).toBe(0);
    expect(util.computeStrides([2, 3, 4])).toEqual([12, 4, 1]);
  });
});
