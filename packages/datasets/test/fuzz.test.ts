import { Prng } from '@tessera/tensor';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError, cifar10, readIdx, writeIdx } from '../src/index.js';
import { N_TRAIN, RECORD, TEST_COUNT, fixtureFiles, fixtureTar, fixtureTarGz } from './cifar10_fixture.js';

/**
 * Seeded, bounded fuzzing of the data loaders (IDX and CIFAR-10): every mutated file ends
 * in a DatasetError or in arrays whose sizes agree with their shapes and counts; never a
 * raw JavaScript error, never a silent change in the number of examples. Counts per
 * outcome are printed; the model-file loaders are fuzzed in packages/io/test/fuzz.test.ts.
 */

interface Stats {
  cases: number;
  loaded: number;
  errors: number;
}

/** A mutated copy: a truncation, an extension, a zeroed run, or a few changed bytes. */
function mutate(orig: Uint8Array, rng: Prng, hotBytes: number): Uint8Array {
  const r = rng.nextFloat();
  if (r < 0.1) return orig.slice(0, Math.floor(rng.nextFloat() * orig.length));
  if (r < 0.15) {
    const out = new Uint8Array(orig.length + 1 + Math.floor(rng.nextFloat() * 4000));
    out.set(orig);
    return out;
  }
  const b = orig.slice();
  if (r < 0.25) {
    const at = Math.floor(rng.nextFloat() * b.length);
    b.fill(0, at, at + 1 + Math.floor(rng.nextFloat() * 256));
    return b;
  }
  const n = 1 + Math.floor(rng.nextFloat() * 8);
  for (let i = 0; i < n; i++) {
    const at = rng.nextFloat() < 0.8 ? Math.floor(rng.nextFloat() * Math.min(hotBytes, b.length)) : Math.floor(rng.nextFloat() * b.length);
    b[at] = rng.nextFloat() < 0.5 ? b[at] ^ (1 << Math.floor(rng.nextFloat() * 8)) : Math.floor(rng.nextFloat() * 256);
  }
  return b;
}

/** Runs one case: a DatasetError counts as an error, anything else thrown fails the test. */
async function runCase(stats: Stats, label: string, load: () => unknown): Promise<void> {
  stats.cases++;
  try {
    await load();
    stats.loaded++;
  } catch (e) {
    if (!(e instanceof DatasetError)) throw new Error(`${label}: untyped failure ${String((e as Error)?.stack ?? e)}`);
    stats.errors++;
  }
}

const report = (name: string, s: Stats) => console.log(`fuzz ${name}: ${s.cases} cases, ${s.loaded} loaded, ${s.errors} DatasetError`);

describe('fuzzing the data loaders with mutated files (seeded)', () => {
  it('IDX (raw and gzipped): a DatasetError or an array whose size matches its shape', async () => {
    const images = new Uint8Array(20 * 28 * 28).map((_, i) => (i * 31) % 256);
    const raw = writeIdx([20, 28, 28], images);
    const gz = gzipSync(raw);
    const rng = new Prng(1601);
    const stats: Stats = { cases: 0, loaded: 0, errors: 0 };
    for (let i = 0; i < 2000; i++) {
      const bytes = i % 2 === 0 ? mutate(raw, rng, 16) : mutate(gz, rng, gz.length);
      await runCase(stats, `idx mutant ${i}`, () => {
        const a = readIdx(bytes, `mutant ${i}`);
        expect(a.data.length, `idx mutant ${i}`).toBe(a.shape.reduce((x, y) => x * y, 1));
      });
    }
    report('IDX', stats);
    expect(stats.errors).toBeGreaterThan(0);
    expect(stats.loaded).toBeGreaterThan(0);
  });

  it('CIFAR-10 (.tar.gz, its tar, its batch files): a DatasetError or every example, whole', async () => {
    const files = fixtureFiles();
    const tar = fixtureTar(files);
    const gz = fixtureTarGz(files);
    const names = [...files.keys()];
    const rng = new Prng(1602);
    const stats: Stats = { cases: 0, loaded: 0, errors: 0 };
    for (let i = 0; i < 600; i++) {
      let bytes: Uint8Array;
      const kind = i % 3;
      if (kind === 0) bytes = mutate(gz, rng, gz.length);
      else if (kind === 1) bytes = gzipSync(mutate(tar, rng, tar.length));
      else {
        // One member changed (resized, zeroed, bytes altered), inside a well-formed archive.
        const k = names[Math.floor(rng.nextFloat() * names.length)];
        const changed = new Map(files);
        changed.set(k, mutate(files.get(k)!, rng, files.get(k)!.length));
        bytes = fixtureTarGz(changed);
      }
      await runCase(stats, `cifar mutant ${i}`, async () => {
        const { train, test, classNames } = await cifar10.loadRaw({ source: bytes });
        // A file that loads holds every example: never phantom or dropped records.
        expect(train.count, `cifar mutant ${i}`).toBe(N_TRAIN);
        expect(test.count, `cifar mutant ${i}`).toBe(TEST_COUNT);
        for (const split of [train, test]) {
          expect(split.images.length).toBe(split.count * (RECORD - 1));
          expect(split.labels.every((l) => l < 10)).toBe(true);
        }
        expect(classNames).toHaveLength(10);
      });
    }
    report('CIFAR-10', stats);
    expect(stats.errors).toBeGreaterThan(0);
    expect(stats.loaded).toBeGreaterThan(0);
  });
});
