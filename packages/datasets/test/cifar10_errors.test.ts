import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChecksumError, DatasetError, cifar10 } from '../src/index.js';
import { FOLDER, RECORD, concat, fixtureFiles, fixtureTar, fixtureTarGz, record, writeFixtureDir } from './cifar10_fixture.js';
import { tempDir } from './helpers.js';

const GIVEN = 'cifar-10-binary.tar.gz (given as bytes)';

async function failure(promise: Promise<unknown>): Promise<Error> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DatasetError);
  return e as Error;
}

describe('cifar10: bad input gets a clear error naming the file or member', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('a batch whose size is not a multiple of 3073: record size expected, bytes found', async () => {
    const files = fixtureFiles();
    const big = new Uint8Array(10000 * RECORD + 5); // past the official size, so not truncation
    files.set('data_batch_2.bin', big);
    await writeFixtureDir(dir, files);
    const e = await failure(cifar10.loadRaw({ source: dir }));
    expect(e.message).toBe(
      `${path.join(dir, 'data_batch_2.bin')}: expected a whole number of 3073-byte records (1 label byte + 3072 pixel bytes) ` +
        'but found 30730005 bytes: 10000 whole records and 5 bytes over, from byte offset 30730000; it is not a CIFAR-10 binary batch',
    );
  });

  it('a truncated batch: the official 30730000 bytes expected, the bytes found; in an archive, the member is named', async () => {
    const files = fixtureFiles();
    files.set('test_batch.bin', files.get('test_batch.bin')!.subarray(0, 3 * RECORD - 100));
    const e = await failure(cifar10.loadRaw({ source: fixtureTarGz(files) }));
    expect(e.message).toBe(
      `${FOLDER}/test_batch.bin in ${GIVEN}: expected 30730000 bytes (10000 records of 3073 bytes) but found 9119 bytes: ` +
        '2 whole records and 2973 bytes over; the file is truncated: record 2 starts at byte offset 6146 and holds 2973 of its 3073 bytes ' +
        '(a batch with fewer records is accepted only when its size is a multiple of 3073)',
    );
    files.set('test_batch.bin', new Uint8Array(0));
    await writeFixtureDir(dir, files);
    expect((await failure(cifar10.loadRaw({ source: dir }))).message).toBe(
      `${path.join(dir, 'test_batch.bin')}: expected 3073-byte records (1 label byte + 3072 pixel bytes) but the file is empty (0 bytes)`,
    );
  });

  it('a label byte above 9: the record, its byte offset and the label', async () => {
    const files = fixtureFiles();
    const batch = files.get('data_batch_4.bin')!.slice();
    batch[RECORD] = 10; // record 1's label
    files.set('data_batch_4.bin', batch);
    const e = await failure(cifar10.loadData({ source: fixtureTarGz(files) }));
    expect(e.message).toBe(`${FOLDER}/data_batch_4.bin in ${GIVEN}: expected labels 0..9 but record 1 (byte 3073) has label 10`);
    const bad = concat([record(3, () => 0), record(255, () => 0)]);
    files.set('data_batch_4.bin', bad);
    await writeFixtureDir(dir, files);
    await expect(cifar10.loadRaw({ source: dir })).rejects.toThrow(`${path.join(dir, 'data_batch_4.bin')}: expected labels 0..9 but record 1 (byte 3073) has label 255`);
  });

  it('missing archive members: which are missing, and what the archive holds', async () => {
    const files = fixtureFiles();
    files.delete('data_batch_3.bin');
    files.delete('test_batch.bin');
    const e = await failure(cifar10.loadRaw({ source: fixtureTarGz(files) }));
    expect(e.message).toBe(
      `${GIVEN}: expected the archive to hold ${FOLDER}/data_batch_3.bin, ${FOLDER}/test_batch.bin (with or without the folder) ` +
        `but they are missing; found ${FOLDER}/readme.html, ${FOLDER}/data_batch_1.bin, ${FOLDER}/data_batch_2.bin, ` +
        `${FOLDER}/data_batch_4.bin, ${FOLDER}/data_batch_5.bin, ${FOLDER}/batches.meta.txt`,
    );
    // Members in another folder are not taken for CIFAR-10's.
    await expect(cifar10.loadRaw({ source: fixtureTarGz(fixtureFiles(), 'other/') })).rejects.toThrow(
      /but they are missing; found other\/readme\.html, other\/data_batch_1\.bin/,
    );
  });

  it('missing files in a directory: which are missing, and what the directory holds', async () => {
    const files = fixtureFiles();
    files.delete('data_batch_5.bin');
    await writeFixtureDir(path.join(dir, FOLDER), files);
    await writeFile(path.join(dir, FOLDER, 'notes.txt'), 'x');
    // The parent of cifar-10-batches-bin/ is looked into, so the message names the folder.
    expect((await failure(cifar10.loadRaw({ source: dir }))).message).toBe(
      `cifar10: expected the CIFAR-10 batch files in ${path.join(dir, FOLDER)} but data_batch_5.bin is missing; found ` +
        'batches.meta.txt, data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, notes.txt, test_batch.bin',
    );
    await mkdir(path.join(dir, 'empty'));
    await expect(cifar10.loadRaw({ source: path.join(dir, 'empty') })).rejects.toThrow(
      /data_batch_1\.bin, data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin, test_batch\.bin are missing; found nothing \(it is empty\)$/,
    );
    await expect(cifar10.loadRaw({ source: path.join(dir, 'nope') })).rejects.toThrow(
      `cifar10: expected source to be cifar-10-binary.tar.gz or a directory of the extracted ${FOLDER}/ files but ${path.join(dir, 'nope')} does not exist`,
    );
    await expect(cifar10.loadRaw(undefined as never)).rejects.toThrow(/cifar10: expected \{source\}: .* but none was given/);
  });

  it('not a gzip or tar: the magic found; a gzip of something else; truncated archives', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 1, 2]);
    const file = path.join(dir, 'cifar-10-binary.zip');
    await writeFile(file, zip);
    expect((await failure(cifar10.loadRaw({ source: file }))).message).toBe(
      `${file}: expected cifar-10-binary.tar.gz (gzip, starting 1f 8b) or its .tar (a tar header) but found 12 bytes starting 50 4b 03 04 14 00 00 00 …`,
    );
    expect((await failure(cifar10.loadRaw({ source: new Uint8Array(0) }))).message).toMatch(/but found 0 bytes starting \(nothing: the input is empty\)$/);
    const notTar = gzipSync(new TextEncoder().encode('airplane\n'.repeat(100)));
    expect((await failure(cifar10.loadRaw({ source: notTar }))).message).toBe(
      `${GIVEN} (decompressed): expected a tar archive (a 512-byte header whose checksum matches) but found 900 bytes ` +
        'starting 61 69 72 70 6c 61 6e 65 …; it is not a CIFAR-10 archive',
    );
    const gz = fixtureTarGz();
    await expect(cifar10.loadRaw({ source: gz.subarray(0, gz.length >> 1) })).rejects.toThrow(
      new RegExp(`^${escape(GIVEN)}: expected a complete gzip stream but inflating its \\d+ bytes failed .*; the gzip file is corrupt or truncated$`),
    );
    const tar = fixtureTar();
    const cut = path.join(dir, 'cifar-10-binary.tar');
    await writeFile(cut, tar.subarray(0, 4 * 512 + 3073 * 2)); // inside data_batch_1.bin's data
    await expect(cifar10.loadRaw({ source: cut })).rejects.toThrow(
      new RegExp(`^${escape(cut)}: expected a complete tar archive but reading its 8194 bytes failed .*; the archive is truncated or corrupt$`),
    );
  });

  it('batches.meta.txt with other than 10 names', async () => {
    const files = fixtureFiles('airplane\nautomobile\nbird\n');
    await expect(cifar10.loadRaw({ source: fixtureTarGz(files) })).rejects.toThrow(
      `${FOLDER}/batches.meta.txt in ${GIVEN}: expected 10 class names, one per line, but found 3: ["airplane","automobile","bird"]`,
    );
  });

  it('md5: an archive of the official size is checked against c32a1d4a…, any other size is not', async () => {
    expect(cifar10.ARCHIVE).toEqual({ bytes: 170_052_171, md5: 'c32a1d4ab5d03f1284b67883e8d87530' });
    const fake = new Uint8Array(cifar10.ARCHIVE.bytes);
    fake.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0b111]); // gzip header, then a deflate block of the reserved type
    const e = await cifar10.loadRaw({ source: fake }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ChecksumError);
    const c = e as ChecksumError;
    expect([c.file, c.expected]).toEqual([GIVEN, 'c32a1d4ab5d03f1284b67883e8d87530']);
    expect(c.message).toBe(
      `${GIVEN}: md5 of the archive should be c32a1d4ab5d03f1284b67883e8d87530 but is ${c.found}; ` +
        'the file is corrupt or not the published one (pass {verify: false} to load a modified copy)',
    );
    // verify: false skips the hash; the bytes then fail as gzip.
    const skipped = await failure(cifar10.loadRaw({ source: fake, verify: false }));
    expect(skipped).not.toBeInstanceOf(ChecksumError);
    expect(skipped.message).toMatch(/expected a complete gzip stream/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
