import { expect } from 'vitest';
import type { DType, Tensor, TypedArray } from '@tessera/tensor';
import type { RefTensor } from '../reference/index.js';
import { storeAs } from './inputs.js';

/** A resolved tolerance. */
export interface Tol {
  readonly rtol: number;
  readonly atol: number;
}

const STORAGE: Record<DType, string> = { float32: 'Float32Array', int32: 'Int32Array', bool: 'Uint8Array' };

/** Positions where `actual` and `expected` differ beyond `tol` (at all, when `exact`); NaN matches only NaN. */
export function mismatches(actual: ArrayLike<number>, expected: readonly number[], tol: Tol, exact: boolean): number[] {
  const bad: number[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : exact || !Number.isFinite(e)
        ? a === e
        : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) bad.push(i);
  }
  return bad;
}

/** Throws, listing the first few differing positions, unless all values agree. */
export function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol: Tol, exact: boolean, what: string): void {
  const bad = mismatches(actual, expected, tol, exact);
  if (bad.length === 0) return;
  const shown = bad
    .slice(0, 8)
    .map((i) => `  [${i}] got ${actual[i]}, expected ${expected[i]}`)
    .join('\n');
  const rule = exact ? 'exactly' : `within atol ${tol.atol} + rtol ${tol.rtol}`;
  throw new Error(`${what}: ${bad.length} of ${expected.length} values differ (${rule}):\n${shown}`);
}

/**
 * Checks a tensor against a reference: dtype, shape, the storage array `data()`
 * returns, the values, and that `dataSync()` (where offered) agrees with `data()`.
 */
export async function expectMatches(actual: Tensor, expected: RefTensor, tol: Tol, canReadSync: boolean): Promise<void> {
  expect(actual.dtype, 'dtype').toBe(expected.dtype);
  expect([...actual.shape], 'shape').toEqual([...expected.shape]);
  const data: TypedArray = await actual.data();
  expect(data.constructor.name, `data() of a ${actual.dtype} tensor`).toBe(STORAGE[actual.dtype]);
  expect(data.length, 'number of values').toBe(expected.values.length);
  if (canReadSync) expect(Array.from(actual.dataSync()), 'dataSync() agrees with data()').toEqual(Array.from(data));
  const want = expected.values.map((v) => storeAs(v, expected.dtype));
  assertClose(data, want, tol, expected.dtype !== 'float32', 'values');
}
