import { LayerConfigError } from '@tessera/layers';
import { TesseraError } from '@tessera/tensor';

/** What went wrong with a model file (the `code` of a {@link ModelFileError}). */
export type ModelFileErrorCode =
  /** Not a Keras file at all (no HDF5 signature, not a zip, not JSON). */
  | 'unknown_format'
  /** The bytes end early or were changed: HDF5 or zip structures do not parse. */
  | 'corrupt'
  /** A required part is missing (`config.json` in a `.keras`, `model_config`, a weight dataset). */
  | 'missing'
  /** A config is not valid JSON or not in Keras's shape. */
  | 'bad_config'
  /** The file names a layer class that is neither built in nor registered. */
  | 'unknown_layer'
  /** Weights do not fit the model: a count or a shape differs, or the file holds weights no layer uses. */
  | 'weight_mismatch'
  /** A weight holds NaN or Infinity (`allowNonFinite: true` loads it anyway). */
  | 'non_finite'
  /** The file uses something Tessera does not support (a Keras option, a dtype). */
  | 'unsupported'
  /** Reading took longer than the time bound (a corrupted file can loop the HDF5 library). */
  | 'timeout'
  /** The storage (file system, IndexedDB, network) failed. */
  | 'io';

/** The facts a {@link ModelFileError} carries besides its message. */
export interface ModelFileErrorDetails {
  /** The file, URL or store key (or `'<bytes>'`). */
  file?: string;
  /** The layer concerned, if any. */
  layer?: string;
  /** The weight concerned, if any. */
  weight?: string;
  /** What the model or the format expects. */
  expected?: string;
  /** What the file holds. */
  found?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A model, weights or config file that cannot be loaded (or saved). Every failure of
 * `loadModel`, `loadWeights`, `saveModel`... is one of these, never a crash: `code` says
 * which kind, and `file`, `layer`, `weight`, `expected`, `found` say where and what.
 * @example
 * ```ts
 * try {
 *   await loadModel('model.h5');
 * } catch (e) {
 *   if (e instanceof ModelFileError && e.code === 'weight_mismatch') console.log(e.layer, e.expected, e.found);
 * }
 * ```
 */
export class ModelFileError extends TesseraError {
  readonly code: ModelFileErrorCode;
  readonly file?: string;
  readonly layer?: string;
  readonly weight?: string;
  readonly expected?: string;
  readonly found?: string;
  override readonly cause?: unknown;

  constructor(code: ModelFileErrorCode, message: string, details: ModelFileErrorDetails = {}) {
    const where = [details.file && `file ${details.file}`, details.layer && `layer '${details.layer}'`, details.weight && `weight '${details.weight}'`]
      .filter(Boolean)
      .join(', ');
    const facts = [details.expected !== undefined && `expected ${details.expected}`, details.found !== undefined && `found ${details.found}`]
      .filter(Boolean)
      .join(', ');
    super(`${message}${facts ? ` (${facts})` : ''}${where ? ` [${where}]` : ''}`);
    this.code = code;
    this.file = details.file;
    this.layer = details.layer;
    this.weight = details.weight;
    this.expected = details.expected;
    this.found = details.found;
    this.cause = details.cause;
  }
}

/**
 * Re-throws a ModelFileError as is; restates a layer config's error (from @tessera/layers)
 * with its own code and message, adding the file; wraps anything else with a code and the file.
 */
export function asModelFileError(e: unknown, code: ModelFileErrorCode, message: string, details: ModelFileErrorDetails = {}): ModelFileError {
  if (e instanceof ModelFileError) return e;
  if (e instanceof LayerConfigError) {
    return new ModelFileError(e.code, e.reason, { file: details.file, layer: e.layer ?? details.layer, expected: e.expected, found: e.found, cause: e });
  }
  const why = e instanceof Error ? e.message : String(e);
  return new ModelFileError(code, `${message}: ${why}`, { ...details, cause: e });
}
