import '@tessera/cpu-backend';
import { ValueError, tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, SGD, type Optimizer } from '../src/index.js';
import { GRADS, W0, expectClose, fresh, reference, runSteps } from './helpers.js';

/** One step of SGD(lr=1) on two variables: returns how much each moved (= minus the applied gradient). */
function appliedGradients(opt: Optimizer, grads: number[][]): number[][] {
  const vars = grads.map((g) => fresh(g.map(() => 0)));
  const gs = grads.map((g) => tensor(g));
  opt.applyGradients(gs.map((g, i) => [g, vars[i]] as const));
  const moved = vars.map((v) => Array.from(v.dataSync(), (x) => -x));
  [...vars, ...gs].forEach((t) => t.dispose());
  opt.dispose();
  return moved;
}

describe('gradient clipping', () => {
  it('clipnorm scales each gradient to norm <= clipnorm, separately', () => {
    const opt = new SGD({ learningRate: 1, clipnorm: 0.1 });
    // [0.3, 0.4] has norm 0.5 -> times 0.1/0.5; [0.01, 0] has norm 0.01 and is kept.
    expectClose(appliedGradients(opt, [[0.3, 0.4], [0.01, 0]]), [[0.06, 0.08], [0.01, 0]]);
  });

  it('clipvalue clamps each element to [-clipvalue, clipvalue]', () => {
    const opt = new SGD({ learningRate: 1, clipvalue: 0.25 });
    expectClose(appliedGradients(opt, [[0.3, -0.4, 0.1], [-0.2, 5]]), [[0.25, -0.25, 0.1], [-0.2, 0.25]]);
  });

  it('globalClipnorm scales all gradients together', () => {
    // Global norm of [3, 0] and [0, 4] is 5 -> everything times 1/5.
    const opt = new SGD({ learningRate: 1, globalClipnorm: 1 });
    expectClose(appliedGradients(opt, [[3, 0], [0, 4]]), [[0.6, 0], [0, 0.8]]);
    // Under the limit nothing changes; an all-zero gradient stays zero (no NaN).
    expectClose(appliedGradients(new SGD({ learningRate: 1, globalClipnorm: 10 }), [[3, 0], [0, 4]]), [[3, 0], [0, 4]]);
    expectClose(appliedGradients(new SGD({ learningRate: 1, globalClipnorm: 1 }), [[0, 0], [0, 0]]), [[0, 0], [0, 0]]);
  });

  it('clips before the update rule over three Adam steps (clipnorm)', () => {
    const [lr, b1, b2, eps, c] = [0.1, 0.9, 0.999, 1e-7, 0.15];
    const clipped = GRADS.map((g) => {
      const norm = Math.hypot(...g);
      return g.map((x) => (x * c) / Math.max(norm, c));
    });
    const expected = reference(W0, clipped, () => ({ m: 0, v: 0 }), (s, g, w, t) => {
      s.m = s.m + (g - s.m) * (1 - b1);
      s.v = s.v + (g * g - s.v) * (1 - b2);
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      return w - (s.m * alpha) / (Math.sqrt(s.v) + eps);
    });
    expectClose(runSteps(new Adam({ learningRate: lr, clipnorm: c }), W0, GRADS), expected);
  });

  it('clips before momentum over three SGD steps (clipvalue, globalClipnorm)', () => {
    const [lr, mu] = [0.1, 0.9];
    const momentumSteps = (grads: number[][]) =>
      reference(W0, grads, () => ({ m: 0 }), (s, g, w) => {
        s.m = mu * s.m - lr * g;
        return w + s.m;
      });
    const byValue = GRADS.map((g) => g.map((x) => Math.min(0.12, Math.max(-0.12, x))));
    expectClose(runSteps(new SGD({ learningRate: lr, momentum: mu, clipvalue: 0.12 }), W0, GRADS), momentumSteps(byValue));
    const byGlobal = GRADS.map((g) => g.map((x) => x * Math.min(1, 0.2 / Math.hypot(...g))));
    expectClose(runSteps(new SGD({ learningRate: lr, momentum: mu, globalClipnorm: 0.2 }), W0, GRADS), momentumSteps(byGlobal));
  });

  it('accepts only one clipping option, and no negative one', () => {
    expect(() => new SGD({ clipnorm: 1, clipvalue: 1 })).toThrow(ValueError);
    expect(() => new SGD({ clipnorm: 1, globalClipnorm: 1 })).toThrow(/only one of/);
    expect(() => new Adam({ clipvalue: -1 })).toThrow(ValueError);
  });
});
