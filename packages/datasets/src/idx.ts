import { DatasetError } from './errors.js';
import { maybeGunzip } from './gzip.js';

/**
 * A parsed IDX file: its dimensions and its values, row-major.
 * @example
 * ```ts
 * const { shape, data }: IdxArray = readIdx(bytes, 'train-images-idx3-ubyte');
 * ```
 */
export interface IdxArray {
  /** The dimensions from the header, e.g. `[60000, 28, 28]`. */
  shape: number[];
  /** The values after the header (a view into the decompressed bytes, not a copy). */
  data: Uint8Array;
}

/** IDX element types by their type byte; only unsigned bytes are read. */
const IDX_TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * Parses an IDX file (the format of MNIST and Fashion-MNIST), gzipped or raw.
 *
 * Gzipped input (it starts with `1f 8b`) is decompressed first. The header is checked: two zero
 * bytes, the type byte (only `0x08`, unsigned byte, is supported), the number of dimensions, and
 * that the byte count is exactly what the dimensions promise.
 *
 * @param bytes - the file's bytes.
 * @param name - the file's name or path, used in error messages.
 * @returns the dimensions and the values (a view into the decompressed bytes).
 * @throws {@link DatasetError} for corrupt gzip, a bad magic number, an unsupported type or a
 *   truncated or overlong file; the message names the file and the expected and found values.
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const { shape, data } = readIdx(await readFile('t10k-labels-idx1-ubyte.gz'), 't10k-labels-idx1-ubyte.gz');
 * shape; // [10000]
 * data[0]; // 7
 * ```
 */
export function readIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  return parseIdx(maybeGunzip(bytes, name), name);
}

/** @internal Parses uncompressed IDX bytes. */
export function parseIdx(raw: Uint8Array, name: string): IdxArray {
  if (raw.length < 4) {
    throw new DatasetError(`${name}: expected an IDX header of at least 4 bytes but found ${raw.length} bytes`);
  }
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new DatasetError(
      `${name}: expected the IDX magic number 00 00 <type> <dims> but found ` +
        `${[...raw.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}; not an IDX file`,
    );
  }
  const type = raw[2];
  if (type !== 0x08) {
    const known = IDX_TYPES[type];
    throw new DatasetError(
      `${name}: expected IDX type 0x08 (unsigned byte) but found ${hex(type)} ` +
        (known ? `(${known}), which is not supported` : '(not an IDX type)'),
    );
  }
  const rank = raw[3];
  if (rank === 0) throw new DatasetError(`${name}: expected at least 1 dimension in the IDX header but found 0`);
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) {
    throw new DatasetError(
      `${name}: expected ${headerBytes} header bytes for ${rank} dimensions but found ${raw.length} bytes in all`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    size *= d;
  }
  const expected = headerBytes + size;
  if (raw.length !== expected) {
    throw new DatasetError(
      `${name}: expected ${expected} bytes (header ${headerBytes} + ${shape.join('x')} values) but found ${raw.length}; ` +
        (raw.length < expected ? 'the file is truncated' : 'the file has trailing bytes'),
    );
  }
  return { shape, data: raw.subarray(headerBytes) };
}

/**
 * Writes an unsigned-byte IDX file (uncompressed): the inverse of {@link readIdx}.
 * Handy for test fixtures and for saving subsets in the MNIST format.
 *
 * @param shape - the dimensions; their product must equal `data.length`.
 * @param data - the values, row-major.
 * @example
 * ```ts
 * const bytes = writeIdx([2, 2, 2], new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
 * readIdx(bytes).shape; // [2, 2, 2]
 * ```
 */
export function writeIdx(shape: readonly number[], data: Uint8Array): Uint8Array {
  if (shape.length < 1 || shape.length > 255) {
    throw new DatasetError(`writeIdx: expected 1 to 255 dimensions but found ${shape.length}`);
  }
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new DatasetError(`writeIdx: expected dimensions that are integers in [0, 2^32) but found [${shape.join(', ')}]`);
    }
    size *= d;
  }
  if (size !== data.length) {
    throw new DatasetError(`writeIdx: shape [${shape.join(', ')}] needs ${size} values but found ${data.length}`);
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + size);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}
