// The float64 references are the suite's ground truth: check them against values
// computed by hand or taken from NumPy/SciPy.
import { describe, expect, it } from 'vitest';
import {
  argReduceRef,
  castRef,
  concatRef,
  elementwise,
  erf,
  floorMod,
  gatherRef,
  matMulRef,
  MAX,
  oneHotRef,
  padRef,
  reduceRef,
  refTensor,
  reverseRef,
  roundHalfEven,
  sliceRef,
  softplus,
  SUM,
  tileRef,
  transposeRef,
  unsortedSegmentSumRef,
} from '../src/reference/index.js';
import { finiteDifferences } from '../src/runner/finite_diff.js';

const t = refTensor;

describe('scalar references', () => {
  it('erf matches scipy.special.erf to 1e-14', () => {
    const table: Array<[number, number]> = [
      [0, 0],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-1.5, -0.9661051464753108],
      [2, 0.9953222650189527],
      [2.4, 0.9993114861033555],
      [2.6, 0.9997639655834707],
      [3, 0.9999779095030014],
      [5, 0.9999999999984626],
    ];
    for (const [x, want] of table) expect(Math.abs(erf(x) - want), `erf(${x})`).toBeLessThan(1e-14);
  });

  it('rounds half to even', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6, -2.6].map(roundHalfEven)).toEqual([-2, -2, -0, 0, 2, 2, 3, -3]);
  });

  it("floorMod takes the divisor's sign", () => {
    expect([floorMod(-7, 3), floorMod(7, -3), floorMod(-7, -3), floorMod(-7.5, 2), floorMod(6, 3)]).toEqual([2, -2, -1, 0.5, 0]);
  });

  it('softplus is accurate far from 0', () => {
    expect(softplus(-50) / 1.9287498479639178e-22 - 1).toBeLessThan(1e-15);
    expect(softplus(50)).toBe(50);
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
  });
});

describe('tensor references', () => {
  it('broadcasts any number of inputs', () => {
    const out = elementwise([t([1, 2], [2, 1]), t([10, 20, 30], [3])], 'float32', (a, b) => a + b);
    expect(out).toEqual(t([11, 21, 31, 12, 22, 32], [2, 3]));
    expect(elementwise([t([1], [1, 1]), t([5], [])], 'float32', (a, b) => a * b).shape).toEqual([1, 1]);
  });

  it('reduces over axes, giving the identity for empty reductions', () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(reduceRef(x, SUM, [1])).toEqual(t([6, 15], [2]));
    expect(reduceRef(x, SUM, [-2])).toEqual(t([5, 7, 9], [3]));
    expect(reduceRef(x, MAX)).toEqual(t([6], []));
    expect(reduceRef(t([], [2, 0]), SUM, [1])).toEqual(t([0, 0], [2]));
  });

  it('arg-reductions return the first extreme as int32', () => {
    expect(argReduceRef(t([3, 1, 3, 0, 2, 2], [2, 3]), 1, (a, b) => a > b)).toEqual(t([0, 1], [2], 'int32'));
  });

  it('multiplies matrices with transposes and broadcast batches', () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6, 7, 8], [2, 2]);
    expect(matMulRef(a, b)).toEqual(t([19, 22, 43, 50], [2, 2]));
    expect(matMulRef(a, b, true)).toEqual(t([26, 30, 38, 44], [2, 2]));
    expect(matMulRef(a, b, false, true)).toEqual(t([17, 23, 39, 53], [2, 2]));
    expect(matMulRef(t([1, 2, 3, 4, 5, 6], [3, 1, 2]), t([1, 1], [2, 1]))).toEqual(t([3, 7, 11], [3, 1, 1]));
    expect(matMulRef(t([], [2, 0]), t([], [0, 3]))).toEqual(t([0, 0, 0, 0, 0, 0], [2, 3]));
  });

  it('moves values: transpose, concat, slice, pad, tile, reverse', () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(transposeRef(x, [1, 0])).toEqual(t([1, 4, 2, 5, 3, 6], [3, 2]));
    expect(concatRef([x, t([7, 8], [2, 1])], -1)).toEqual(t([1, 2, 3, 7, 4, 5, 6, 8], [2, 4]));
    expect(sliceRef(x, [1, 1], [1, 2])).toEqual(t([5, 6], [1, 2]));
    expect(padRef(t([1, 2], [2]), [[1, 2]], 9)).toEqual(t([9, 1, 2, 9, 9], [5]));
    expect(tileRef(t([1, 2], [1, 2]), [2, 2])).toEqual(t([1, 2, 1, 2, 1, 2, 1, 2], [2, 4]));
    expect(reverseRef(x, [-1])).toEqual(t([3, 2, 1, 6, 5, 4], [2, 3]));
  });

  it('gathers, scatters and one-hot encodes', () => {
    const x = t([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(gatherRef(x, t([2, 0], [2], 'int32'), 0)).toEqual(t([5, 6, 1, 2], [2, 2]));
    expect(gatherRef(x, t([1], [], 'int32'), 1)).toEqual(t([2, 4, 6], [3]));
    expect(unsortedSegmentSumRef(x, t([1, 5, 1], [3], 'int32'), 2)).toEqual(t([0, 0, 6, 8], [2, 2]));
    expect(oneHotRef(t([1, -1], [2], 'int32'), 2, 5, 0, 'float32')).toEqual(t([0, 5, 0, 0], [2, 2]));
  });

  it('casts: float to int truncates toward zero, to bool is != 0', () => {
    expect(castRef(t([-1.7, 1.7, 0], [3]), 'int32').values).toEqual([-1, 1, 0]);
    expect(castRef(t([-1.7, 0, 3], [3]), 'bool').values).toEqual([1, 0, 1]);
  });
});

describe('finite differences', () => {
  it('differentiate a cubic to float64 precision', () => {
    const x = t([0.5, -2, 3], [3]);
    const grads = finiteDifferences((xs) => xs[0].values.reduce((s, v) => s + v ** 3, 0), [x], 0);
    grads.forEach((g, i) => expect(Math.abs(g - 3 * x.values[i] ** 2)).toBeLessThan(1e-5));
  });
});
