import { getEngine, type Tensor } from '@tessera/tensor';
import { DatasetError } from './errors.js';
import { maybeGunzip } from './gzip.js';
import { readFromSource } from './source.js';

const WHO = 'digits';
const PIXELS = 64;
const MAX_PIXEL = 16;
const NUM_CLASSES = 10;

/**
 * Where the UCI digits are read from.
 * @example
 * ```ts
 * const options: DigitsLoadOptions = { source: 'data/digits/digits.csv.gz' };
 * ```
 */
export interface DigitsLoadOptions {
  /**
   * A directory holding `digits.csv.gz` (or `digits.csv`), a path to such a file, or in browsers
   * the URL of the directory or of the file. scikit-learn ships the same file as
   * `sklearn/datasets/data/digits.csv.gz`.
   */
  source: string;
}

/**
 * The UCI digits as raw bytes.
 * @example
 * ```ts
 * const { pixels, labels, count }: RawDigits = await digits.loadRaw({ source: 'data/digits' });
 * ```
 */
export interface RawDigits {
  /** `count * 64` pixel values 0..16, row-major 8x8 per example. */
  pixels: Uint8Array;
  /** `count` labels 0..9. */
  labels: Uint8Array;
  /** Number of examples (1797 in the published file). */
  count: number;
}

function splitSource(source: string | undefined): { dir: string; candidates: string[] } {
  if (!source) {
    throw new DatasetError(`${WHO}: expected {source}: a directory with digits.csv.gz (the data set is not bundled) but none was given`);
  }
  const m = /^(.*?)[/\\]?([^/\\]+\.csv(?:\.gz)?)$/i.exec(source);
  if (m) return { dir: m[1] || '.', candidates: [m[2]] };
  return { dir: source, candidates: ['digits.csv.gz', 'digits.csv'] };
}

/**
 * Parses the UCI optical digits CSV (gzipped or not): one example per line, 64 integer pixel
 * values 0..16 (row-major 8x8), then the label 0..9. Every row's width and every value's range
 * is checked.
 *
 * @param bytes - the file's bytes (`digits.csv.gz` or `digits.csv`).
 * @param name - the file's name or path, for error messages.
 * @example
 * ```ts
 * const { count, pixels, labels } = parseDigitsCsv(await readFile('digits.csv.gz'), 'digits.csv.gz');
 * count; // 1797
 * ```
 */
export function parseDigitsCsv(bytes: Uint8Array, name = 'digits.csv'): RawDigits {
  const text = new TextDecoder().decode(maybeGunzip(bytes, name));
  const lines = text.split(/\r?\n/);
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    rows.push(line.split(','));
    lineNumbers.push(i + 1);
  });
  if (rows.length === 0) throw new DatasetError(`${name}: expected rows of 65 comma-separated values but found no rows`);
  const count = rows.length;
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  rows.forEach((fields, r) => {
    const where = `${name} line ${lineNumbers[r]}`;
    if (fields.length !== PIXELS + 1) {
      throw new DatasetError(`${where}: expected ${PIXELS + 1} comma-separated values (64 pixels, then the label) but found ${fields.length}`);
    }
    for (let c = 0; c <= PIXELS; c++) {
      const field = fields[c].trim();
      const v = field === '' ? NaN : Number(field);
      const max = c < PIXELS ? MAX_PIXEL : NUM_CLASSES - 1;
      if (!Number.isInteger(v) || v < 0 || v > max) {
        const what = c < PIXELS ? `pixel ${c}` : 'the label';
        throw new DatasetError(`${where}: expected ${what} to be an integer 0..${max} but found "${field}"`);
      }
      if (c < PIXELS) pixels[r * PIXELS + c] = v;
      else labels[r] = v;
    }
  });
  return { pixels, labels, count };
}

/**
 * Reads the UCI digits as raw bytes, without making tensors.
 *
 * @param options - `source`: a directory with `digits.csv.gz`, or the file's path (or URL).
 * @example
 * ```ts
 * const { count } = await digits.loadRaw({ source: 'data/digits' });
 * count; // 1797
 * ```
 */
export async function loadRaw(options: DigitsLoadOptions): Promise<RawDigits> {
  const { dir, candidates } = splitSource(options?.source);
  const { bytes, location } = await readFromSource(dir, candidates, WHO);
  return parseDigitsCsv(bytes, location);
}

/**
 * Loads the UCI optical handwritten digits (8x8, as in scikit-learn's `load_digits`):
 * `[x, y]` with `x` float32 `[1797, 64]` (pixel values 0..16) and `y` int32 `[1797]`.
 * Small enough for fast convergence tests on real data. The caller disposes both tensors.
 *
 * @param options - `source`: a directory with `digits.csv.gz`, or the file's path (or URL).
 * @example
 * ```ts
 * import '@tessera/cpu-backend';
 * import { digits } from '@tessera/datasets';
 *
 * const [x, y] = await digits.loadData({ source: 'data/digits' });
 * x.shape; // [1797, 64]
 * ```
 */
export async function loadData(options: DigitsLoadOptions): Promise<[Tensor, Tensor]> {
  const raw = await loadRaw(options);
  const x = new Float32Array(raw.pixels.length);
  x.set(raw.pixels);
  const y = new Int32Array(raw.count);
  y.set(raw.labels);
  const engine = getEngine();
  return [engine.makeTensor(x, [raw.count, PIXELS], 'float32'), engine.makeTensor(y, [raw.count], 'int32')];
}
