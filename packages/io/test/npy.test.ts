import { describe, expect, it } from 'vitest';
import { ModelFileError, parseNpy } from '../src/index.js';

function npy(descr: string, shape: number[], data: ArrayBufferView, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

describe('parseNpy', () => {
  it('reads float32, float64 and uint8 arrays in C order', () => {
    const f = parseNpy(npy('<f4', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6])));
    expect(f.shape).toEqual([2, 3]);
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parseNpy(npy('<f8', [2], new Float64Array([0.1, 0.2]))).data).toEqual(new Float64Array([0.1, 0.2]));
    expect(parseNpy(npy('|u1', [3], new Uint8Array([0, 128, 255]))).data).toEqual(new Uint8Array([0, 128, 255]));
    expect(parseNpy(npy('<f4', [], new Float32Array([7]))).shape).toEqual([]);
  });

  it('rejects what it cannot read with typed errors', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3]))).toThrow(ModelFileError);
    expect(() => parseNpy(npy('>f4', [1], new Float32Array([1])))).toThrow(/not supported/);
    expect(() => parseNpy(npy('<f4', [2, 2], new Float32Array([1, 2]), true))).toThrow(/Fortran/);
    expect(() => parseNpy(npy('<f4', [4], new Float32Array([1, 2])))).toThrow(/expected 16 bytes/);
  });
});
