import { Gunzip } from 'fflate';
import { DatasetError } from './errors.js';

/** True when `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips `bytes` when they start with the gzip magic number, else returns them as they are.
 *
 * Streams through fflate's `Gunzip` rather than `gunzipSync`: the latter sizes its output from
 * the trailer's length field, so a damaged trailer would make it allocate gigabytes or clip the
 * output without a word. The trailer's length is checked against the output instead.
 */
export function maybeGunzip(bytes: Uint8Array, name = 'data'): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const chunks: Uint8Array[] = [];
  let extraMembers = 0; // fflate reports each member after the first
  try {
    const gunzip = new Gunzip((chunk) => {
      if (chunk.length) chunks.push(chunk);
    });
    gunzip.onmember = () => extraMembers++;
    gunzip.push(bytes, true);
  } catch (e) {
    throw new DatasetError(
      `${name}: expected a complete gzip stream but inflating its ${bytes.length} bytes failed ` +
        `(${(e as Error).message}); the gzip file is corrupt or truncated`,
    );
  }
  const out = concat(chunks);
  // One member: its trailer's ISIZE is the decompressed length modulo 2^32.
  if (extraMembers === 0 && bytes.length >= 18) {
    const n = bytes.length;
    const isize = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
    if (isize !== out.length % 2 ** 32) {
      throw new DatasetError(
        `${name}: expected ${isize} decompressed bytes (the gzip trailer's length, mod 2^32) but inflating gave ` +
          `${out.length}; the gzip file is corrupt or truncated`,
      );
    }
  }
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
