import type { DType } from '@tessera/tensor';
import { seededRandom } from '../runner/rng.js';
import type { InputSpec } from './types.js';

/**
 * Random float32 input in `range` (default `[-3, 3]`).
 * @example
 * ```ts
 * rand([2, 3], [0.5, 2]); // positive, for log or sqrt
 * ```
 */
export function rand(shape: readonly number[], range?: readonly [number, number], avoid?: (v: number) => boolean): InputSpec {
  return { shape, range, avoid };
}

/**
 * Random int32 input with values in `[lo, hi]` (default `[-5, 5]`).
 * @example
 * ```ts
 * ints([4], [0, 3]); // indices into an axis of 4
 * ```
 */
export function ints(shape: readonly number[], range?: readonly [number, number], avoid?: (v: number) => boolean): InputSpec {
  return { shape, dtype: 'int32', range, avoid };
}

/**
 * Random bool input.
 * @example
 * ```ts
 * bools([2, 3]);
 * ```
 */
export function bools(shape: readonly number[]): InputSpec {
  return { shape, dtype: 'bool' };
}

/**
 * Exact values (shape defaults to `[values.length]`).
 * @example
 * ```ts
 * vals([-2.5, -1.5, 0.5, 1.5], [4]);
 * vals([0, 2, 1], [3], 'int32');
 * ```
 */
export function vals(values: ReadonlyArray<number | boolean>, shape: readonly number[] = [values.length], dtype?: DType): InputSpec {
  return { shape, values, dtype: dtype ?? (typeof values[0] === 'boolean' ? 'bool' : 'float32') };
}

/** The same spec with another dtype (values cast by the input maker). */
export function as(spec: InputSpec, dtype: DType): InputSpec {
  return { ...spec, dtype };
}

/** Distance from a kink below which random gradient inputs are redrawn (10x the finite-difference step). */
export const KINK_MARGIN = 0.02;

/**
 * An `avoid` predicate: true within {@link KINK_MARGIN} of any of `points`.
 * @example
 * ```ts
 * rand([2, 3], [-2, 8], near(0, 6)); // relu6 inputs off its kinks
 * ```
 */
export function near(...points: number[]): (v: number) => boolean {
  return (v) => points.some((p) => Math.abs(v - p) < KINK_MARGIN);
}

/** An `avoid` predicate: true within {@link KINK_MARGIN} of a multiple of `period` shifted by `offset`. */
export function nearMultiple(period: number, offset = 0): (v: number) => boolean {
  return (v) => {
    const r = Math.abs((((v - offset) % period) + period) % period);
    return Math.min(r, period - r) < KINK_MARGIN;
  };
}

/**
 * Distinct values `gap` apart in a seeded random order: inputs for max-type kernels,
 * whose finite differences must not cross a tie (random values would, now and then).
 * @example
 * ```ts
 * distinct([2, 5, 5, 3]); // 150 values, any two at least 0.05 apart
 * ```
 */
export function distinct(shape: readonly number[], seed = 1, gap = 0.05): InputSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = Array.from({ length: n }, (_, i) => i);
  const next = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return vals(order.map((k) => (k - n / 2) * gap), shape);
}
