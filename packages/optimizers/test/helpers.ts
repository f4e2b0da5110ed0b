import { expect } from 'vitest';
import { tensor, tidy, variable, type Variable } from '@tessera/tensor';
import type { Optimizer } from '../src/index.js';

let counter = 0;

/** A float32 variable with a name no other test uses. */
export function fresh(values: number[], prefix = 'w'): Variable {
  return tidy(() => variable(tensor(values), { name: `${prefix}${counter++}` }));
}

/** Applies one gradient per step to `w`; returns w's values after each step. */
export function runSteps(opt: Optimizer, w0: number[], grads: number[][]): number[][] {
  const w = fresh(w0);
  const out: number[][] = [];
  for (const g of grads) {
    const gt = tensor(g);
    opt.applyGradients([[gt, w]]);
    gt.dispose();
    out.push(Array.from(w.dataSync()));
  }
  w.dispose();
  opt.dispose();
  return out;
}

/** Elementwise |a - b| <= tol for nested number arrays of the same shape. */
export function expectClose(actual: number[][], expected: number[][], tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i].length);
    row.forEach((a, j) => {
      const e = expected[i][j];
      if (!(Math.abs(a - e) <= tol)) {
        throw new Error(`step ${i + 1}, element ${j}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${tol})`);
      }
    });
  });
}

/** The fixed problem of the update-rule tests: a 2-element variable and three gradients. */
export const W0 = [1.0, -0.5];
export const GRADS = [
  [0.1, -0.2],
  [0.3, 0.05],
  [-0.15, 0.4],
];

/** Runs an elementwise float64 reference `step(state, g, w, t)` (t from 1) over GRADS; returns w after each step. */
export function reference<S>(
  w0: number[],
  grads: number[][],
  init: () => S,
  step: (s: S, g: number, w: number, t: number) => number,
): number[][] {
  const states = w0.map(init);
  const w = [...w0];
  return grads.map((g, k) => {
    for (let i = 0; i < w.length; i++) w[i] = step(states[i], g[i], w[i], k + 1);
    return [...w];
  });
}
