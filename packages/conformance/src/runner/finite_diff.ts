import type { RefTensor } from '../reference/index.js';

/** Step of the central differences: small enough for float64, large against float32 inputs' spacing. */
export const FD_STEP = 1e-3;

/**
 * Central finite differences of a scalar float64 `objective` with respect to every
 * element of input `index`: `(f(x + h) - f(x - h)) / 2h`.
 */
export function finiteDifferences(objective: (xs: RefTensor[]) => number, xs: readonly RefTensor[], index: number, h = FD_STEP): number[] {
  const x = xs[index];
  const at = (k: number, delta: number) => {
    const values = [...x.values];
    values[k] += delta;
    const moved = [...xs];
    moved[index] = { ...x, values };
    return objective(moved);
  };
  return x.values.map((_, k) => (at(k, h) - at(k, -h)) / (2 * h));
}
