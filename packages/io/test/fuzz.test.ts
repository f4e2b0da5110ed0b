import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential, clearSession, type Model } from '@tessera/layers';
import { Prng, dispose, memory, tensor, type Tensor } from '@tessera/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFileError, loadWeights, modelFromJSON, readModel, readWeightsInto, saveModel, saveWeights, stopH5Worker } from '../src/index.js';
import { crc32, readZip, writeZip } from '../src/zip.js';
import { haveKerasModels, sharedFile, skipReason } from './helpers.js';

/**
 * Seeded, bounded fuzzing of the model-file loaders (`.h5`, `.keras`, weights files): every
 * mutated file ends in a ModelFileError, or in a model whose predictions on a probe input
 * have the shapes its outputs declare and are finite (a huge but finite weight may overflow
 * them: then the load must have warned about that weight). Never a raw JavaScript error,
 * never a hang, nothing leaked. Counts by outcome are printed. The data loaders (IDX,
 * CIFAR-10) are fuzzed in packages/datasets/test/fuzz.test.ts.
 */

/** Outcome counts of a fuzz run. */
interface Stats {
  cases: number;
  /** Loaded, predictions finite with the declared shapes. */
  loaded: number;
  /** Loaded with a warning about a huge weight, and predictions that overflowed. */
  overflowWarned: number;
  errors: Record<string, number>;
  worstMs: number;
}

const TIMEOUT_MS = 3000;
/** Every case must end (model or typed error) within this: the HDF5 time bound plus restarting the worker. */
const CASE_BOUND_MS = TIMEOUT_MS + 5000;

const newStats = (): Stats => ({ cases: 0, loaded: 0, overflowWarned: 0, errors: {}, worstMs: 0 });

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

/** Inputs of the model's declared shapes (batch 2, unknown dims 1), deterministic values in [-1, 1]. */
function probeInputs(model: Model): Tensor[] {
  return model.inputs.map((input) => {
    const shape = [2, ...input.shape.slice(1).map((d) => d ?? 1)];
    const size = shape.reduce((a, b) => a * b, 1);
    return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(i)), shape);
  });
}

/** Predicts on the probe and checks shapes against the model's outputs; returns whether every value is finite. */
async function predictionsFinite(model: Model, label: string): Promise<boolean> {
  const xs = probeInputs(model);
  try {
    const out = model.predict(xs.length === 1 ? xs[0] : xs);
    const outs = Array.isArray(out) ? out : [out];
    try {
      expect(outs.length, label).toBe(model.outputs.length);
      let finite = true;
      for (const [i, o] of outs.entries()) {
        const declared = model.outputs[i].shape;
        expect(o.shape, label).toEqual([2, ...declared.slice(1).map((d, j) => d ?? o.shape[j + 1])]);
        for (const v of (await o.data()) as Float32Array) if (!Number.isFinite(v)) finite = false;
      }
      return finite;
    } finally {
      dispose(outs);
    }
  } finally {
    dispose(xs);
  }
}

/**
 * One case: a ModelFileError is counted by code; a model that loads is probed, then freed
 * unless `keep` (weights load into a model the test owns); anything else fails the test.
 */
async function runCase(stats: Stats, label: string, load: (warn: (m: string) => void) => Promise<Model>, keep = false): Promise<void> {
  const t0 = Date.now();
  stats.cases++;
  const warnings: string[] = [];
  let model: Model | undefined;
  try {
    model = await load((m) => warnings.push(m));
  } catch (e) {
    if (!(e instanceof ModelFileError)) throw new Error(`${label}: untyped failure ${String((e as Error)?.stack ?? e)}`);
    stats.errors[e.code] = (stats.errors[e.code] ?? 0) + 1;
  }
  if (model) {
    try {
      if (await predictionsFinite(model, label)) stats.loaded++;
      else {
        expect(warnings.join('\n'), `${label}: predictions overflowed without a warning about a huge weight`).toMatch(/large enough to overflow/);
        stats.overflowWarned++;
      }
    } finally {
      if (!keep) model.dispose();
    }
  }
  const ms = Date.now() - t0;
  stats.worstMs = Math.max(stats.worstMs, ms);
  expect(ms, `${label} took ${ms} ms`).toBeLessThan(CASE_BOUND_MS);
}

/** Loads weights into `model` and answers it (for {@link runCase}). */
async function into(model: Model, bytes: Uint8Array, label: string, warn: (m: string) => void): Promise<Model> {
  await readWeightsInto(model, bytes, { timeoutMs: TIMEOUT_MS, file: label, onWarning: warn });
  return model;
}

function report(name: string, s: Stats): void {
  console.log(
    `fuzz ${name}: ${s.cases} cases, ${s.loaded} loaded (finite predictions), ${s.overflowWarned} loaded with a huge-weight warning, ` +
      `errors ${JSON.stringify(s.errors)}, worst ${s.worstMs} ms`,
  );
}

