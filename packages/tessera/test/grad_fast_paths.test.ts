import { describe, expect, it } from 'vitest';
import {
  div,
  dispose,
  fusedActivationGrad,
  fusedMatMul,
  grads,
  matMul,
  memory,
  mul,
  reshape,
  sub,
  sum,
  tensor,
  tidy,
  variable,
  variableGrads,
  type Tensor,
} from '../src/index.js';

// The gradients of MatMul/FusedMatMul, Mul, Div and of broadcast operands run their kernels
// directly (their operands were checked by the forward op). These tests pin that down: the
// gradients are the same bits as the same kernels run through the ops, the unneeded ones are
// not computed, and nothing leaks.

const bits = (t: Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

/** Deterministic values in [-1, 1) that are not round numbers. */
function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(seed * 97.13 + i * 1.37) * 0.99);
}

describe('gradient fast paths', () => {
  it('fusedMatMul with bias and relu: the same bits as its gradient written with ops, transposed or not', () => {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = tensor(values(6 * 4, 1), tA ? [4, 6] : [6, 4]);
      const b = tensor(values(4 * 5, 2), tB ? [5, 4] : [4, 5]);
      const bias = tensor(values(5, 3));
      const dy = tensor(values(6 * 5, 4), [6, 5]);
      const before = memory().numTensors;
      const [da, db, dbias] = grads((x, w, c) => fusedMatMul(x, w, { bias: c, activation: 'relu', transposeA: tA, transposeB: tB }))([a, b, bias], dy);
      expect(memory().numTensors).toBe(before + 3);
      const expected = tidy(() => {
        const y = fusedMatMul(a, b, { bias, activation: 'relu', transposeA: tA, transposeB: tB });
        const dz = fusedActivationGrad(dy, y, { activation: 'relu' });
        return {
          da: tA ? matMul(b, dz, tB, true) : matMul(dz, b, false, !tB),
          db: tB ? matMul(dz, a, true, tA) : matMul(a, dz, !tA, false),
          dbias: sum(dz, 0),
        };
      });
      expect(da.shape).toEqual(a.shape);
      expect(db.shape).toEqual(b.shape);
      expect(dbias.shape).toEqual([5]);
      expect(bits(da)).toEqual(bits(expected.da));
      expect(bits(db)).toEqual(bits(expected.db));
      expect(bits(dbias)).toEqual(bits(expected.dbias));
      dispose([a, b, bias, dy, da, db, dbias, expected]);
    }
  });

  it('a batch of products against one matrix: the broadcast operand gets its gradient summed over the batch', () => {
    const a = tensor(values(3 * 2 * 4, 5), [3, 2, 4]);
    const b = tensor(values(4 * 5, 6), [4, 5]);
    const [da, db] = grads((x, w) => matMul(x, w))([a, b]);
    expect(da.shape).toEqual([3, 2, 4]);
    expect(db.shape).toEqual([4, 5]);
    const expected = tidy(() => sum(matMul(a, tensor(new Array(30).fill(1), [3, 2, 5]), true, false), 0));
    expect(bits(db)).toEqual(bits(expected));
    dispose([a, b, da, db, expected]);
  });

  it('mul and div with a broadcast operand: each gradient as the ops give it, summed back to its shape', () => {
    const a = tensor(values(12, 7), [3, 4]);
    const b = tensor(values(4, 8).map((v) => v + 2), [4]);
    const dy = tensor(values(12, 9), [3, 4]);
    const [dMulA, dMulB] = grads((x, w) => mul(x, w))([a, b], dy);
    const [dDivA, dDivB] = grads((x, w) => div(x, w))([a, b], dy);
    const expected = tidy(() => ({
      mulA: mul(dy, b),
      mulB: sum(mul(dy, a), 0),
      divA: div(dy, b),
    }));
    expect(dMulB.shape).toEqual([4]);
    expect(dDivB.shape).toEqual([4]);
    expect(bits(dMulA)).toEqual(bits(expected.mulA));
    expect(bits(dMulB)).toEqual(bits(expected.mulB));
    expect(bits(dDivA)).toEqual(bits(expected.divA));
    dispose([a, b, dy, dMulA, dMulB, dDivA, dDivB, expected]);
  });

  it('a dense layer step: only the variables get gradients, and the step leaks nothing', () => {
    const x = tensor(values(8 * 3, 10), [8, 3]);
    const w = variable(tensor(values(3 * 4, 11), [3, 4]), { name: 'fast_paths_w' });
    const c = variable(tensor(values(4, 12)), { name: 'fast_paths_c' });
    const mask = tensor(values(8 * 4, 13).map((v) => (v > 0 ? 1.25 : 0)), [8, 4]);
    const before = memory().numTensors;
    for (let step = 0; step < 3; step++) {
      const { value, grads: g } = variableGrads(() => sum(mul(fusedMatMul(x, w, { bias: c, activation: 'relu' }), mask)), [w, c]);
      expect(Object.keys(g).sort()).toEqual(['fast_paths_c', 'fast_paths_w']);
      expect(g.fast_paths_w.shape).toEqual([3, 4]);
      expect(g.fast_paths_c.shape).toEqual([4]);
      const next = tidy(() => [sub(w, mul(g.fast_paths_w, 0.1)), sub(c, mul(g.fast_paths_c, 0.1))]);
      w.assign(next[0]);
      c.assign(next[1]);
      dispose([value, g, next]);
    }
    expect(memory().numTensors).toBe(before);
    dispose([x, w, c, mask]);
  });

  it('tidy returning one tensor: intermediates freed, the result moves to the enclosing scope, a tensor from outside stays', () => {
    const outside = tensor([1, 2]);
    const before = memory().numTensors;
    const inner = tidy(() => {
      const r = tidy(() => reshape(mul(outside, 2), [2, 1]));
      expect(r.isDisposed).toBe(false);
      // Returning a tensor made outside the scope leaves it alone.
      expect(tidy(() => outside)).toBe(outside);
      return r;
    });
    expect(inner.isDisposed).toBe(false);
    expect(outside.isDisposed).toBe(false);
    expect(memory().numTensors).toBe(before + 1);
    let escaped!: Tensor;
    tidy(() => {
      escaped = tidy(() => mul(outside, 3));
    });
    // The result of the inner scope belonged to the outer one, which freed it.
    expect(escaped.isDisposed).toBe(true);
    dispose([inner, outside]);
  });
});
