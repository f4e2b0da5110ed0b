import '@tessera/cpu-backend';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ValueError, dispose, memory } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifar10, type RawCifar10 } from '../src/index.js';
import { parseClassNames } from '../src/cifar10_format.js';
import { isTar, readTar } from '../src/tar.js';
import {
  FOLDER, N_TRAIN, OFFICIAL_META, TEST_COUNT, TRAIN_COUNTS, concat, fixtureFiles, fixtureTar, fixtureTarGz, hwc, pixel,
  record, testLabel, testSeed, trainLabel, writeFixtureDir,
} from './cifar10_fixture.js';
import { tempDir } from './helpers.js';

/** The same examples, labels and class names (byte arrays compared with Buffer.compare: fast). */
function expectSame(a: RawCifar10, b: RawCifar10, what: string): void {
  expect([a.train.count, a.test.count, a.classNames], what).toEqual([b.train.count, b.test.count, b.classNames]);
  for (const split of ['train', 'test'] as const) {
    expect(Buffer.compare(a[split].images, b[split].images), `${what}: ${split} images`).toBe(0);
    expect(Buffer.compare(a[split].labels, b[split].labels), `${what}: ${split} labels`).toBe(0);
  }
}

// Fixtures in the official binary format, written here (the real CIFAR-10 is not available).
describe('cifar10: fixtures in the official binary format', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let extracted: string; // <root>/cifar-10-batches-bin, as `tar xzf` leaves it
  let tarGz: string;
  let raw: RawCifar10;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir());
    extracted = path.join(root, FOLDER);
    await writeFixtureDir(extracted);
    tarGz = path.join(root, 'cifar-10-binary.tar.gz');
    await writeFile(tarGz, fixtureTarGz());
    raw = await cifar10.loadRaw({ source: extracted });
  });
  afterAll(() => cleanup());

  it('loadRaw: counts, sizes and labels, training batches in order 1..5', () => {
    expect(raw.train.count).toBe(N_TRAIN);
    expect(raw.test.count).toBe(TEST_COUNT);
    expect(raw.train.images.length).toBe(N_TRAIN * 32 * 32 * 3);
    expect(raw.test.images.length).toBe(TEST_COUNT * 3072);
    expect([...raw.train.labels]).toEqual(Array.from({ length: N_TRAIN }, (_, i) => trainLabel(i)));
    expect([...raw.test.labels]).toEqual(Array.from({ length: TEST_COUNT }, (_, i) => testLabel(i)));
    expect(raw.classNames).toEqual(cifar10.CLASS_NAMES);
  });

  it('transposes channel-planar records to channels-last: file (c, r, k) of record i lands at [i, r, k, c]', () => {
    for (let i = 0; i < N_TRAIN; i++) {
      for (let r = 0; r < 32; r++) for (let k = 0; k < 32; k++) for (let c = 0; c < 3; c++) {
        if (raw.train.images[hwc(i, r, k, c)] !== pixel(i, c, r, k)) throw new Error(`train ${i} (${r}, ${k}, ${c})`);
      }
    }
    for (let i = 0; i < TEST_COUNT; i++) {
      for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) {
        expect.soft(raw.test.images[i * 3072 + p * 3 + c]).toBe(pixel(testSeed(i), c, p >> 5, p & 31));
      }
    }
  });

  it('loadData: Keras shapes and dtypes, raw 0..255 values, one lit pixel at [i, r, k, c]; all freed on dispose', async () => {
    // A test batch whose record 2 is black but for green (c 1) at row 5, column 9.
    const files = fixtureFiles();
    const lit = record(7, (c, r, k) => (c === 1 && r === 5 && k === 9 ? 255 : 0));
    files.set('test_batch.bin', concat([files.get('test_batch.bin')!.subarray(0, 2 * 3073), lit]));
    const before = memory().numTensors;
    const [[xTrain, yTrain], [xTest, yTest]] = await cifar10.loadData({ source: fixtureTarGz(files) });
    expect(xTrain.shape).toEqual([N_TRAIN, 32, 32, 3]);
    expect(yTrain.shape).toEqual([N_TRAIN]);
    expect(xTest.shape).toEqual([3, 32, 32, 3]);
    expect([xTrain.dtype, yTrain.dtype, xTest.dtype, yTest.dtype]).toEqual(['float32', 'int32', 'float32', 'int32']);
    expect([...yTest.dataSync()]).toEqual([testLabel(0), testLabel(1), 7]);
    const x = xTest.dataSync();
    expect(x[hwc(2, 5, 9, 1)]).toBe(255);
    expect(Array.from(x.subarray(2 * 3072)).reduce((a, b) => a + b, 0)).toBe(255); // nothing else lit
    expect(Float32Array.from(raw.train.images)).toEqual(xTrain.dataSync());
    expect([...yTrain.dataSync()]).toEqual([...raw.train.labels]);
    dispose([xTrain, yTrain, xTest, yTest]);
    expect(memory().numTensors).toBe(before);
  });

  it('gives identical results from the .tar.gz (path or bytes), the .tar, the extracted folder and its parent', async () => {
    const { dir, cleanup: c2 } = await tempDir();
    try {
      const tar = path.join(dir, 'cifar-10-binary.tar');
      await writeFile(tar, fixtureTar());
      const sources = [tarGz, fixtureTarGz(), tar, root, `file://${extracted}`];
      for (const source of sources) expectSame(await cifar10.loadRaw({ source }), raw, String(source));
    } finally {
      await c2();
    }
  });

  it('accepts archive members with or without the cifar-10-batches-bin/ folder (and a leading ./)', async () => {
    expectSame(await cifar10.loadRaw({ source: fixtureTarGz(undefined, '') }), raw, 'no folder');
    expectSame(await cifar10.loadRaw({ source: fixtureTarGz(undefined, `./${FOLDER}/`) }), raw, './ folder');
    expect(readTar(fixtureTar(), 'x.tar').map((m) => m.name)).toEqual([
      `${FOLDER}/readme.html`, ...[...fixtureFiles().keys()].map((n) => `${FOLDER}/${n}`),
    ]);
  });

  it('reads the class names from batches.meta.txt, else uses the standard list', async () => {
    const named = fixtureFiles('avion\nauto\noiseau\nchat\ncerf\nchien\ngrenouille\ncheval\nbateau\ncamion\n');
    const fr = await cifar10.loadRaw({ source: fixtureTarGz(named), limit: { train: 0, test: 0 } });
    expect(fr.classNames[3]).toBe('chat');
    expect(Object.isFrozen(fr.classNames)).toBe(true);
    const none = await cifar10.loadRaw({ source: fixtureTarGz(fixtureFiles(null)), limit: { train: 1, test: 1 } });
    expect(none.classNames).toBe(cifar10.CLASS_NAMES);
    expect(parseClassNames(new TextEncoder().encode(OFFICIAL_META.replace(/\n/g, '\r\n')), 'm')).toEqual(cifar10.CLASS_NAMES);
  });

  it('limit: the first n examples across batches; a larger limit loads all; files past the limit are not read', async () => {
    const part = await cifar10.loadRaw({ source: tarGz, limit: { train: 4, test: 0 } });
    expect(part.train.count).toBe(4); // 3 from data_batch_1, 1 from data_batch_2
    expect(part.train.images).toEqual(raw.train.images.subarray(0, 4 * 3072));
    expect([...part.train.labels]).toEqual([...raw.train.labels.subarray(0, 4)]);
    expect([part.test.count, part.test.images.length]).toEqual([0, 0]);
    const all = await cifar10.loadRaw({ source: extracted, limit: { train: 1000, test: 1000 } });
    expectSame(all, raw, 'limit 1000');

    const before = memory().numTensors;
    const [[x, y], [xt, yt]] = await cifar10.loadData({ source: extracted, limit: { test: 2 } });
    expect([x.shape[0], xt.shape, yt.shape]).toEqual([N_TRAIN, [2, 32, 32, 3], [2]]);
    dispose([x, y, xt, yt]);
    expect(memory().numTensors).toBe(before);

    // A broken data_batch_3 is never read when the limit stops at batches 1 and 2.
    const { dir, cleanup: c2 } = await tempDir();
    try {
      const files = fixtureFiles();
      files.set('data_batch_3.bin', new Uint8Array(10));
      await writeFixtureDir(dir, files);
      const first = TRAIN_COUNTS[0] + TRAIN_COUNTS[1];
      expect((await cifar10.loadRaw({ source: dir, limit: { train: first } })).train.count).toBe(first);
      await expect(cifar10.loadRaw({ source: dir, limit: { train: first + 1 } })).rejects.toThrow(/data_batch_3\.bin: expected 30730000 bytes/);
    } finally {
      await c2();
    }
  });

  it('limit must be non-negative integers', async () => {
    await expect(cifar10.loadRaw({ source: tarGz, limit: { train: -1 } })).rejects.toThrow(
      new ValueError('cifar10: expected limit.train to be a non-negative integer but got -1'),
    );
    await expect(cifar10.loadRaw({ source: tarGz, limit: { test: 1.5 } })).rejects.toThrow(/limit\.test .* but got 1\.5/);
  });

  it('isTar: the header checksum is the tar magic', () => {
    const tar = fixtureTar();
    expect(isTar(tar)).toBe(true);
    const bad = tar.slice();
    bad[0] ^= 1;
    expect(isTar(bad)).toBe(false);
    expect(isTar(new Uint8Array(512))).toBe(false);
    expect(isTar(tar.subarray(0, 100))).toBe(false);
  });
});
