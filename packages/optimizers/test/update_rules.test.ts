import '@tessera/cpu-backend';
import { describe, it } from 'vitest';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop, SGD, type Optimizer } from '../src/index.js';
import { GRADS, W0, expectClose, reference, runSteps } from './helpers.js';

// Every expectation below is computed in float64 from the published Keras 3 update rule,
// written out here; the optimizers compute in float32 tensors.

describe('SGD', () => {
  it('plain: w -= lr * g', () => {
    const lr = 0.1;
    const expected = reference(W0, GRADS, () => ({}), (_s, g, w) => w - lr * g);
    expectClose(runSteps(new SGD({ learningRate: lr }), W0, GRADS), expected);
  });

  it('momentum: m = mu*m - lr*g; w += m', () => {
    const lr = 0.1;
    const mu = 0.9;
    const expected = reference(W0, GRADS, () => ({ m: 0 }), (s, g, w) => {
      s.m = mu * s.m - lr * g;
      return w + s.m;
    });
    expectClose(runSteps(new SGD({ learningRate: lr, momentum: mu }), W0, GRADS), expected);
  });

  it('nesterov: m = mu*m - lr*g; w += mu*m - lr*g', () => {
    const lr = 0.1;
    const mu = 0.8;
    const expected = reference(W0, GRADS, () => ({ m: 0 }), (s, g, w) => {
      s.m = mu * s.m - lr * g;
      return w + mu * s.m - lr * g;
    });
    expectClose(runSteps(new SGD({ learningRate: lr, momentum: mu, nesterov: true }), W0, GRADS), expected);
  });

  it('default learning rate 0.01', () => {
    const expected = reference(W0, GRADS, () => ({}), (_s, g, w) => w - 0.01 * g);
    expectClose(runSteps(new SGD(), W0, GRADS), expected);
  });
});

describe('RMSprop', () => {
  it('plain: v = rho*v + (1-rho)*g^2; w -= lr*g/sqrt(v + eps)', () => {
    const [lr, rho, eps] = [0.01, 0.9, 1e-7];
    const expected = reference(W0, GRADS, () => ({ v: 0 }), (s, g, w) => {
      s.v = rho * s.v + (1 - rho) * g * g;
      return w - (lr * g) / Math.sqrt(s.v + eps);
    });
    expectClose(runSteps(new RMSprop({ learningRate: lr }), W0, GRADS), expected);
  });

  it('centered with momentum', () => {
    const [lr, rho, mu, eps] = [0.01, 0.8, 0.5, 1e-3];
    const expected = reference(W0, GRADS, () => ({ v: 0, avg: 0, mom: 0 }), (s, g, w) => {
      s.v = rho * s.v + (1 - rho) * g * g;
      s.avg = rho * s.avg + (1 - rho) * g;
      const increment = (lr * g) / Math.sqrt(s.v - s.avg * s.avg + eps);
      s.mom = mu * s.mom + increment;
      return w - s.mom;
    });
    const opt = new RMSprop({ learningRate: lr, rho, momentum: mu, epsilon: eps, centered: true });
    expectClose(runSteps(opt, W0, GRADS), expected);
  });
});

/** Keras 3 Adam, optionally AMSGrad, optionally with decoupled weight decay (AdamW). */
function adamReference(lr: number, b1: number, b2: number, eps: number, amsgrad: boolean, wd = 0): number[][] {
  return reference(W0, GRADS, () => ({ m: 0, v: 0, vHat: 0 }), (s, g, w, t) => {
    w = w - w * wd * lr;
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    s.m = s.m + (g - s.m) * (1 - b1);
    s.v = s.v + (g * g - s.v) * (1 - b2);
    s.vHat = Math.max(s.vHat, s.v);
    const second = amsgrad ? s.vHat : s.v;
    return w - (s.m * alpha) / (Math.sqrt(second) + eps);
  });
}

describe('Adam', () => {
  it('bias-corrected step with epsilon outside the square root', () => {
    const opt = new Adam({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 });
    expectClose(runSteps(opt, W0, GRADS), adamReference(0.1, 0.8, 0.9, 1e-3, false));
  });

  it('defaults (lr 0.001, 0.9, 0.999, 1e-7)', () => {
    expectClose(runSteps(new Adam(), W0, GRADS), adamReference(0.001, 0.9, 0.999, 1e-7, false));
  });

  it('amsgrad keeps the running maximum of v', () => {
    // The second gradient of element 0 is large, so v then falls and vHat holds it.
    const opt = new Adam({ learningRate: 0.1, beta2: 0.5, amsgrad: true });
    expectClose(runSteps(opt, W0, GRADS), adamReference(0.1, 0.9, 0.5, 1e-7, true));
  });
});

describe('AdamW', () => {
  it('decays the weights by w * wd * lr before the Adam update', () => {
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.2 });
    expectClose(runSteps(opt, W0, GRADS), adamReference(0.1, 0.9, 0.999, 1e-7, false, 0.2));
  });

  it('defaults to weight decay 0.004', () => {
    expectClose(runSteps(new AdamW({ learningRate: 0.1 }), W0, GRADS), adamReference(0.1, 0.9, 0.999, 1e-7, false, 0.004));
  });
});

