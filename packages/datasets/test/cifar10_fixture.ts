import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { createTar } from 'nanotar';

/**
 * Small CIFAR-10 fixtures in exactly the official binary format: records of 1 label byte then
 * 1024 red, 1024 green, 1024 blue bytes (each plane row-major 32x32). Written here, never copies
 * of the real data (which is not available).
 */

export const FOLDER = 'cifar-10-batches-bin';
export const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const TEST_FILE = 'test_batch.bin';
export const RECORD = 3073;

/** Records per training batch in the fixture (10 training examples), and test records. */
export const TRAIN_COUNTS = [3, 2, 2, 2, 1];
export const TEST_COUNT = 4;
export const N_TRAIN = TRAIN_COUNTS.reduce((a, b) => a + b, 0);

/** The official `batches.meta.txt`: ten names, then blank lines. */
export const OFFICIAL_META = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';

/** The pixel of example `seed` at channel `c`, row `r`, column `k`: distinct across channels. */
export function pixel(seed: number, c: number, r: number, k: number): number {
  return (seed * 29 + c * 85 + r * 7 + k * 3) & 255;
}

/** Label of training example `i` (0..9, every class seen) and of test example `i`. */
export const trainLabel = (i: number): number => (i * 3 + 1) % 10;
export const testLabel = (i: number): number => (9 - i * 2 + 10) % 10;

/** Seeds: training examples 0..9, test examples 100..103, so no two images are equal. */
export const testSeed = (i: number): number => 100 + i;

/** One record in the official channel-planar layout. */
export function record(label: number, fill: (c: number, r: number, k: number) => number): Uint8Array {
  const out = new Uint8Array(RECORD);
  out[0] = label;
  for (let c = 0; c < 3; c++) for (let r = 0; r < 32; r++) for (let k = 0; k < 32; k++) out[1 + c * 1024 + r * 32 + k] = fill(c, r, k);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The fixture's files by base name: five training batches, the test batch, the meta file. */
export function fixtureFiles(meta: string | null = OFFICIAL_META): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let seed = 0;
  TRAIN_FILES.forEach((name, b) => {
    const records: Uint8Array[] = [];
    for (let j = 0; j < TRAIN_COUNTS[b]; j++, seed++) {
      const s = seed;
      records.push(record(trainLabel(s), (c, r, k) => pixel(s, c, r, k)));
    }
    files.set(name, concat(records));
  });
  const test: Uint8Array[] = [];
  for (let i = 0; i < TEST_COUNT; i++) test.push(record(testLabel(i), (c, r, k) => pixel(testSeed(i), c, r, k)));
  files.set(TEST_FILE, concat(test));
  if (meta !== null) files.set('batches.meta.txt', new TextEncoder().encode(meta));
  return files;
}

/** Writes the files into `dir` (created if needed). */
export async function writeFixtureDir(dir: string, files: Map<string, Uint8Array> = fixtureFiles()): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFile(path.join(dir, name), bytes);
}

/**
 * A tar of the files, laid out as the official archive: the folder entry, then its members
 * under `cifar-10-batches-bin/` (or under `prefix`, '' for none), plus a readme as the original has.
 */
export function fixtureTar(files: Map<string, Uint8Array> = fixtureFiles(), prefix = `${FOLDER}/`): Uint8Array {
  const entries: { name: string; data?: Uint8Array }[] = [];
  if (prefix.endsWith('/') && prefix !== './') entries.push({ name: prefix });
  entries.push({ name: `${prefix}readme.html`, data: new TextEncoder().encode('<html>fixture</html>') });
  for (const [name, data] of files) entries.push({ name: `${prefix}${name}`, data });
  return createTar(entries, { attrs: { mtime: 0, user: 'fixture', group: 'fixture' } });
}

/** The fixture as `cifar-10-binary.tar.gz` would be: the tar, gzipped. */
export function fixtureTarGz(files?: Map<string, Uint8Array>, prefix?: string): Uint8Array {
  return gzipSync(fixtureTar(files, prefix));
}

/** The HWC index of channel `c`, row `r`, column `k` of example `i`. */
export const hwc = (i: number, r: number, k: number, c: number): number => i * 3072 + (r * 32 + k) * 3 + c;
