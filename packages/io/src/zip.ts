import { inflateSync, zipSync } from 'fflate';
import { ModelFileError } from './errors.js';

let table: Uint32Array | undefined;

/** CRC-32 (the zip polynomial) of bytes. */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** True when bytes start like a zip archive. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/**
 * Reads a zip archive (stored or deflated entries), checking every offset, size and
 * CRC-32: a truncated or altered archive fails with a `corrupt` ModelFileError.
 * @returns the entries by name.
 */
export function readZip(bytes: Uint8Array, options: { file?: string; maxEntryBytes?: number } = {}): Map<string, Uint8Array> {
  const file = options.file;
  const corrupt = (why: string) => new ModelFileError('corrupt', `the zip archive is corrupted or truncated: ${why}`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (u32(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw corrupt('no end-of-archive record');
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ModelFileError('unsupported', 'zip64 archives are not supported', { file });
  if (cdOffset + cdSize > eocd) throw corrupt('the central directory lies outside the archive');
  const maxEntry = options.maxEntryBytes ?? Math.max(64 * bytes.length, 1 << 24);
  const out = new Map<string, Uint8Array>();
  let at = cdOffset;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || u32(at) !== 0x02014b50) throw corrupt(`entry ${i} of the central directory is damaged`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    const compSize = u32(at + 20);
    const size = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    const local = u32(at + 42);
    if (at + 46 + nameLen > eocd) throw corrupt(`entry ${i} has a name past the directory`);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new ModelFileError('unsupported', `zip entry '${name}' is encrypted`, { file });
    if (local + 30 > bytes.length || u32(local) !== 0x04034b50) throw corrupt(`the header of '${name}' is damaged`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + compSize > bytes.length) throw corrupt(`'${name}' ends past the archive`);
    if (size > maxEntry) throw corrupt(`'${name}' claims ${size} bytes`);
    const raw = bytes.subarray(start, start + compSize);
    let data: Uint8Array;
    if (method === 0) {
      if (compSize !== size) throw corrupt(`stored entry '${name}' has two sizes (${compSize}, ${size})`);
      data = raw;
    } else if (method === 8) {
      try {
        data = inflateSync(raw, { out: new Uint8Array(size) });
      } catch (e) {
        throw corrupt(`'${name}' does not inflate (${(e as Error).message})`);
      }
      if (data.length !== size) throw corrupt(`'${name}' inflates to ${data.length} bytes, not ${size}`);
    } else {
      throw new ModelFileError('unsupported', `zip entry '${name}' uses compression method ${method}`, { file });
    }
    if (crc32(data) !== crc) throw corrupt(`'${name}' fails its CRC-32 check`);
    if (!name.endsWith('/')) out.set(name, data);
  }
  return out;
}

/** A zip archive of stored (uncompressed) entries, in the given order, as Keras writes `.keras` files. */
export function writeZip(entries: ReadonlyArray<readonly [string, Uint8Array]>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  const mtime = new Date(1980, 0, 1);
  for (const [name, data] of entries) files[name] = [data, { level: 0, mtime }];
  return zipSync(files);
}
