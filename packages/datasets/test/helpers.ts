import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { writeIdx } from '../src/index.js';

/** The repository root (…/main); the real data sets live beside it in ../shared/data. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');
export const sharedMnist = path.join(sharedData, 'mnist');
export const sharedFashion = path.join(sharedData, 'fashion-mnist');
export const sharedDigits = path.join(sharedData, 'digits');
export const hasSharedMnist = existsSync(path.join(sharedMnist, 'train-images-idx3-ubyte.gz'));
export const hasSharedFashion = existsSync(path.join(sharedFashion, 'train-images-idx3-ubyte.gz'));
export const hasSharedDigits = existsSync(path.join(sharedDigits, 'digits.csv.gz'));
export const SKIP_NOTE = '[real data in ../shared/data]';
for (const [what, ok] of [['mnist', hasSharedMnist], ['fashion-mnist', hasSharedFashion], ['digits', hasSharedDigits]] as const) {
  if (!ok) console.warn(`@tessera/datasets tests: skipping the ${what} tests on real data: ${path.join(sharedData, what)} not found (shared/ should sit beside the repository)`);
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-datasets-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Deterministic small images: `n` images of `rows x cols` bytes. */
export function fakeImages(n: number, rows = 28, cols = 28): Uint8Array {
  const data = new Uint8Array(n * rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 255;
  return data;
}

export interface FixtureFile {
  name: string;
  bytes: Uint8Array;
  gzip?: boolean;
}

/** Writes an MNIST-format directory: 3 training and 2 test examples unless overridden. */
export async function writeMnistFixture(dir: string, overrides: Partial<Record<string, Uint8Array | null>> = {}, gzip = true): Promise<void> {
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': writeIdx([3, 28, 28], fakeImages(3)),
    'train-labels-idx1-ubyte': writeIdx([3], new Uint8Array([5, 0, 9])),
    't10k-images-idx3-ubyte': writeIdx([2, 28, 28], fakeImages(2)),
    't10k-labels-idx1-ubyte': writeIdx([2], new Uint8Array([7, 2])),
  };
  for (const [name, bytes] of Object.entries({ ...files, ...overrides })) {
    if (bytes === null || bytes === undefined) continue;
    const isGz = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const out = gzip && !isGz ? gzipSync(bytes) : bytes;
    await writeFile(path.join(dir, gzip || isGz ? `${name}.gz` : name), out);
  }
}

/** Counts of each value 0..k-1. */
export function histogram(values: ArrayLike<number>, k = 10): number[] {
  const h = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) h[values[i]]++;
  return h;
}
