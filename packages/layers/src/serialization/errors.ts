import { TesseraError } from '@tessera/tensor';

/** What is wrong with a layer config (the `code` of a {@link LayerConfigError}). */
export type LayerConfigErrorCode =
  /** The config is not in Keras's shape (a missing or malformed value). */
  | 'bad_config'
  /** The config names a layer class that is neither built in nor registered. */
  | 'unknown_layer'
  /** The config uses something Tessera does not support (a Keras option, an activation). */
  | 'unsupported';

/** The facts a {@link LayerConfigError} carries besides its message. */
export interface LayerConfigErrorDetails {
  /** The layer concerned (its `name` in the config), if any. */
  layer?: string;
  /** What Tessera expects. */
  expected?: string;
  /** What the config holds. */
  found?: string;
}

/**
 * A layer config that cannot be turned into a layer. `@tessera/io` turns it into a
 * `ModelFileError` with the same `code`, adding the file; used on its own (`layerFromConfig`)
 * it says the same without a file.
 * @example
 * ```ts
 * try {
 *   layerFromConfig('LSTM', { name: 'lstm', units: 8 });
 * } catch (e) {
 *   if (e instanceof LayerConfigError) console.log(e.code, e.reason); // 'unsupported', 'Keras layer LSTM is not supported ...'
 * }
 * ```
 */
export class LayerConfigError extends TesseraError {
  readonly code: LayerConfigErrorCode;
  /** The message without the appended facts (so a wrapper can restate it with its own). */
  readonly reason: string;
  readonly layer?: string;
  readonly expected?: string;
  readonly found?: string;

  constructor(code: LayerConfigErrorCode, reason: string, details: LayerConfigErrorDetails = {}) {
    const facts = [details.expected !== undefined && `expected ${details.expected}`, details.found !== undefined && `found ${details.found}`]
      .filter(Boolean)
      .join(', ');
    super(`${reason}${facts ? ` (${facts})` : ''}${details.layer ? ` [layer '${details.layer}']` : ''}`);
    this.code = code;
    this.reason = reason;
    this.layer = details.layer;
    this.expected = details.expected;
    this.found = details.found;
  }
}
