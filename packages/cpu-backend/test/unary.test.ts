import { describe, expect, it } from 'vitest';
import { UNARY_KERNELS } from '@tessera/tensor';
import { erf } from '../src/util/scalar_math.js';
import { expectClose, run, t, vals } from './helpers.js';

const f32 = (v: number) => Math.fround(v);
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** The plain formula of each unary kernel (evaluated where it is stable). */
const REFERENCE: Record<(typeof UNARY_KERNELS)[number], (v: number) => number> = {
  Neg: (v) => -v,
  Abs: Math.abs,
  Exp: Math.exp,
  Log: Math.log,
  Log1p: Math.log1p,
  Sqrt: Math.sqrt,
  Rsqrt: (v) => 1 / Math.sqrt(v),
  Square: (v) => v * v,
  Sign: Math.sign,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Round: (v) => v, // checked on its own below
  Relu: (v) => Math.max(v, 0),
  Relu6: (v) => Math.min(Math.max(v, 0), 6),
  Elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
  Selu: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * (Math.exp(v) - 1)),
  Sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  Tanh: Math.tanh,
  Softplus: (v) => Math.log(1 + Math.exp(v)),
  Softsign: (v) => v / (1 + Math.abs(v)),
  Erf: erfReference,
};

/** erf to ~1e-15: 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (2n+1)!! (all terms positive). */
function erfReference(x: number): number {
  const z = Math.abs(x);
  let term = z;
  let sum = z;
  for (let n = 1; n < 500 && term > 1e-17 * sum; n++) {
    term *= (2 * z * z) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
}

describe('unary kernels', () => {
  const inputs = [-3.7, -1.5, -0.5, -0.01, 0.01, 0.5, 1.5, 2.25, 7.9];
  for (const name of UNARY_KERNELS) {
    if (name === 'Round') continue;
    it(`${name} matches its formula`, () => {
      const xs = ['Log', 'Sqrt', 'Rsqrt'].includes(name) ? inputs.map(Math.abs) : name === 'Log1p' ? [-0.5, -0.01, 0, 1e-7, 0.5, 3] : inputs;
      const x = t(xs, [xs.length]);
      const y = run(name, [x], {});
      expect(y.dtype).toBe('float32');
      expect(y.shape).toEqual([xs.length]);
      expectClose(vals(y), xs.map((v) => f32(REFERENCE[name](f32(v)))), 2e-7);
      x.dispose();
      y.dispose();
    });
  }

  it('Round rounds half to even', () => {
    const x = t([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4, -2.6, 0.49999997], [10]);
    expect(vals(run('Round', [x], {}))).toEqual([-2, -2, -0, 0, 2, 2, 4, 2, -3, 0]);
  });

  it('Sigmoid and Softplus are stable for large |x|', () => {
    const x = t([-1000, -100, -30, 30, 100, 1000], [6]);
    const s = vals(run('Sigmoid', [x], {}));
    expect(s[0]).toBe(0);
    expectClose([s[1]], [Math.exp(-100)], 1e-6);
    expect(s.slice(3)).toEqual([1, 1, 1]);
    const sp = vals(run('Softplus', [x], {}));
    expect(sp[0]).toBe(0);
    expectClose(sp.slice(1), [Math.exp(-100), f32(Math.exp(-30)), 30, 100, 1000], 1e-6);
    expect(sp.every(Number.isFinite)).toBe(true);
  });

  it('Erf is accurate to ~1e-7 everywhere and keeps its relative accuracy near 0', () => {
    let maxErr = 0;
    for (let v = -6; v <= 6; v += 0.001) maxErr = Math.max(maxErr, Math.abs(erf(v) - erfReference(v)));
    expect(maxErr).toBeLessThan(1e-7);
    expect(erf(1e-10)).toBeCloseTo(1.1283791670955126e-10, 20);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });

  it('propagates NaN', () => {
    const x = t([NaN], [1]);
    for (const name of UNARY_KERNELS) expect(vals(run(name, [x], {}))[0]).toBeNaN();
  });

  it('Neg, Abs, Square and Sign accept int32 and wrap like Int32Array', () => {
    const x = t([-2147483648, -7, 0, 5, 46341, 2147483647], [6], 'int32');
    const out = (name: 'Neg' | 'Abs' | 'Square' | 'Sign') => {
      const y = run(name, [x], {});
      expect(y.dtype).toBe('int32');
      return vals(y);
    };
    expect(out('Neg')).toEqual([-2147483648, 7, 0, -5, -46341, -2147483647]);
    expect(out('Abs')).toEqual([-2147483648, 7, 0, 5, 46341, 2147483647]);
    expect(out('Square')).toEqual([0, 49, 0, 25, Math.imul(46341, 46341), 1]);
    expect(out('Sign')).toEqual([-1, -1, 0, 1, 1, 1]);
    expect(() => run('Exp', [x], {})).toThrow(/float32/);
  });

  it('handle scalars and empty tensors', () => {
    const s = run('Exp', [t([1], [])], {});
    expect(s.shape).toEqual([]);
    expectClose(vals(s), [Math.E]);
    const e = run('Tanh', [t([], [0, 3])], {});
    expect(e.shape).toEqual([0, 3]);
    expect(vals(e)).toEqual([]);
  });
});

describe('LeakyRelu, ClipByValue, LogicalNot, Cast', () => {
  it('LeakyRelu scales negatives by alpha', () => {
    expectClose(vals(run('LeakyRelu', [t([-2, 0, 3], [3])], { alpha: 0.2 })), [-0.4, 0, 3]);
  });

  it('ClipByValue clips to [min, max] and keeps NaN', () => {
    const y = vals(run('ClipByValue', [t([-5, 0.5, 5, NaN], [4])], { min: -1, max: 1 }));
    expect(y.slice(0, 3)).toEqual([-1, 0.5, 1]);
    expect(y[3]).toBeNaN();
  });

  it('LogicalNot negates bools', () => {
    const y = run('LogicalNot', [t([1, 0, 1], [3], 'bool')], {});
    expect(y.dtype).toBe('bool');
    expect(vals(y)).toEqual([0, 1, 0]);
  });

  it('Cast truncates floats toward zero, maps != 0 to true, bools to 0/1', () => {
    const x = t([-2.7, -0.5, 0, 0.5, 2.7, NaN], [6]);
    const i = run('Cast', [x], { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(vals(i)).toEqual([-2, 0, 0, 0, 2, 0]);
    expect(vals(run('Cast', [x], { dtype: 'bool' }))).toEqual([1, 1, 0, 1, 1, 1]);
    const b = t([1, 0], [2], 'bool');
    expect(vals(run('Cast', [b], { dtype: 'float32' }))).toEqual([1, 0]);
    expect(vals(run('Cast', [b], { dtype: 'int32' }))).toEqual([1, 0]);
    expect(vals(run('Cast', [t([3, -4], [2], 'int32')], { dtype: 'float32' }))).toEqual([3, -4]);
    expect(vals(run('Cast', [t([3, 0], [2], 'int32')], { dtype: 'bool' }))).toEqual([1, 0]);
    expect(run('Cast', [t([], [0])], { dtype: 'int32' }).shape).toEqual([0]);
  });
});
