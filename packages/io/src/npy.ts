import { ModelFileError } from './errors.js';

/** A numpy array read from a `.npy` file. */
export interface NpyArray {
  /** numpy's dtype string, e.g. `<f4`, `|u1`, `<f8`. */
  dtype: string;
  shape: number[];
  /** The values, row-major (C order). */
  data: Float32Array | Float64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
}

const TYPES: Record<string, [number, (b: ArrayBuffer, n: number) => NpyArray['data']]> = {
  f4: [4, (b, n) => new Float32Array(b, 0, n)],
  f8: [8, (b, n) => new Float64Array(b, 0, n)],
  u1: [1, (b, n) => new Uint8Array(b, 0, n)],
  i1: [1, (b, n) => new Int8Array(b, 0, n)],
  b1: [1, (b, n) => new Uint8Array(b, 0, n)],
  i2: [2, (b, n) => new Int16Array(b, 0, n)],
  u2: [2, (b, n) => new Uint16Array(b, 0, n)],
  i4: [4, (b, n) => new Int32Array(b, 0, n)],
  u4: [4, (b, n) => new Uint32Array(b, 0, n)],
};

/**
 * Reads a numpy `.npy` file (format 1.0-3.0): little-endian (or single-byte) numbers in C
 * order — float32, float64, int8/16/32, uint8/16/32, bool.
 * @throws ModelFileError for anything else or a damaged file.
 * @example
 * ```ts
 * const { shape, data } = parseNpy(readFileSync('x.npy'));
 * const x = tensor(data, shape);
 * ```
 */
export function parseNpy(bytes: Uint8Array, file?: string): NpyArray {
  const bad = (why: string) => new ModelFileError('corrupt', `not a valid .npy file: ${why}`, { file });
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw bad('no NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw bad('the header runs past the end');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw bad(`cannot parse the header ${header.trim()}`);
  if (fortran === 'True') throw new ModelFileError('unsupported', '.npy arrays in Fortran order are not supported', { file });
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`bad shape (${shapeText})`);
  const endian = descr[0];
  const code = descr.slice(1);
  const type = TYPES[code];
  if (!type || (endian === '>' && type[0] > 1)) throw new ModelFileError('unsupported', `.npy dtype '${descr}' is not supported`, { file });
  const n = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (dataStart + n * type[0] > bytes.length) throw bad(`expected ${n * type[0]} bytes of data but found ${bytes.length - dataStart}`);
  const copy = bytes.slice(dataStart, dataStart + n * type[0]).buffer;
  return { dtype: descr, shape, data: type[1](copy, n) };
}
