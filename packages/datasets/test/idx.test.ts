import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError, readIdx, writeIdx } from '../src/index.js';
import { fakeImages } from './helpers.js';

describe('readIdx', () => {
  it('reads raw and gzipped ubyte IDX, as writeIdx wrote it', () => {
    const data = fakeImages(4, 3, 2);
    const bytes = writeIdx([4, 3, 2], data);
    expect(bytes.length).toBe(4 + 3 * 4 + 24);
    expect([...bytes.subarray(0, 8)]).toEqual([0, 0, 8, 3, 0, 0, 0, 4]);
    for (const input of [bytes, gzipSync(bytes)]) {
      const idx = readIdx(input, 'x.idx');
      expect(idx.shape).toEqual([4, 3, 2]);
      expect([...idx.data]).toEqual([...data]);
    }
  });

  it('reads big-endian dimensions above 255', () => {
    const idx = readIdx(writeIdx([300], new Uint8Array(300).fill(9)));
    expect(idx.shape).toEqual([300]);
    expect(idx.data.length).toBe(300);
  });

  it('rejects a wrong magic number, naming the file and the bytes found', () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 0]);
    expect(() => readIdx(bytes, 'train-images-idx3-ubyte')).toThrowError(DatasetError);
    expect(() => readIdx(bytes, 'train-images-idx3-ubyte')).toThrow(
      /train-images-idx3-ubyte: expected the IDX magic number 00 00 <type> <dims> but found 50 4b 03 04/,
    );
  });

  it('rejects IDX types other than unsigned byte, naming the type', () => {
    const bytes = writeIdx([1], new Uint8Array([0]));
    bytes[2] = 0x0d;
    expect(() => readIdx(bytes, 'f.idx')).toThrow(/f\.idx: expected IDX type 0x08 \(unsigned byte\) but found 0x0d \(float32\)/);
    bytes[2] = 0x42;
    expect(() => readIdx(bytes, 'f.idx')).toThrow(/found 0x42 \(not an IDX type\)/);
  });

  it('rejects a truncated file: expected N bytes, found M', () => {
    const bytes = writeIdx([10, 28, 28], fakeImages(10));
    const cut = bytes.subarray(0, bytes.length - 100);
    expect(() => readIdx(cut, 'train-images-idx3-ubyte')).toThrow(
      'train-images-idx3-ubyte: expected 7856 bytes (header 16 + 10x28x28 values) but found 7756; the file is truncated',
    );
    expect(() => readIdx(gzipSync(cut), 'a.gz')).toThrow(/a\.gz: expected 7856 bytes .* found 7756/);
  });

  it('rejects trailing bytes, a short header and zero dimensions', () => {
    const bytes = writeIdx([2], new Uint8Array([1, 2]));
    const long = new Uint8Array(bytes.length + 1);
    long.set(bytes);
    expect(() => readIdx(long, 'l')).toThrow('l: expected 10 bytes (header 8 + 2 values) but found 11; the file has trailing bytes');
    expect(() => readIdx(bytes.subarray(0, 6), 'h')).toThrow('h: expected 8 header bytes for 1 dimensions but found 6 bytes in all');
    expect(() => readIdx(new Uint8Array([0, 0, 8]), 's')).toThrow('s: expected an IDX header of at least 4 bytes but found 3 bytes');
    expect(() => readIdx(new Uint8Array([0, 0, 8, 0]), 'z')).toThrow('z: expected at least 1 dimension');
  });

  it('rejects corrupt and truncated gzip, naming the file', () => {
    const gz = gzipSync(writeIdx([50, 28, 28], fakeImages(50)), { level: 9 });
    expect(() => readIdx(gz.subarray(0, gz.length >> 1), 'cut.gz')).toThrow(
      /^cut\.gz: expected a complete gzip stream but inflating its \d+ bytes failed \(unexpected EOF\); the gzip file is corrupt or truncated$/,
    );
    const flipped = gz.slice();
    for (let i = 20; i < 60; i++) flipped[i] ^= 0xa5;
    expect(() => readIdx(flipped, 'bad.gz')).toThrowError(DatasetError);
    expect(() => readIdx(flipped, 'bad.gz')).toThrow(/^bad\.gz: /);
  });

  it('checks the gzip trailer length, so a damaged trailer cannot pass for a good file', () => {
    const gz = gzipSync(writeIdx([2], new Uint8Array([1, 2])));
    gz[gz.length - 4] ^= 1;
    expect(() => readIdx(gz, 't.gz')).toThrow(
      "t.gz: expected 11 decompressed bytes (the gzip trailer's length, mod 2^32) but inflating gave 10; the gzip file is corrupt or truncated",
    );
  });

  it('writeIdx checks its arguments', () => {
    expect(() => writeIdx([2, 2], new Uint8Array(3))).toThrow('writeIdx: shape [2, 2] needs 4 values but found 3');
    expect(() => writeIdx([], new Uint8Array(0))).toThrow('writeIdx: expected 1 to 255 dimensions but found 0');
    expect(() => writeIdx([1.5], new Uint8Array(1))).toThrowError(DatasetError);
  });
});