afterAll(() => stopH5Worker());

/** A small CNN: the layouts of Conv2D, pooling, Flatten and Dense in one file. */
function cnn(): Sequential {
  return new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 3, activation: 'softmax' }),
  ]);
}

describe('fuzzing the model loaders with mutated files (seeded)', () => {
  it('Tessera-written .h5 (full save) and .keras', async () => {
    clearSession();
    const model = cnn();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const files = { h5: await saveModel(model, null, { format: 'h5' }), keras: await saveModel(model, null, { format: 'keras' }) };
    model.dispose();
    const before = memory().numTensors;
    for (const format of ['h5', 'keras'] as const) {
      const orig = files[format];
      const entries = [...readZip(files.keras).entries()];
      const rng = new Prng(format === 'h5' ? 11 : 12);
      const stats = newStats();
      for (let i = 0; i < 300; i++) {
        let bytes: Uint8Array;
        if (format === 'h5' || i % 2 === 0) bytes = mutate(orig, rng, format === 'h5' ? 8192 : orig.length);
        else {
          // Mutate one entry and rebuild the archive so that its CRC is right: the parsers behind it get the bad bytes.
          const k = Math.floor(rng.nextFloat() * entries.length);
          bytes = writeZip(entries.map(([n, d], j) => [n, j === k ? mutate(d, rng, d.length) : d] as const));
        }
        await runCase(stats, `${format} mutant ${i}`, (warn) =>
          readModel(bytes, { timeoutMs: TIMEOUT_MS, file: `mutant ${i}.${format}`, onWarning: warn, compile: i % 4 === 0 }),
        );
      }
      report(`tessera .${format}`, stats);
      expect(Object.keys(stats.errors).length).toBeGreaterThan(0);
      expect(stats.loaded).toBeGreaterThan(0);
    }
    expect(memory().numTensors).toBe(before); // failed loads leave nothing behind
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  }, 120_000);

  it('Tessera-written weights files (Keras 3 .weights.h5 and Keras 2 save_weights .h5) into a model built in code', async () => {
    clearSession();
    const source = cnn();
    const files = { keras: await saveWeights(source, null, { format: 'keras' }), h5: await saveWeights(source, null, { format: 'h5' }) };
    source.dispose();
    const target = cnn();
    const before = memory().numTensors;
    for (const format of ['keras', 'h5'] as const) {
      const rng = new Prng(format === 'keras' ? 21 : 22);
      const stats = newStats();
      for (let i = 0; i < 250; i++) {
        const bytes = mutate(files[format], rng, 8192);
        await runCase(stats, `weights ${format} mutant ${i}`, (warn) => into(target, bytes, `mutant ${i}`, warn), true);
      }
      report(`tessera weights (${format})`, stats);
      expect(Object.keys(stats.errors).length).toBeGreaterThan(0);
      await loadWeights(target, files[format]); // the model is still usable
    }
    expect(memory().numTensors).toBe(before);
    target.dispose();
  }, 120_000);

  it.skipIf(!haveKerasModels)(
    `Keras-written files: 2.0.6 save_weights .h5 into a model from its JSON, 3.1.1 full .h5 (CNN) ${haveKerasModels ? '' : skipReason}`,
    async () => {
      clearSession();
      const weights = new Uint8Array(readFileSync(sharedFile('keras2.0.6_mnist_mlp.weights.h5')));
      const mlp = modelFromJSON(readFileSync(sharedFile('keras2.0.6_mnist_mlp.json'), 'utf8'));
      const before = memory().numTensors;
      let rng = new Prng(20240626);
      let stats = newStats();
      for (let i = 0; i < 250; i++) {
        const bytes = mutate(weights, rng, 8192);
        await runCase(stats, `keras2 weights mutant ${i}`, (warn) => into(mlp, bytes, `mutant ${i}`, warn), true);
      }
      report('keras2.0.6_mnist_mlp.weights.h5', stats);
      expect(Object.keys(stats.errors).length).toBeGreaterThan(0);
      await loadWeights(mlp, weights);

      const full = new Uint8Array(readFileSync(sharedFile('keras3.1.1_mnist_cnn.h5')));
      rng = new Prng(7);
      stats = newStats();
      for (let i = 0; i < 150; i++) {
        const bytes = mutate(full, rng, 16384);
        await runCase(stats, `keras3 h5 mutant ${i}`, (warn) =>
          readModel(bytes, { timeoutMs: TIMEOUT_MS, file: `mutant ${i}`, onWarning: warn, compile: i % 4 === 0 }),
        );
      }
      report('keras3.1.1_mnist_cnn.h5', stats);
      expect(memory().numTensors).toBe(before);
      mlp.dispose();
    },
    120_000,
  );
});
