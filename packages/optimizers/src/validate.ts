import { ValueError } from '@tessera/tensor';

/** Throws a ValueError unless `value` is a finite number in `[min, max]` (or `[min, max)` when `maxOpen`). */
export function checkRange(owner: string, arg: string, value: unknown, min: number, max = Infinity, maxOpen = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (maxOpen ? value < max : value <= max);
  if (!ok) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}${maxOpen ? ')' : ']'}`;
    throw new ValueError(`${owner}: \`${arg}\` must be a number ${range} but got ${describe(value)}`);
  }
  return value as number;
}

/** A number >= 0, or null/undefined (the option is off). */
export function checkOptionalNonNegative(owner: string, arg: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return checkRange(owner, arg, value, 0);
}

/** Throws a ValueError unless `value` is a boolean. */
export function checkBoolean(owner: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${owner}: \`${arg}\` must be a boolean but got ${describe(value)}`);
  return value;
}

/** How a bad argument reads in an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
