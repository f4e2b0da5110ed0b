// The float64 references are the suite's ground truth: check them against values
// computed by hand or taken from NumPy/SciPy.
import { describe, expect, it } from 'vitest';
import {
  argReduceRef,
  avgPoolGradRef,
  avgPoolRef,
  conv1dRef,
  conv2dBackpropFilterRef,
  conv2dBackpropInputRef,
  conv2dRef,
  depthwiseConv2dBackpropFilterRef,
  depthwiseConv2dBackpropInputRef,
  depthwiseConv2dRef,
  maxPoolGradRef,
  maxPoolRef,
  resizeBilinearGradRef,
  resizeBilinearRef,
  resizeNearestGradRef,
  resizeNearestRef,
  type RefTensor,
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
import { seededRandom } from '../src/runner/rng.js';

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

describe('window references', () => {
  const img = (values: number[], h: number, w: number, c = 1) => t(values, [1, h, w, c]);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('convolve by hand: valid, same, and TensorFlow\'s padding that goes after when odd', () => {
    const x = img(range(9), 3, 3);
    expect(conv2dRef(x, t([1, 1, 1, 1], [2, 2, 1, 1])).values).toEqual([12, 16, 24, 28]);
    const same = conv2dRef(x, t(new Array(9).fill(1), [3, 3, 1, 1]), { padding: 'same' });
    expect(same.values).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
    // 5 wide, 2 taps, stride 2: ceil(5/2) = 3 outputs, 1 padding column, after: [1+2, 3+4, 5].
    expect(conv2dRef(img(range(5), 1, 5), t([1, 1], [1, 2, 1, 1]), { strides: [2, 2], padding: 'same' }).values).toEqual([3, 7, 5]);
    // Dilation 2 over 1..5 with taps [1, 1]: x[i] + x[i + 2].
    expect(conv2dRef(img(range(5), 1, 5), t([1, 1], [1, 2, 1, 1]), { dilations: [1, 2] }).values).toEqual([4, 6, 8]);
    expect(conv1dRef(t(range(4), [1, 4, 1]), t([1, 10], [2, 1, 1]), 1, 1, 'causal').values).toEqual([10, 21, 32, 43]);
  });

  it('pool by hand: padding never counts, ties go to the first maximum', () => {
    const x = img([1, 2, 3], 1, 3);
    expect(avgPoolRef(x, { poolSize: [1, 2], strides: [1, 1], padding: 'same' }).values).toEqual([1.5, 2.5, 3]);
    expect(maxPoolRef(img([-3, -2, -1], 1, 3), { poolSize: [1, 2], padding: 'same' }).values).toEqual([-2, -1]);
    const ties = img([1, 1, 2, 1, 2, 2, 0, 2, 2], 3, 3);
    const dx = maxPoolGradRef(img([1, 10, 100, 1000], 2, 2), ties, { poolSize: [2, 2], strides: [1, 1] });
    expect(dx.values).toEqual([0, 0, 10, 0, 1101, 0, 0, 0, 0]);
  });

  it('resize as TensorFlow: legacy, aligned corners, half-pixel centers', () => {
    const row = img([0, 1], 1, 2);
    expect(resizeBilinearRef(row, [1, 4]).values).toEqual([0, 0.5, 1, 1]);
    expect(resizeBilinearRef(row, [1, 4], { halfPixelCenters: true }).values).toEqual([0, 0.25, 0.75, 1]);
    expect(resizeBilinearRef(row, [1, 4], { alignCorners: true }).values.map((v) => +v.toFixed(6))).toEqual([0, 0.333333, 0.666667, 1]);
    const three = img([10, 20, 30], 1, 3);
    expect(resizeNearestRef(three, [1, 2]).values).toEqual([10, 20]);
    expect(resizeNearestRef(three, [1, 2], { halfPixelCenters: true }).values).toEqual([10, 30]);
    expect(resizeNearestRef(three, [1, 2], { alignCorners: true }).values).toEqual([10, 30]);
    expect(resizeNearestRef(row, [1, 4]).values).toEqual([0, 0, 1, 1]);
    expect(resizeNearestRef(img([10, 20], 1, 2), [1, 3], { halfPixelCenters: true }).values).toEqual([10, 20, 20]);
  });

  // Each gradient reference is the adjoint of its forward reference: <f(x), dy> = <x, grad(dy)>.
  const random = (shape: number[], seed: number): RefTensor => {
    const next = seededRandom(seed);
    return t(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), shape);
  };
  const dot = (a: RefTensor, b: RefTensor) => a.values.reduce((s, v, i) => s + v * b.values[i], 0);

  it('gradients are adjoints of their forward references', () => {
    const w = { strides: [2, 1] as [number, number], dilations: [1, 2] as [number, number], padding: 'same' as const };
    const x = random([2, 5, 6, 3], 1);
    const f = random([3, 2, 3, 2], 2);
    const dy = random(conv2dRef(x, f, w).shape as number[], 3);
    const lhs = dot(conv2dRef(x, f, w), dy);
    expect(dot(x, conv2dBackpropInputRef(dy, f, x.shape, w))).toBeCloseTo(lhs, 10);
    expect(dot(f, conv2dBackpropFilterRef(x, dy, f.shape, w))).toBeCloseTo(lhs, 10);

    const fd = random([3, 2, 3, 2], 4);
    const dyd = random(depthwiseConv2dRef(x, fd, w).shape as number[], 5);
    const lhsd = dot(depthwiseConv2dRef(x, fd, w), dyd);
    expect(dot(x, depthwiseConv2dBackpropInputRef(dyd, fd, x.shape, w))).toBeCloseTo(lhsd, 10);
    expect(dot(fd, depthwiseConv2dBackpropFilterRef(x, dyd, fd.shape, w))).toBeCloseTo(lhsd, 10);

    const p = { poolSize: [3, 2] as [number, number], strides: [2, 1] as [number, number], padding: 'same' as const };
    const dyp = random(avgPoolRef(x, p).shape as number[], 6);
    expect(dot(x, avgPoolGradRef(dyp, x.shape, p))).toBeCloseTo(dot(avgPoolRef(x, p), dyp), 10);

    for (const flags of [{}, { alignCorners: true }, { halfPixelCenters: true }]) {
      const dyr = random([2, 7, 4, 3], 7);
      expect(dot(x, resizeNearestGradRef(dyr, x.shape, flags))).toBeCloseTo(dot(resizeNearestRef(x, [7, 4], flags), dyr), 10);
      expect(dot(x, resizeBilinearGradRef(dyr, x.shape, flags))).toBeCloseTo(dot(resizeBilinearRef(x, [7, 4], flags), dyr), 10);
    }
  });
});
