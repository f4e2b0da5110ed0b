import { writeFileSync } from 'node:fs';
import { ScaleError } from './errors.js';

/** The typed arrays {@link encodeNpy} writes, with numpy's dtype for each. */
export type NpyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

function descr(data: NpyTypedArray): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  return '<u4';
}

/**
 * A numpy `.npy` file (format 1.0, C order, little-endian) holding `data` with `shape`: a
 * data shard that `np.load` reads (and `@tessera/io`'s `parseNpy`).
 * @throws {@link ScaleError} `bad_spec` when the shape does not hold the data.
 * @example
 * ```ts
 * writeFileSync('x0.npy', encodeNpy(images, [1000, 28, 28]));
 * ```
 */
export function encodeNpy(data: NpyTypedArray, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new ScaleError('bad_spec', `encodeNpy: shape [${shape.join(', ')}] holds ${count} values but the array has ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr(data)}', 'fortran_order': False, 'shape': (${dims}), }`;
  // The magic, version and length take 10 bytes; the header is padded so the data starts on 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + head.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length & 0xff, head.length >> 8]);
  out.set(head, 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + head.length);
  return out;
}

/**
 * Writes a `.npy` file (see {@link encodeNpy}).
 * @example
 * ```ts
 * writeNpy('shards/y0.npy', labels, [labels.length]);
 * ```
 */
export function writeNpy(path: string, data: NpyTypedArray, shape: readonly number[]): void {
  writeFileSync(path, encodeNpy(data, shape));
}
