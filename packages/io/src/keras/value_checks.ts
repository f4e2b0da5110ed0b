import { ModelFileError } from '../errors.js';

/** What the weight checks need to know besides the values. */
export interface ValueCheckOptions {
  file?: string;
  /** Load NaN and Infinity instead of refusing them. */
  allowNonFinite?: boolean;
  /** Where the warning about huge values goes. */
  warn?: (message: string) => void;
}

/** Beyond this magnitude float32 arithmetic overflows after a few products: worth a warning. */
const HUGE = 1e30;

function indexString(flat: number, shape: readonly number[]): string {
  if (shape.length <= 1) return String(flat);
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return `[${out.join(', ')}]`;
}

/**
 * Checks a weight's values before it is assigned: NaN or Infinity is a `non_finite`
 * ModelFileError naming the weight, its path in the file and the first bad index (unless
 * `allowNonFinite`); finite values above 1e30 in magnitude (3e38 is still finite in
 * float32) load with a warning, since the first products with them overflow.
 */
export function checkWeightValues(
  data: Float32Array,
  shape: readonly number[],
  where: { layer: string; weight: string; path: string },
  options: ValueCheckOptions,
): void {
  let huge = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      // NaN or +-Infinity (v - v is NaN for both).
      if (options.allowNonFinite) return;
      throw new ModelFileError(
        'non_finite',
        `weight '${where.weight}' of layer '${where.layer}' holds ${String(v)} at index ${indexString(i, shape)} (stored at ${where.path}); ` +
          'the file is damaged or was saved from a diverged training run (pass {allowNonFinite: true} to load it anyway)',
        { file: options.file, layer: where.layer, weight: where.weight, expected: 'finite values', found: String(v) },
      );
    }
    if (huge < 0 && (v > HUGE || v < -HUGE)) huge = i;
  }
  if (huge >= 0) {
    options.warn?.(
      `weight '${where.weight}' of layer '${where.layer}' holds ${String(data[huge])} at index ${indexString(huge, shape)} (stored at ${where.path}): ` +
        'finite, but large enough to overflow float32 arithmetic',
    );
  }
}
