// The kernels that select bit patterns with masks instead of branching (Relu, Select on
// equal shapes, MaxPool) keep every special value exactly, and MaxPoolGrad gives the same
// gradient from MaxPool's noted maxima as from finding them again, and as its definition.
import { describe, expect, it } from 'vitest';
import { getEngine, grads, maxPool2d, reshape, sum, mul, type PoolAttrs, type Tensor } from '@tessera/tensor';
import type { CpuBackend } from '../src/index.js';
import { maxPoolNoteKey } from '../src/kernels/MaxPool.js';
import { maxPoolGradReference, randomFloats, rng, run, t, vals } from './helpers.js';

const bitsOf = (x: Tensor) => Array.from(new Uint32Array(Float32Array.from(x.dataSync()).buffer));
const negNaN = new Float32Array(new Uint32Array([0xffc00001]).buffer)[0];
const SPECIAL = [0, -0, 1, -1, Infinity, -Infinity, NaN, negNaN, 1e-45, -1e-45, 3.4e38, -3.4e38];

describe('Relu on bit patterns', () => {
  it('is max(x, 0) with +0 for negatives and -0, and every NaN kept', () => {
    const y = run('Relu', [t(SPECIAL, [SPECIAL.length])], {});
    const expected = SPECIAL.map((v) => (Number.isNaN(v) ? v : Math.max(Math.fround(v), 0)));
    expect(vals(y).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(expected.map((v) => Object.is(v, -0) ? '-0' : v));
    // NaN payloads (a negative one included) pass through bit for bit.
    expect(bitsOf(y).slice(6, 8)).toEqual(bitsOf(t(SPECIAL, [SPECIAL.length])).slice(6, 8));
  });
});

describe('Select on equal shapes', () => {
  const n = SPECIAL.length;
  const cond = Array.from({ length: n }, (_, i) => i % 2);
  const other = Array.from({ length: n }, (_, i) => -i - 0.5);

  it('copies the bits of a or b: NaN payloads and -0 kept, float32', () => {
    const a = t(SPECIAL, [n]);
    const y = run('Select', [t(cond, [n], 'bool'), a, t(other, [n])], {});
    const [ab, bb] = [bitsOf(a), bitsOf(t(other, [n]))];
    expect(bitsOf(y)).toEqual(cond.map((c, i) => (c ? ab[i] : bb[i])));
  });

  it('takes a scalar a or b (relu\'s gradient passes a scalar zero) bit for bit', () => {
    const c = t(cond, [n], 'bool');
    const a = t(SPECIAL, [n]);
    const [ab] = [bitsOf(a)];
    const minusZero = bitsOf(t([-0], []))[0];
    expect(bitsOf(run('Select', [c, a, t([-0], [])], {}))).toEqual(cond.map((v, i) => (v ? ab[i] : minusZero)));
    expect(bitsOf(run('Select', [c, t([-0], [1]), a], {}))).toEqual(cond.map((v, i) => (v ? minusZero : ab[i])));
    expect(vals(run('Select', [c, t([7], []), t([8], [])], {}))).toEqual(cond.map((v) => (v ? 7 : 8)));
  });

  it('takes any nonzero condition byte as true, on int32 and bool operands too', () => {
    const c = t([0, 1, 0, 1, 1, 0], [2, 3], 'bool');
    expect(vals(run('Select', [c, t([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), t([-1, -2, -3, -4, -5, -6], [2, 3], 'int32')], {}))).toEqual([-1, 2, -3, 4, 5, -6]);
    expect(vals(run('Select', [c, t([1, 1, 1, 0, 0, 0], [2, 3], 'bool'), t([0, 0, 0, 1, 1, 1], [2, 3], 'bool')], {}))).toEqual([0, 1, 0, 0, 0, 1]);
  });
});

/** Random values with repeats (ties) and a few NaNs, so both tie-breaking and NaN handling matter. */
function pooled(shape: number[], seed: number): Tensor {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return t(Array.from({ length: n }, () => (next() < 0.02 ? NaN : Math.round(next() * 6) - 3)), shape);
}

const WINDOWS: Array<[string, PoolAttrs]> = [
  ['2x2 stride 2', { poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }],
  ['3x3 stride 1, padded (overlapping windows)', { poolSize: [3, 3], strides: [1, 1], pad: [1, 1, 1, 1] }],
  ['3x2 stride 2x1, uneven padding', { poolSize: [3, 2], strides: [2, 1], pad: [0, 2, 1, 0] }],
];

describe('MaxPoolGrad from MaxPool notes', () => {
  const cpu = () => getEngine().backend as CpuBackend;

  for (const [name, attrs] of WINDOWS) {
    it(`${name}: the noted maxima give the bits of a fresh search`, () => {
      const x = pooled([2, 7, 6, 3], 1);
      const y = run('MaxPool', [x], attrs);
      expect(cpu().recall(x, maxPoolNoteKey(x.shape, attrs))).toBeDefined();
      const dy = t(randomFloats(y.size, 2), y.shape);
      const noted = run('MaxPoolGrad', [dy, x], attrs);
      // A copy of x has a buffer of its own and no note: MaxPoolGrad searches the windows.
      const copy = t(x.dataSync(), x.shape);
      expect(cpu().recall(copy, maxPoolNoteKey(copy.shape, attrs))).toBeUndefined();
      const searched = run('MaxPoolGrad', [dy, copy], attrs);
      expect(bitsOf(noted)).toEqual(bitsOf(searched));
      expect(bitsOf(noted)).toEqual(Array.from(new Uint32Array(maxPoolGradReference(x, dy, attrs).buffer)));
      expect(vals(noted).some((v) => v !== 0)).toBe(true);
    });
  }

  it('a window of more than 255 positions notes int32 positions, and they give the bits of a fresh search', () => {
    const attrs: PoolAttrs = { poolSize: [16, 17], strides: [1, 2], pad: [1, 0, 2, 3] };
    const x = pooled([2, 18, 19, 4], 6);
    const y = run('MaxPool', [x], attrs);
    expect(cpu().recall(x, maxPoolNoteKey(x.shape, attrs))).toBeInstanceOf(Int32Array);
    const dy = t(randomFloats(y.size, 7), y.shape);
    const searched = run('MaxPoolGrad', [dy, t(x.dataSync(), x.shape)], attrs);
    expect(bitsOf(run('MaxPoolGrad', [dy, x], attrs))).toEqual(bitsOf(searched));
    expect(bitsOf(searched)).toEqual(Array.from(new Uint32Array(maxPoolGradReference(x, dy, attrs).buffer)));
  });

  it('autodiff of maxPool2d takes the noted path and matches the search', () => {
    const x = pooled([3, 8, 8, 4], 3);
    const w = t(randomFloats(3 * 4 * 4 * 4, 4), [3, 4, 4, 4]);
    const [g] = grads((a: Tensor) => sum(mul(maxPool2d(a, { poolSize: 2 }), w)))([x]);
    const searched = run('MaxPoolGrad', [w, t(x.dataSync(), x.shape)], { poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
    expect(bitsOf(g)).toEqual(bitsOf(searched));
    g.dispose();
  });

  it('a note is not read for another window, another shape of the same buffer, nor after the buffer is freed', () => {
    const attrs = WINDOWS[0][1];
    const x = pooled([1, 4, 4, 2], 5);
    run('MaxPool', [x], attrs);
    expect(cpu().recall(x, maxPoolNoteKey(x.shape, WINDOWS[1][1]))).toBeUndefined();
    const view = reshape(x, [1, 2, 8, 2]);
    expect(cpu().recall(view, maxPoolNoteKey(view.shape, attrs))).toBeUndefined();
    view.dispose();
    const z = t(x.dataSync(), x.shape);
    getEngine().runKernel('MaxPool', [z], attrs).dispose();
    expect(cpu().recall(z, maxPoolNoteKey(z.shape, attrs))).toBeDefined();
    z.dispose();
    expect(cpu().recall(z, maxPoolNoteKey(z.shape, attrs))).toBeUndefined();
  });
});
