import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChecksumError, DatasetError, digits, fashionMnist, mnist, writeIdx } from '../src/index.js';
import { DEBIAN_DIRECTORY } from '../src/fashion_mnist.js';
import { fakeImages, tempDir, writeMnistFixture } from './helpers.js';

// Small fixtures written here, in the temp dir: never copies of the real data.
describe('MNIST-format loaders: bad input gets a clear error naming the file', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('loads a well-formed fixture (gzipped or raw) when verification is off', async () => {
    await writeMnistFixture(dir, {}, true);
    const raw = await mnist.loadRaw({ source: dir, verify: false });
    expect(raw.train.count).toBe(3);
    expect(raw.test.count).toBe(2);
    expect([...raw.train.labels]).toEqual([5, 0, 9]);
    expect([...raw.test.images.subarray(0, 784)]).toEqual([...fakeImages(1)]);
    const { dir: rawDir, cleanup: c2 } = await tempDir();
    try {
      await writeMnistFixture(rawDir, {}, false);
      const same = await fashionMnist.loadRaw({ source: rawDir, verify: false });
      expect([...same.test.labels]).toEqual([7, 2]);
    } finally {
      await c2();
    }
  });

  it('md5 mismatch: names the file, the expected and the found md5', async () => {
    await writeMnistFixture(dir);
    const file = path.join(dir, 'train-images-idx3-ubyte.gz');
    const err = await mnist.loadRaw({ source: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err).toBeInstanceOf(DatasetError);
    const e = err as ChecksumError;
    expect([e.file, e.expected]).toEqual([file, '6bbc9ace898e44ae57da46a324031adb']);
    expect(e.found).toMatch(/^[0-9a-f]{32}$/);
    expect(e.message).toBe(
      `${file}: md5 of the decompressed content should be 6bbc9ace898e44ae57da46a324031adb but is ${e.found}; ` +
        'the file is corrupt or not the published one (pass {verify: false} to load a modified copy)',
    );
    // Fashion-MNIST's table is its own: the same file names, other checksums.
    await expect(fashionMnist.loadRaw({ source: dir })).rejects.toThrow(/should be f4a8712d7a061bf5bd6d2ca38dc4d50a/);
  });

  it('missing file: says which names were looked for, and where', async () => {
    await writeMnistFixture(dir, { 't10k-labels-idx1-ubyte': null });
    const gz = path.join(dir, 't10k-labels-idx1-ubyte.gz');
    const plain = path.join(dir, 't10k-labels-idx1-ubyte');
    await expect(mnist.loadRaw({ source: dir, verify: false })).rejects.toThrow(
      `mnist: expected file t10k-labels-idx1-ubyte.gz or t10k-labels-idx1-ubyte in ${dir} but found neither (looked for ${gz}, ${plain})`,
    );
    await expect(mnist.loadRaw({ source: path.join(dir, 'nope') })).rejects.toThrow(
      /mnist: expected source to be a directory holding .* but .*nope does not exist/,
    );
    await writeFile(path.join(dir, 'file'), 'x');
    await expect(mnist.loadRaw({ source: path.join(dir, 'file') })).rejects.toThrow(/is not a directory/);
  });

  it('truncated image file: expected N bytes, found M, with the path', async () => {
    const full = writeIdx([3, 28, 28], fakeImages(3));
    await writeMnistFixture(dir, { 'train-images-idx3-ubyte': full.subarray(0, full.length - 500) }, false);
    const file = path.join(dir, 'train-images-idx3-ubyte');
    await expect(mnist.loadData({ source: dir, verify: false })).rejects.toThrow(
      `${file}: expected 2368 bytes (header 16 + 3x28x28 values) but found 1868; the file is truncated`,
    );
  });

  it('label count different from image count', async () => {
    await writeMnistFixture(dir, { 't10k-labels-idx1-ubyte': writeIdx([3], new Uint8Array([1, 2, 3])) });
    await expect(mnist.loadRaw({ source: dir, verify: false })).rejects.toThrow(
      `mnist: expected as many labels as images but ${path.join(dir, 't10k-labels-idx1-ubyte.gz')} has 3 labels and ` +
        `${path.join(dir, 't10k-images-idx3-ubyte.gz')} has 2 images`,
    );
  });

  it('wrong magic, corrupt gzip, wrong image size and labels out of range', async () => {
    const root = dir;
    let n = 0;
    const sub = async (): Promise<string> => {
      const d = path.join(root, `case${n++}`);
      await mkdir(d);
      return d;
    };
    dir = await sub();
    await writeMnistFixture(dir, { 'train-labels-idx1-ubyte': new TextEncoder().encode('<html>not found</html>') }, false);
    await expect(mnist.loadRaw({ source: dir, verify: false })).rejects.toThrow(
      `${path.join(dir, 'train-labels-idx1-ubyte')}: expected the IDX magic number 00 00 <type> <dims> but found 3c 68 74 6d; not an IDX file`,
    );

    const gz = gzipSync(writeIdx([2, 28, 28], fakeImages(2)));
    dir = await sub();
    await writeMnistFixture(dir, { 't10k-images-idx3-ubyte': gz.subarray(0, gz.length - 30) });
    await expect(mnist.loadRaw({ source: dir, verify: false })).rejects.toThrow(
      new RegExp(`^${path.join(dir, 't10k-images-idx3-ubyte.gz')}: expected .* the gzip file is corrupt or truncated$`),
    );

    dir = await sub();
    await writeMnistFixture(dir, { 't10k-images-idx3-ubyte': writeIdx([2, 20, 20], fakeImages(2, 20, 20)) });
    await expect(mnist.loadRaw({ source: dir, verify: false })).rejects.toThrow(
      `mnist: ${path.join(dir, 't10k-images-idx3-ubyte.gz')}: expected images of shape [n, 28, 28] but found [2, 20, 20]`,
    );

    dir = await sub();
    await writeMnistFixture(dir, { 'train-labels-idx1-ubyte': writeIdx([3], new Uint8Array([1, 12, 3])) });
    await expect(mnist.loadRaw({ source: dir, verify: false })).rejects.toThrow(
      `mnist: ${path.join(dir, 'train-labels-idx1-ubyte.gz')}: expected labels 0..9 but label 1 is 12`,
    );
  });

  it.skipIf(process.platform === 'win32')('an unreadable file is an error naming it', async () => {
    await writeMnistFixture(dir);
    // A directory where a file should be: reading it fails with EISDIR, not "missing".
    await mkdir(path.join(dir, 'x-idx1-ubyte.gz'));
    const { readFromSource } = await import('../src/source.js');
    await expect(readFromSource(dir, ['x-idx1-ubyte.gz'], 'mnist')).rejects.toThrow(
      new RegExp(`mnist: expected to read ${path.join(dir, 'x-idx1-ubyte.gz')} but it failed: EISDIR`),
    );
  });

  // Where Debian's dataset-fashion-mnist is installed, it is the default source instead.
  it.skipIf(existsSync(DEBIAN_DIRECTORY))('fashionMnist without a source says where it looked', async () => {
    await expect(fashionMnist.loadRaw()).rejects.toThrow(
      `fashionMnist: expected {source}: a directory (or, in browsers, a URL prefix) with the four Fashion-MNIST IDX files ` +
        `(train-images-idx3-ubyte.gz, ...); none was given and ${DEBIAN_DIRECTORY} (Debian's dataset-fashion-mnist) is not there`,
    );
  });
});

