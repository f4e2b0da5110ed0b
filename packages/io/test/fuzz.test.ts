import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import { Dense, Sequential, clearSession, type Model } from '@tessera/layers';
import { Prng, memory } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { ModelFileError, loadWeights, modelFromJSON, readModel, readWeightsInto, saveModel, stopH5Worker } from '../src/index.js';
import { crc32, readZip, writeZip } from '../src/zip.js';
import { haveKerasModels, sharedFile, skipReason } from './helpers.js';

/** Outcome counts of a fuzz run. */
interface Stats {
  cases: number;
  loaded: number;
  errors: Record<string, number>;
  worstMs: number;
}

const TIMEOUT_MS = 3000;
/** Every case must end (model or typed error) within this: the HDF5 time bound plus restarting the worker. */
const CASE_BOUND_MS = TIMEOUT_MS + 5000;

/** A mutated copy: flipped bits, random bytes, a zeroed run, or a truncation. */
function mutate(orig: Uint8Array, rng: Prng, hotBytes: number): Uint8Array {
  const r = rng.nextFloat();
  if (r < 0.1) return orig.slice(0, Math.floor(rng.nextFloat() * orig.length));
  const b = orig.slice();
  if (r < 0.2) {
    const at = Math.floor(rng.nextFloat() * b.length);
    b.fill(0, at, at + 1 + Math.floor(rng.nextFloat() * 256));
    return b;
  }
  const n = 1 + Math.floor(rng.nextFloat() * 8);
  for (let i = 0; i < n; i++) {
    // Most mutations hit the metadata near the start, where they matter most.
    const at = rng.nextFloat() < 0.8 ? Math.floor(rng.nextFloat() * Math.min(hotBytes, b.length)) : Math.floor(rng.nextFloat() * b.length);
    b[at] = rng.nextFloat() < 0.5 ? b[at] ^ (1 << Math.floor(rng.nextFloat() * 8)) : Math.floor(rng.nextFloat() * 256);
  }
  return b;
}

async function runCase(stats: Stats, load: () => Promise<Model | void>): Promise<void> {
  const t0 = Date.now();
  stats.cases++;
  try {
    const m = await load();
    stats.loaded++;
    m?.dispose();
  } catch (e) {
    if (!(e instanceof ModelFileError)) throw new Error(`case ${stats.cases}: untyped failure ${String((e as Error)?.stack ?? e)}`);
    stats.errors[e.code] = (stats.errors[e.code] ?? 0) + 1;
  }
  const ms = Date.now() - t0;
  stats.worstMs = Math.max(stats.worstMs, ms);
  expect(ms, `case ${stats.cases} took ${ms} ms`).toBeLessThan(CASE_BOUND_MS);
}

function report(name: string, s: Stats): void {
  console.log(`fuzz ${name}: ${s.cases} cases, ${s.loaded} loaded, errors ${JSON.stringify(s.errors)}, worst ${s.worstMs} ms`);
}

describe('fuzzing the loaders with mutated files', () => {
  it.skipIf(!haveKerasModels)(
    `Keras 2.0.6 save_weights .h5 (into a model from its JSON): every outcome is loaded weights or a typed error ${haveKerasModels ? '' : skipReason}`,
    async () => {
      clearSession();
      const orig = new Uint8Array(readFileSync(sharedFile('keras2.0.6_mnist_mlp.weights.h5')));
      const model = modelFromJSON(readFileSync(sharedFile('keras2.0.6_mnist_mlp.json'), 'utf8'));
      const rng = new Prng(20240626);
      const stats: Stats = { cases: 0, loaded: 0, errors: {}, worstMs: 0 };
      const before = memory().numTensors;
      for (let i = 0; i < 1500; i++) {
        const bytes = mutate(orig, rng, 8192);
        await runCase(stats, () => readWeightsInto(model, bytes, { timeoutMs: TIMEOUT_MS, file: `mutant ${i}` }));
      }
      report('keras2.0.6_mnist_mlp.weights.h5', stats);
      expect(memory().numTensors).toBe(before); // failed loads leave nothing behind
      expect(Object.keys(stats.errors).length).toBeGreaterThan(0);
      await loadWeights(model, orig); // the model is still usable
      model.dispose();
    },
    900_000,
  );

  it.skipIf(!haveKerasModels)(
    `Keras 3.1.1 full .h5 (CNN): every outcome is a model or a typed error ${haveKerasModels ? '' : skipReason}`,
    async () => {
      const orig = new Uint8Array(readFileSync(sharedFile('keras3.1.1_mnist_cnn.h5')));
      const rng = new Prng(7);
      const stats: Stats = { cases: 0, loaded: 0, errors: {}, worstMs: 0 };
      const before = memory().numTensors;
      for (let i = 0; i < 1000; i++) {
        const bytes = mutate(orig, rng, 16384);
        await runCase(stats, () => readModel(bytes, { timeoutMs: TIMEOUT_MS, file: `mutant ${i}`, onWarning: () => undefined, compile: i % 4 === 0 }));
      }
      report('keras3.1.1_mnist_cnn.h5', stats);
      expect(memory().numTensors).toBe(before);
    },
    900_000,
  );

  it(
    'a small Tessera-written .keras, mutated as a whole and inside its (re-checksummed) entries',
    async () => {
      clearSession();
      const model = new Sequential([new Dense({ units: 8, activation: 'relu', inputShape: [4] }), new Dense({ units: 3, activation: 'softmax' })]);
      model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
      const orig = await saveModel(model, null, { format: 'keras' });
      model.dispose();
      const entries = [...readZip(orig).entries()];
      const rng = new Prng(99);
      const stats: Stats = { cases: 0, loaded: 0, errors: {}, worstMs: 0 };
      const before = memory().numTensors;
      for (let i = 0; i < 1500; i++) {
        let bytes: Uint8Array;
        if (i % 2 === 0) bytes = mutate(orig, rng, orig.length);
        else {
          // Mutate one entry and rebuild the archive so that its CRC is right: the parsers behind it get the bad bytes.
          const k = Math.floor(rng.nextFloat() * entries.length);
          bytes = writeZip(entries.map(([n, d], j) => [n, j === k ? mutate(d, rng, d.length) : d] as const));
        }
        await runCase(stats, () => readModel(bytes, { timeoutMs: TIMEOUT_MS, file: `mutant ${i}`, onWarning: () => undefined, compile: i % 3 === 0 }));
      }
      report('tessera .keras', stats);
      expect(memory().numTensors).toBe(before);
      expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
      await stopH5Worker();
    },
    900_000,
  );
});
