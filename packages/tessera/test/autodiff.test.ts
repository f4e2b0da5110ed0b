import { describe, expect, it } from 'vitest';
import {
  GradientError,
  add,
  customGrad,
  dispose,
  exp,
  grad,
  grads,
  log,
  matMul,
  mean,
  memory,
  mul,
  neg,
  randomNormal,
  relu,
  sigmoid,
  softplus,
  square,
  sub,
  sum,
  tensor,
  tidy,
  valueAndGrad,
  valueAndGrads,
  variable,
  variableGrads,
  zeros,
} from '../src/index.js';

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('autodiff', () => {
  it('grad of a square is 2x, and frees every intermediate', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().numTensors;
    const g = grad((a) => square(a))(x);
    expect(values(g)).toEqual([2, 4, 6]);
    g.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('accumulates gradients of a tensor used several times, with broadcasting', () => {
    const [da, db] = grads((a, b) => sum(mul(add(a, b), a)))([tensor([[1, 2], [3, 4]]), tensor([10, 20])]);
    // d/da (a+b)a = 2a + b ; d/db = sum over rows of a
    expect(values(da)).toEqual([12, 24, 16, 28]);
    expect(values(db)).toEqual([4, 6]);
  });

  it('returns zeros for a source the function does not use', () => {
    const [, db] = grads((a) => sum(a))([tensor([1]), tensor([5, 6])]);
    expect(values(db)).toEqual([0, 0]);
  });

  it('valueAndGrad returns both, and a custom dy weights a non-scalar output', () => {
    const { value, grad: g } = valueAndGrad((x) => exp(x))(tensor([0, 1]), tensor([1, 2]));
    expect(values(value)[0]).toBeCloseTo(1);
    expect(values(g)[1]).toBeCloseTo(2 * Math.E, 5);
    const r = valueAndGrads((a, b) => matMul(a, b))([tensor([[1, 2]]), tensor([[3], [4]])]);
    expect(values(r.value)).toEqual([11]);
    expect(values(r.grads[0])).toEqual([3, 4]);
    expect(values(r.grads[1])).toEqual([1, 2]);
  });

  it('differentiates through tidy inside the function', () => {
    const g = grad((x) => tidy(() => sum(sigmoid(mul(x, 2)))))(tensor([0]));
    expect(values(g)[0]).toBeCloseTo(0.5, 6);
  });

  it('customGrad replaces the recorded gradient', () => {
    const clipGrad = customGrad(([x], save) => {
      save([x]);
      return { value: square(x), gradFunc: (dy, [saved]) => [mul(dy, mul(saved, 100))] };
    });
    const before = memory().numTensors;
    const g = grad((x) => sum(clipGrad(x)))(tensor([1, 2]));
    expect(values(g)).toEqual([100, 200]);
    g.dispose();
    expect(memory().numTensors).toBe(before + 1); // the input tensor literal
  });

  it('variableGrads finds the trainable variables a loss uses', () => {
    const w = variable(tensor([[2]]), { name: 'ad_w' });
    const frozen = variable(tensor([[1]]), { name: 'ad_frozen', trainable: false });
    const unused = variable(tensor([1]), { name: 'ad_unused' });
    const { value, grads: g } = variableGrads(() => sum(square(matMul(w, frozen))));
    expect(Object.keys(g)).toEqual(['ad_w']);
    expect(values(g.ad_w)).toEqual([4]);
    expect(values(value)).toEqual([4]);
    expect(() => variableGrads(() => mul(w, 2))).toThrow(GradientError);
    dispose([value, g, w, frozen, unused]);
  });

  it('second-order: the gradient of a gradient', () => {
    const x = tensor([3]);
    const d2 = grad((a) => sum(grad((b) => sum(mul(mul(b, b), b)))(a)))(x);
    expect(values(d2)).toEqual([18]); // d²/dx² x³ = 6x
  });

  it('a 100-step training loop leaves memory().numTensors where it began', () => {
    const x = randomNormal([32, 4], { seed: 1 });
    const trueW = tensor([[1], [-2], [3], [0.5]]);
    const y = matMul(x, trueW);
    const w = variable(zeros([4, 1]), { name: 'loop_w' });
    const b = variable(zeros([1]), { name: 'loop_b' });
    const start = memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      const { value, grads: g } = variableGrads(() => mean(square(sub(add(matMul(x, w), b), y))), [w, b]);
      tidy(() => {
        w.assign(sub(w, mul(g.loop_w, 0.1)));
        b.assign(sub(b, mul(g.loop_b, 0.1)));
      });
      losses.push(value.dataSync()[0]);
      dispose([value, g]);
    }
    expect(memory().numTensors).toBe(start);
    expect(losses[99]).toBeLessThan(losses[0] * 1e-3);
    dispose([x, trueW, y, w, b]);
  });

  it('stays finite on extreme logits through the stable ops', () => {
    const g = grad((x) => sum(neg(log(sigmoid(x)))))(tensor([-20]));
    expect(values(g)[0]).toBeCloseTo(-1, 4);
    const g2 = grad((x) => sum(softplus(x)))(tensor([100, -100]));
    expect(values(g2)[0]).toBe(1);
    expect(values(g2)[1]).toBeCloseTo(0, 30);
    expect(values(relu(tensor([-1, 1])))).toEqual([0, 1]);
  });
});

describe('autodiff through kernels without a gradient', () => {
  it('fails loudly instead of silently cutting the graph', async () => {
    const { maxPool2d, maxPoolGrad, ones: onesOp } = await import('../src/index.js');
    const x = tensor([[[[1], [2]], [[3], [4]]]]);
    // The gradient of maxPool2d is fine...
    const g = grad((a) => sum(maxPool2d(a, { poolSize: 2 })))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 1]);
    // ...but differentiating through MaxPoolGrad itself (second order) has no rule.
    const dy = onesOp([1, 1, 1, 1]);
    expect(() => grad((a) => sum(maxPoolGrad(dy, a, { poolSize: 2 })))(x)).toThrow(/no gradient is registered for kernel 'MaxPoolGrad'/);
    dispose([x, g, dy]);
  });
});