describe('digits loader: bad input', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  const row = (label: number, pixel = 3): string => [...new Array(64).fill(pixel), label].join(',');

  it('parses a small fixture, gzipped or raw, from a directory or a file path', async () => {
    const text = `${row(1)}\n${row(9, 16)}\n`;
    await writeFile(path.join(dir, 'digits.csv.gz'), gzipSync(new TextEncoder().encode(text)));
    const raw = await digits.loadRaw({ source: dir });
    expect(raw.count).toBe(2);
    expect([...raw.labels]).toEqual([1, 9]);
    expect(raw.pixels[64]).toBe(16);
    await writeFile(path.join(dir, 'mine.csv'), text.replace(/\n/g, '\r\n'));
    expect((await digits.loadRaw({ source: path.join(dir, 'mine.csv') })).count).toBe(2);
  });

  it('rejects bad rows, values out of range, and a missing source', async () => {
    const file = path.join(dir, 'digits.csv');
    await writeFile(file, `${row(1)}\n${row(2).replace(/,2$/, '')}\n`);
    await expect(digits.loadRaw({ source: dir })).rejects.toThrow(
      `${file} line 2: expected 65 comma-separated values (64 pixels, then the label) but found 64`,
    );
    await writeFile(file, `${row(1)}\n${row(1, 17)}\n`);
    await expect(digits.loadRaw({ source: file })).rejects.toThrow(`${file} line 2: expected pixel 0 to be an integer 0..16 but found "17"`);
    await writeFile(file, row(10));
    await expect(digits.loadRaw({ source: file })).rejects.toThrow(`${file} line 1: expected the label to be an integer 0..9 but found "10"`);
    await writeFile(file, row(1, 2.5));
    await expect(digits.loadRaw({ source: file })).rejects.toThrow(/expected pixel 0 to be an integer 0\.\.16 but found "2\.5"/);
    await writeFile(file, '\n\n');
    await expect(digits.loadRaw({ source: file })).rejects.toThrow(`${file}: expected rows of 65 comma-separated values but found no rows`);
    await expect(digits.loadRaw({ source: path.join(dir, 'gone') })).rejects.toThrowError(DatasetError);
    await expect(digits.loadRaw(undefined as never)).rejects.toThrow('digits: expected {source}');
  });
});
