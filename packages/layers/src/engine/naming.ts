/** Keras's auto-names: `Dense` -> `dense`, `dense_1`, ...; `MaxPooling2D` -> `max_pooling2d`. */
const counters = new Map<string, number>();

/** Converts a class name to Keras's snake_case base name. */
export function toSnakeCase(className: string): string {
  return className
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The next free name for a base: `dense`, then `dense_1`, `dense_2`, ... */
export function uniqueName(base: string): string {
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/**
 * Resets the auto-name counters, as Keras's `clear_session()`: the next Dense is `dense` again.
 * @example
 * ```ts
 * clearSession();
 * new Dense({ units: 3 }).name; // 'dense'
 * ```
 */
export function clearSession(): void {
  counters.clear();
}
