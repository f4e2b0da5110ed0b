import { TesseraError } from '@tessera/tensor';

/**
 * A data file is missing, unreadable, malformed or not what it claims to be.
 * The message names the file and says what was expected and what was found.
 *
 * @example
 * ```ts
 * try {
 *   await mnist.loadData({ source: '/data/mnist' });
 * } catch (e) {
 *   if (e instanceof DatasetError) console.error(e.message);
 * }
 * ```
 */
export class DatasetError extends TesseraError {}

/**
 * A file's md5 differs from the published checksum of the file of that name.
 *
 * @example
 * ```ts
 * try {
 *   await mnist.loadData({ source: './my-mnist' });
 * } catch (e) {
 *   if (e instanceof ChecksumError) console.error(e.file, e.expected, e.found);
 * }
 * ```
 */
export class ChecksumError extends DatasetError {
  constructor(
    /** The file, as a path or URL. */
    readonly file: string,
    /** The published md5 (hex). */
    readonly expected: string,
    /** The md5 of the bytes read (hex). */
    readonly found: string,
    what = 'decompressed content',
  ) {
    super(
      `${file}: md5 of the ${what} should be ${expected} but is ${found}; ` +
        'the file is corrupt or not the published one (pass {verify: false} to load a modified copy)',
    );
  }
}
