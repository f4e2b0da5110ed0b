import { parseTar } from 'nanotar';
import { DatasetError } from './errors.js';

/** A regular file in a tar archive. */
export interface TarMember {
  /** Its path in the archive, as written there (`cifar-10-batches-bin/data_batch_1.bin`). */
  name: string;
  /** Its bytes: a view into the archive's buffer, not a copy. */
  data: Uint8Array;
}

const BLOCK = 512;
const CHECKSUM_AT = 148;
const CHECKSUM_LENGTH = 8;

/**
 * True when `bytes` start with a valid tar header: the header's checksum field (octal, at
 * byte 148) equals the sum of its 512 bytes with that field counted as spaces. Every tar
 * format (v7, ustar, GNU, pax) has it, so this is the format's "magic"; `nanotar` itself checks
 * nothing and would read any bytes as a (garbage) archive.
 *
 * @example
 * ```ts
 * isTar(maybeGunzip(await readFile('cifar-10-binary.tar.gz'))); // true
 * ```
 */
export function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false;
  let unsigned = 0;
  let signed = 0; // some old writers summed the bytes as signed chars
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= CHECKSUM_AT && i < CHECKSUM_AT + CHECKSUM_LENGTH ? 0x20 : bytes[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  const field = String.fromCharCode(...bytes.subarray(CHECKSUM_AT, CHECKSUM_AT + CHECKSUM_LENGTH));
  const m = /^[ \0]*([0-7]+)[ \0]*$/.exec(field);
  if (!m) return false;
  const stored = Number.parseInt(m[1], 8);
  return stored === unsigned || stored === signed;
}

/**
 * The regular files of a tar archive, read with `nanotar` (unjs: no dependencies, no Node
 * streams, so the same code runs in browsers). Directories, links and pax/GNU headers are
 * left out (long names from pax/GNU headers are applied by nanotar).
 *
 * @param bytes - the archive (already gunzipped).
 * @param location - the archive's path or URL, for error messages.
 * @throws {@link DatasetError} when the bytes are not a tar archive or it is truncated.
 * @example
 * ```ts
 * const members = readTar(maybeGunzip(bytes, 'cifar-10-binary.tar.gz'), 'cifar-10-binary.tar.gz');
 * members.map((m) => m.name); // ['cifar-10-batches-bin/data_batch_1.bin', ...]
 * ```
 */
export function readTar(bytes: Uint8Array, location: string): TarMember[] {
  if (!isTar(bytes)) {
    throw new DatasetError(
      `${location}: expected a tar archive (a 512-byte header whose checksum matches) but found ${bytes.length} bytes ` +
        `starting ${hexPrefix(bytes)}; it is not a CIFAR-10 archive`,
    );
  }
  // nanotar reads `data.buffer` from offset 0 to its end: hand it a view that covers its buffer exactly.
  const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  let items: ReturnType<typeof parseTar>;
  try {
    items = parseTar(exact);
  } catch (e) {
    // A member's data running past the end makes nanotar's `new Uint8Array(...)` throw a RangeError.
    throw new DatasetError(
      `${location}: expected a complete tar archive but reading its ${bytes.length} bytes failed (${(e as Error).message}); ` +
        'the archive is truncated or corrupt',
    );
  }
  const members: TarMember[] = [];
  for (const item of items) {
    if (item.type !== 'file' && item.type !== 'contiguousFile') continue;
    members.push({ name: item.name, data: ('data' in item ? item.data : undefined) ?? new Uint8Array(0) });
  }
  return members;
}

/** The first bytes as hex, for "found" in messages: `50 4b 03 04 …`. */
export function hexPrefix(bytes: Uint8Array, n = 8): string {
  if (bytes.length === 0) return '(nothing: the input is empty)';
  const hex = Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > n ? `${hex} …` : hex;
}
