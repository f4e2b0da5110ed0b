import { expect } from 'vitest';
import type { Tensor } from '@tessera/tensor';

/** Asserts `t` holds `expected` (any nesting) within a relative tolerance, and its shape if given. */
export function expectClose(t: Tensor, expected: number | readonly unknown[], tol = 1e-5, shape?: number[]): void {
  const want = [expected].flat(Infinity) as number[];
  const got = Array.from(t.dataSync());
  if (shape) expect(t.shape).toEqual(shape);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]) > tol * Math.max(1, Math.abs(want[i]))) {
      throw new Error(`value ${i}: got ${g}, expected ${want[i]} (all: ${got.join(', ')})`);
    }
  });
}

// ---- float64 reference formulas (Keras's definitions), one number per sample row.

export const EPS = 1e-7;
// The clip bounds as float32 holds them (1 - 1e-7 rounds to 1 - 1.19e-7), as in Keras.
const LO = Math.fround(EPS);
const HI = Math.fround(1 - EPS);
const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const avg = (xs: number[]) => total(xs) / xs.length;
const zip = <T>(a: number[], b: number[], f: (x: number, y: number) => T) => a.map((x, i) => f(x, b[i]));

/** -sum(y * log(clip(p / sum(p), eps, 1 - eps))) */
export function cce(y: number[], p: number[]): number {
  const s = total(p);
  return -total(zip(y, p, (yi, pi) => yi * Math.log(clip(pi / s, LO, HI))));
}

/** -sum(y * (x - logsumexp(x))) */
export function cceLogits(y: number[], x: number[]): number {
  const m = Math.max(...x);
  const lse = m + Math.log(total(x.map((v) => Math.exp(v - m))));
  return -total(zip(y, x, (yi, xi) => yi * (xi - lse)));
}

/** Categorical label smoothing: y * (1 - s) + s / numClasses */
export const smooth = (y: number[], s: number) => y.map((v) => v * (1 - s) + s / y.length);

/** Binary label smoothing: y * (1 - s) + s / 2 */
export const smoothBinary = (y: number[], s: number) => y.map((v) => v * (1 - s) + 0.5 * s);

/** mean(-(y log p + (1 - y) log(1 - p))), p clipped to [eps, 1 - eps] */
export function bce(y: number[], p: number[]): number {
  return avg(zip(y, p, (yi, pi) => {
    const q = clip(pi, LO, HI);
    return -(yi * Math.log(q) + (1 - yi) * Math.log(1 - q));
  }));
}

/** mean(max(x, 0) - x * y + log1p(exp(-|x|))) */
export function bceLogits(y: number[], x: number[]): number {
  return avg(zip(y, x, (yi, xi) => Math.max(xi, 0) - xi * yi + Math.log1p(Math.exp(-Math.abs(xi)))));
}

/** mean((y - p)^2) */
export const mse = (y: number[], p: number[]) => avg(zip(y, p, (a, b) => (a - b) ** 2));

/** mean(|y - p|) */
export const mae = (y: number[], p: number[]) => avg(zip(y, p, (a, b) => Math.abs(a - b)));

/** mean(|e| <= d ? e^2 / 2 : d |e| - d^2 / 2), e = p - y */
export const huber = (y: number[], p: number[], d = 1) =>
  avg(zip(y, p, (a, b) => {
    const e = Math.abs(b - a);
    return e <= d ? 0.5 * e * e : d * e - 0.5 * d * d;
  }));

/** sum(y * log(y / p)), both clipped to [eps, 1] */
export const kld = (y: number[], p: number[]) =>
  total(zip(y, p, (a, b) => {
    const yc = clip(a, LO, 1);
    return yc * Math.log(yc / clip(b, LO, 1));
  }));

/** mean(max(1 - y * p, 0)), with y already in {-1, 1} */
export const hingeSigned = (y: number[], p: number[]) => avg(zip(y, p, (a, b) => Math.max(1 - a * b, 0)));

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Per-row application of a reference formula. */
export const rows = (f: (y: number[], p: number[]) => number, ys: number[][], ps: number[][]) => ys.map((y, i) => f(y, ps[i]));