describe('Adagrad', () => {
  it('acc += g^2 from 0.1; w -= lr*g/sqrt(acc + eps)', () => {
    const [lr, eps] = [0.1, 1e-7];
    const expected = reference(W0, GRADS, () => ({ acc: 0.1 }), (s, g, w) => {
      s.acc += g * g;
      return w - (lr * g) / Math.sqrt(s.acc + eps);
    });
    expectClose(runSteps(new Adagrad({ learningRate: lr }), W0, GRADS), expected);
  });

  it('honours initialAccumulatorValue and epsilon', () => {
    const [lr, init, eps] = [0.05, 0.5, 1e-2];
    const expected = reference(W0, GRADS, () => ({ acc: init }), (s, g, w) => {
      s.acc += g * g;
      return w - (lr * g) / Math.sqrt(s.acc + eps);
    });
    const opt = new Adagrad({ learningRate: lr, initialAccumulatorValue: init, epsilon: eps });
    expectClose(runSteps(opt, W0, GRADS), expected);
  });
});

/** Keras 3 Adadelta. */
function adadeltaReference(w0: number[], lr: number, rho: number, eps: number): number[][] {
  return reference(w0, GRADS, () => ({ accGrad: 0, accDelta: 0 }), (s, g, w) => {
    s.accGrad = rho * s.accGrad + (1 - rho) * g * g;
    const delta = -(Math.sqrt(s.accDelta + eps) * g) / Math.sqrt(s.accGrad + eps);
    s.accDelta = rho * s.accDelta + (1 - rho) * delta * delta;
    return w + lr * delta;
  });
}

describe('Adadelta', () => {
  it('accumulates squared gradients and squared updates', () => {
    const opt = new Adadelta({ learningRate: 1.0, rho: 0.9, epsilon: 1e-3 });
    expectClose(runSteps(opt, W0, GRADS), adadeltaReference(W0, 1.0, 0.9, 1e-3));
  });

  it('defaults (lr 0.001, rho 0.95, eps 1e-7), on small weights so float32 resolves the tiny steps', () => {
    const w0 = [1e-3, -2e-3];
    expectClose(runSteps(new Adadelta(), w0, GRADS), adadeltaReference(w0, 0.001, 0.95, 1e-7), 1e-10);
  });
});

describe('Adamax', () => {
  it('m += (g-m)(1-b1); u = max(b2*u, |g|); w -= lr*m / ((1-b1^t)(u+eps))', () => {
    const [lr, b1, b2, eps] = [0.1, 0.8, 0.9, 1e-7];
    const expected = reference(W0, GRADS, () => ({ m: 0, u: 0 }), (s, g, w, t) => {
      s.m = s.m + (g - s.m) * (1 - b1);
      s.u = Math.max(b2 * s.u, Math.abs(g));
      return w - (lr * s.m) / ((1 - b1 ** t) * (s.u + eps));
    });
    expectClose(runSteps(new Adamax({ learningRate: lr, beta1: b1, beta2: b2 }), W0, GRADS), expected);
  });
});

describe('Nadam', () => {
  it("follows Keras 3's momentum-cache schedule (decay 0.96)", () => {
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 1e-7];
    const u = (t: number) => b1 * (1 - 0.5 * 0.96 ** t);
    const expected = reference(W0, GRADS, () => ({ m: 0, v: 0, uProduct: 1 }), (s, g, w, t) => {
      s.uProduct *= u(t);
      const uProductNext = s.uProduct * u(t + 1);
      s.m = s.m + (g - s.m) * (1 - b1);
      s.v = s.v + (g * g - s.v) * (1 - b2);
      const mHat = (u(t + 1) * s.m) / (1 - uProductNext) + ((1 - u(t)) * g) / (1 - s.uProduct);
      const vHat = s.v / (1 - b2 ** t);
      return w - (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
    expectClose(runSteps(new Nadam({ learningRate: lr }), W0, GRADS), expected);
  });
});

describe('weight decay and loss scaling in the base class', () => {
  it('SGD with weightDecay: w -= w*wd*lr, then w -= lr*g', () => {
    const [lr, wd] = [0.1, 0.5];
    const expected = reference(W0, GRADS, () => ({}), (_s, g, w) => w - w * wd * lr - lr * g);
    expectClose(runSteps(new SGD({ learningRate: lr, weightDecay: wd }), W0, GRADS), expected);
  });

  it('lossScaleFactor divides the gradients first', () => {
    const scaled = GRADS.map((g) => g.map((x) => x * 8));
    const expected = reference(W0, GRADS, () => ({}), (_s, g, w) => w - 0.1 * g);
    expectClose(runSteps(new SGD({ learningRate: 0.1, lossScaleFactor: 8 }), W0, scaled), expected);
  });
});

describe('every optimizer runs its Keras defaults', () => {
  const cases: Array<[string, () => Optimizer]> = [
    ['SGD', () => new SGD()],
    ['RMSprop', () => new RMSprop()],
    ['Adam', () => new Adam()],
    ['AdamW', () => new AdamW()],
    ['Adagrad', () => new Adagrad()],
    ['Adadelta', () => new Adadelta()],
    ['Adamax', () => new Adamax()],
    ['Nadam', () => new Nadam()],
  ];
  it.each(cases)('%s moves against the gradient', (_name, make) => {
    const [after] = runSteps(make(), [0.5, 0.5], [[1, -1]]);
    if (!(after[0] < 0.5 && after[1] > 0.5)) throw new Error(`unexpected step ${after}`);
  });
});
