import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetError, cifar10 } from '../src/index.js';
import { countRecords } from '../src/cifar10_format.js';
import { RECORD, fixtureFiles, writeFixtureDir } from './cifar10_fixture.js';
import { tempDir } from './helpers.js';

describe('cifar10: records must be whole, and a batch holds at most 10000', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('a file cut inside a record names the record and the byte offset where it starts', () => {
    expect(() => countRecords(new Uint8Array(3 * RECORD - 100), 'test_batch.bin')).toThrow(DatasetError);
    expect(() => countRecords(new Uint8Array(3 * RECORD - 100), 'test_batch.bin')).toThrow(
      /^test_batch\.bin: .*record 2 starts at byte offset 6146 and holds 2973 of its 3073 bytes/,
    );
  });

  it('a file with bytes past its last whole record names the offset of the extra bytes', () => {
    expect(() => countRecords(new Uint8Array(10000 * RECORD + 5), 'data_batch_2.bin')).toThrow(/from byte offset 30730000/);
  });

  it('a batch of more than 10000 whole records is refused (it would change the number of examples)', async () => {
    const files = fixtureFiles();
    files.set('data_batch_1.bin', new Uint8Array(10001 * RECORD));
    await writeFixtureDir(dir, files);
    const e = await cifar10.loadRaw({ source: dir }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(e).toBeInstanceOf(DatasetError);
    expect(e!.message).toBe(
      `${path.join(dir, 'data_batch_1.bin')}: expected at most 10000 records (30730000 bytes) but found 10001 records (30733073 bytes); ` +
        'the extra data starts at byte offset 30730000: it is not one CIFAR-10 binary batch',
    );
  });

  it('a batch short by whole records beside full batches is refused (records would be dropped silently)', async () => {
    const files = fixtureFiles();
    for (const name of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) {
      files.set(name, new Uint8Array(10000 * RECORD));
    }
    files.set('data_batch_3.bin', new Uint8Array(9999 * RECORD));
    await writeFixtureDir(dir, files);
    const e = await cifar10.loadRaw({ source: dir }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(e).toBeInstanceOf(DatasetError);
    expect(e!.message).toMatch(/data_batch_3\.bin: expected 10000 records \(30730000 bytes\), as .*data_batch_1\.bin holds, but found 9999 \(30726927 bytes\): the file ends at byte offset 30726927/);
  }, 60_000);
});
