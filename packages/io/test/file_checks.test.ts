import '@tessera/cpu-backend';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchNormalization, Dense, Sequential, clearSession, type Model } from '@tessera/layers';
import { dispose, memory, tensor } from '@tessera/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFileError, loadModel, loadWeights, readH5, readModel, saveModel, saveWeights, stopH5Worker } from '../src/index.js';
import { readZip, writeZip } from '../src/zip.js';

async function failure(p: Promise<unknown>): Promise<ModelFileError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelFileError);
  return e as ModelFileError;
}

function small(): Sequential {
  return new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [2], name: 'hidden' }), new Dense({ units: 3, name: 'out' })]);
}

/** A small model whose `out` bias holds `value` at index 1. */
function withBias(value: number): Model {
  const m = small();
  const [kernel] = m.getLayer('out').getWeights();
  const bias = tensor([0, value, 0]);
  m.getLayer('out').setWeights([kernel, bias]);
  kernel.dispose();
  bias.dispose();
  return m;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const quiet = { onWarning: () => undefined };

/** The entries of a `.keras` with `config.json` replaced. */
function replaceEntry(bytes: Uint8Array, name: string, data: Uint8Array): Uint8Array {
  return writeZip([...readZip(bytes).entries()].map(([n, d]) => [n, n === name ? data : d] as const));
}

afterAll(() => stopH5Worker());

describe('loaders check what they load', () => {
  it('NaN and Infinity weights are refused with the weight path, in every format; allowNonFinite loads them', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      clearSession();
      const m = withBias(bad);
      const start = memory().numTensors;
      for (const format of ['keras', 'h5'] as const) {
        const bytes = await saveModel(m, null, { format });
        const e = await failure(readModel(bytes, { file: `bad.${format}` }));
        expect(e.code).toBe('non_finite');
        expect(e.message).toMatch(new RegExp(`holds ${String(bad)} at index 1`));
        expect(e.layer).toBe('out');
        expect(e.weight).toMatch(/bias/);
        expect(memory().numTensors).toBe(start); // nothing is left half built
        const loaded = await readModel(bytes, { allowNonFinite: true });
        const ws = loaded.getLayer('out').getWeights();
        expect(ws[1].dataSync()[1]).toBe(bad);
        ws.forEach((w) => w.dispose());
        loaded.dispose();
      }
      for (const format of ['keras', 'h5'] as const) {
        const bytes = await saveWeights(m, null, { format });
        const into = small();
        const e = await failure(loadWeights(into, bytes));
        expect(e.code).toBe('non_finite');
        expect(e.message).toMatch(/out/);
        await loadWeights(into, bytes, { allowNonFinite: true });
        into.dispose();
      }
      m.dispose();
    }
  });

  it('optimizer state holding NaN is refused on compile: true (allowNonFinite loads it)', async () => {
    clearSession();
    const m = small();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    // One step first: an optimizer that never stepped is saved without its slots, as Keras saves it.
    const [x, y] = [tensor([[1, 2]]), tensor([[0, 1, 0]])];
    await m.trainOnBatch(x, y);
    dispose([x, y]);
    const opt = m.optimizer!;
    const state = opt.getWeights();
    const bad = state.map((t, i) => (i === 2 ? tensor(new Float32Array(t.size).fill(NaN), t.shape) : t));
    opt.setWeights(bad);
    dispose([state, bad]);
    for (const format of ['keras', 'h5'] as const) {
      const bytes = await saveModel(m, null, { format });
      const start = memory().numTensors;
      const e = await failure(readModel(bytes, { compile: true, ...quiet }));
      expect(e.code).toBe('non_finite');
      expect(e.message).toMatch(/optimizer adam.*holds NaN/);
      expect(memory().numTensors).toBe(start);
      (await readModel(bytes, { compile: true, allowNonFinite: true, ...quiet })).dispose();
      (await readModel(bytes, quiet)).dispose(); // without compile the optimizer state is not read
    }
    m.dispose();
  });

  it('huge finite weights (3e38) load with a warning naming the weight', async () => {
    clearSession();
    const m = withBias(3e38);
    const bytes = await saveModel(m, null, { format: 'keras' });
    m.dispose();
    const warnings: string[] = [];
    const loaded = await readModel(bytes, { onWarning: (w) => warnings.push(w) });
    expect(warnings.join('\n')).toMatch(/weight 'bias' of layer 'out' holds 3\.0*\d*e\+38 at index 1/);
    loaded.dispose();
  });

  it('a config that lists no layers is refused', async () => {
    clearSession();
    const m = small();
    const bytes = await saveModel(m, null, { format: 'keras' });
    m.dispose();
    const config = JSON.parse(dec.decode(readZip(bytes).get('config.json')!));
    config.config.layers = [];
    const e = await failure(readModel(replaceEntry(bytes, 'config.json', enc.encode(JSON.stringify(config)))));
    expect(e.code).toBe('bad_config');
    expect(e.message).toMatch(/lists no layers/);
    expect(() => JSON.stringify(config)).not.toThrow();
    const json = await failure(readModel(enc.encode(JSON.stringify({ class_name: 'Sequential', config: { name: 'empty', layers: [] } }))));
    expect(json.message).toMatch(/lists no layers/);
  });

  it('a .keras whose weights include a layer the model does not have is refused, as in .h5', async () => {
    clearSession();
    const big = new Sequential([new Dense({ units: 4, inputShape: [2] }), new Dense({ units: 4 }), new Dense({ units: 3 })]);
    const bigBytes = await saveModel(big, null, { format: 'keras' });
    big.dispose();
    const m = new Sequential([new Dense({ units: 4, inputShape: [2] }), new Dense({ units: 4 })]);
    const smallBytes = await saveModel(m, null, { format: 'keras' });
    m.dispose();
    const mixed = replaceEntry(smallBytes, 'model.weights.h5', readZip(bigBytes).get('model.weights.h5')!);
    const start = memory().numTensors;
    const e = await failure(readModel(mixed, { file: 'mixed.keras' }));
    expect(e.code).toBe('weight_mismatch');
    expect(e.message).toMatch(/layers\/dense_2/);
    expect(memory().numTensors).toBe(start);
    // loadWeights refuses it too.
    const into = new Sequential([new Dense({ units: 4, inputShape: [2] }), new Dense({ units: 4 })]);
    const w = await failure(loadWeights(into, mixed));
    expect(w.code).toBe('weight_mismatch');
    into.dispose();
  });

  it('config values of the wrong type are refused before building, naming layer and key', async () => {
    clearSession();
    const m = new Sequential([new Dense({ units: 4, inputShape: [2] }), new BatchNormalization({ name: 'bn' })]);
    const bytes = await saveModel(m, null, { format: 'keras' });
    m.dispose();
    const config = JSON.parse(dec.decode(readZip(bytes).get('config.json')!));
    const cases: [string, unknown, RegExp][] = [
      ['epsilon', '0.001', /key 'epsilon' must be a positive number but got the string "0.001"/],
      ['momentum', null, null as unknown as RegExp],
      ['center', 'yes', /key 'center' must be a boolean but got the string "yes"/],
      ['axis', 1.5, /key 'axis' must be an integer or a list of integers but got 1.5/],
    ];
    for (const [key, value, re] of cases) {
      const c = structuredClone(config);
      const bn = c.config.layers.find((l: { config: { name: string } }) => l.config.name === 'bn');
      bn.config[key] = value;
      const p = readModel(replaceEntry(bytes, 'config.json', enc.encode(JSON.stringify(c))), { file: 'bn.keras', ...quiet });
      if (re === null) {
        (await p).dispose(); // null is Keras's "default"
        continue;
      }
      const e = await failure(p);
      expect(e.code).toBe('bad_config');
      expect(e.layer).toBe('bn');
      expect(e.message).toMatch(re);
    }
    const dense = structuredClone(config);
    dense.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense').config.units = '4';
    const e = await failure(readModel(replaceEntry(bytes, 'config.json', enc.encode(JSON.stringify(dense))), quiet));
    expect(e.message).toMatch(/key 'units' must be a positive integer \(at most 2147483647\) but got the string "4"/);
  });
});

describe('saves clean up after earlier killed saves', () => {
  it('stale temp files of the same target from dead processes are removed; others are kept', async () => {
    clearSession();
    const dir = mkdtempSync(join(tmpdir(), 'tessera-stale-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      const deadPid = Number(dead.stdout.toString());
      const target = join(dir, 'model.keras');
      const stale = `.model.keras.${deadPid}.k3j9x2ab.tmp`;
      const keep = [
        `.model.keras.${process.ppid}.a1b2c3d4.tmp`, // a live process may be saving right now
        `.other.keras.${deadPid}.k3j9x2ab.tmp`, // another target
        `.model.keras.${deadPid}.notours.txt`, // not our pattern
        'model.keras.bak',
      ];
      for (const f of [stale, ...keep]) writeFileSync(join(dir, f), 'partial');
      const m = small();
      await saveModel(m, target);
      m.dispose();
      const left = readdirSync(dir).sort();
      expect(left).toEqual(['model.keras', ...keep].sort());
      expect(existsSync(join(dir, stale))).toBe(false);
      (await loadModel(target)).dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the HDF5 time bound', () => {
  it('a parse stuck inside the HDF5 library is stopped within a few seconds, without any timeoutMs', async () => {
    clearSession();
    const m = small();
    const bytes = await saveWeights(m, null, { format: 'keras' });
    m.dispose();
    const t0 = Date.now();
    const e = await failure(readH5(bytes, { file: 'stuck.h5', simulateStallMs: 60_000 } as never));
    const ms = Date.now() - t0;
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(/stopped making progress/);
    expect(ms).toBeLessThan(10_000);
    // The reader comes back for the next file.
    const tree = await readH5(bytes);
    expect(Object.keys(tree.children)).toContain('layers');
  }, 60_000);
});
