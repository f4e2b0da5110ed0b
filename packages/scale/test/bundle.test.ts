// The bundle without Python: what makeJobBundle writes, how callbacks and data map, the .npy
// writer, the result blocks of a log, and the errors that come before anything runs.
import '@tessera/cpu-backend';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { loadModel, ModelCheckpoint, parseNpy } from '@tessera/io';
import { CSVLogger, Dense, EarlyStopping, LambdaCallback, Sequential, TerminateOnNaN } from '@tessera/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy, kerasCallback, makeJobBundle, readBundle, ScaleError, splitResults, TRAIN_PY, zipBundle } from '../src/index.js';
import { parseData } from '../src/cli_data.js';
import { smallMlp } from './mnist_subset.js';

const work = mkdtempSync(join(tmpdir(), 'tessera-scale-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function shard(name: string, n: number): string {
  const path = join(work, name);
  writeFileSync(path, encodeNpy(new Uint8Array(n * 4), [n, 4]));
  return path;
}

describe('makeJobBundle', () => {
  it('writes model.keras with its compile config, train.py, job.json, requirements.txt, a README and the data', async () => {
    const x = shard('x.npy', 8);
    const y = shard('y.npy', 8);
    const bundle = await makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x, y } }, epochs: 3, batchSize: 4, validationSplit: 0.25, dir: join(work, 'b1') });
    for (const f of ['model.keras', 'train.py', 'job.json', 'requirements.txt', 'README.md', 'data/x.npy', 'data/y.npy']) expect(existsSync(join(bundle.dir, f)), f).toBe(true);
    expect(readFileSync(join(bundle.dir, 'train.py'), 'utf8')).toBe(TRAIN_PY);
    expect(bundle.job).toMatchObject({ model: 'model.keras', epochs: 3, batchSize: 4, validationSplit: 0.25, shuffle: true, verbose: 2, data: { kind: 'npy', train: { x: ['data/x.npy'], y: ['data/y.npy'] } } });
    expect(JSON.parse(readFileSync(join(bundle.dir, 'job.json'), 'utf8'))).toEqual(bundle.job);
    expect(readFileSync(join(bundle.dir, 'requirements.txt'), 'utf8')).toBe('keras>=3,<4\njax\nnumpy\nh5py\n');
    const model = await loadModel(join(bundle.dir, 'model.keras'), { compile: true });
    expect(model.compiled).toBeDefined();
    model.dispose();
    expect(readBundle(bundle.dir).job).toEqual(bundle.job);
  });

  it('keeps absolute paths with copyData: false, URLs as they are, and MNIST folders whole', async () => {
    const x = shard('x2.npy', 4);
    const b = await makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x, y: 'https://example.org/y.npy' } }, copyData: false });
    expect(b.job.data).toEqual({ kind: 'npy', train: { x: [x], y: ['https://example.org/y.npy'] } });
    const mnistDir = join(work, 'mnist');
    mkdirSync(mnistDir);
    for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(mnistDir, f), 'x');
    const m = await makeJobBundle(smallMlp(), { data: { kind: 'mnist', source: mnistDir, limit: { train: 10 } } });
    expect(m.job.data).toEqual({ kind: 'mnist', source: 'data/mnist', scale: 1 / 255, limit: { train: 10 } });
    expect(existsSync(join(m.dir, 'data', 'mnist', 't10k-labels-idx1-ubyte'))).toBe(true);
    rmSync(b.dir, { recursive: true });
    rmSync(m.dir, { recursive: true });
  });

  it('refuses missing data, an uncompiled model, bad options and a callback that runs JavaScript', async () => {
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ScaleError);
    const y = shard('y3.npy', 4);
    const missing = await err(makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x: join(work, 'no.npy'), y } } }));
    expect(missing).toBeInstanceOf(ScaleError);
    expect(missing!.code).toBe('data_missing');
    expect(missing!.message).toBe(`npy train.x[0]: expected a file or folder at ${join(work, 'no.npy')} but nothing is there (checked before submitting)`);
    const partial = join(work, 'mnist_partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'train-images-idx3-ubyte.gz'), 'x');
    expect((await err(makeJobBundle(smallMlp(), { data: { kind: 'mnist', source: partial } })))!.message).toMatch(/train-labels-idx1-ubyte\(\.gz\), t10k-images-idx3-ubyte\(\.gz\), t10k-labels-idx1-ubyte\(\.gz\) are missing/);
    const raw = new Sequential([new Dense({ units: 2, inputShape: [4] })]);
    expect((await err(makeJobBundle(raw, { data: { kind: 'npy', train: { x: y, y } } })))!.message).toMatch(/is not compiled: call model.compile/);
    expect((await err(makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x: y, y } }, batchSize: 0 })))!.message).toBe('batchSize must be a positive integer but got 0');
    const lambda = await err(makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x: y, y } }, callbacks: [new LambdaCallback({})] }));
    expect(lambda!.code).toBe('bad_spec');
    expect(lambda!.message).toMatch(/callback LambdaCallback cannot run in the Keras job/);
    expect((await err(makeJobBundle(smallMlp(), { data: { kind: 'parquet' } as never })))!.message).toMatch(/expected a data kind/);
  });

  it('readBundle names what is missing', () => {
    expect(() => readBundle(work)).toThrow(/expected a job bundle \(job.json, train.py, model.keras\) in .* but there is no job.json/);
  });
});

describe('callbacks become Keras callbacks', () => {
  it('maps EarlyStopping, CSVLogger, ModelCheckpoint and TerminateOnNaN with their options', () => {
    expect(kerasCallback(new EarlyStopping({ monitor: 'val_accuracy', patience: 2, restoreBestWeights: true, mode: 'max' }))).toEqual({
      class_name: 'EarlyStopping',
      config: { monitor: 'val_accuracy', min_delta: 0, patience: 2, mode: 'max', restore_best_weights: true },
    });
    expect(kerasCallback(new CSVLogger('log.csv', ';', true))).toEqual({ class_name: 'CSVLogger', config: { filename: 'log.csv', separator: ';', append: true } });
    expect(kerasCallback(new ModelCheckpoint({ filepath: 'ckpt.{epoch:02d}.keras', monitor: 'val_loss', saveBestOnly: true }))).toEqual({
      class_name: 'ModelCheckpoint',
      config: { filepath: 'ckpt.{epoch:02d}.keras', save_weights_only: false, monitor: 'val_loss', verbose: 0, save_best_only: true, mode: 'min', save_freq: 'epoch' },
    });
    expect(kerasCallback(new TerminateOnNaN())).toEqual({ class_name: 'TerminateOnNaN', config: {} });
    expect(() => kerasCallback(new ModelCheckpoint({ filepath: 'ckpt.h5' }))).toThrow("Keras 3 expects a filepath ending in '.keras'");
    expect(() => kerasCallback({ class_name: 'TensorBoard' as never, config: {} })).toThrow(/class_name one of History, EarlyStopping/);
  });
});

describe('pieces', () => {
  it('encodeNpy writes what numpy (and parseNpy) reads', () => {
    const a = parseNpy(encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]));
    expect(a).toEqual({ dtype: '<f4', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
    const bytes = encodeNpy(Uint8Array.from([7, 8]), [2]);
    expect(new TextDecoder().decode(bytes.subarray(10, 90))).toContain("'shape': (2,)");
    expect((bytes.length - 2) % 64).toBe(0);
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow('shape [2, 3] holds 6 values but the array has 5');
  });

  it('splitResults takes the printed files out of a log and checks them', () => {
    const file = new TextEncoder().encode('{"history": {}}');
    const b64 = Buffer.from(file).toString('base64');
    const sha = createHash('sha256').update(file).digest('hex');
    const log = `Epoch 1/1\ntessera-scale: result-begin history.json ${file.length} ${sha}\n${b64.slice(0, 5)}\n${b64.slice(5)}\ntessera-scale: result-end history.json\ndone\n`;
    const { text, files } = splitResults(log);
    expect(text).toBe('Epoch 1/1\ndone\n');
    expect(new TextDecoder().decode(files.get('history.json'))).toBe('{"history": {}}');
    expect(() => splitResults(log.replace(sha, '0'.repeat(64)))).toThrow(/arrived damaged/);
  });

  it('zipBundle packs the inputs only, the same bytes each time', async () => {
    const x = shard('x4.npy', 2);
    const b = await makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x, y: x } } });
    mkdirSync(join(b.dir, 'outputs'));
    writeFileSync(join(b.dir, 'outputs', 'model.keras'), 'old');
    const zip = zipBundle(b.dir);
    expect(Object.keys(unzipSync(zip)).sort()).toEqual(['README.md', 'data/1_x4.npy', 'data/x4.npy', 'job.json', 'model.keras', 'requirements.txt', 'train.py']);
    expect(zipBundle(b.dir)).toEqual(zip);
    rmSync(b.dir, { recursive: true });
  });

  it("the CLI's --data forms", () => {
    expect(parseData('mnist:/data/mnist')).toEqual({ kind: 'mnist', source: '/data/mnist' });
    expect(parseData('cifar10:https://example.org/cifar-10-binary.tar.gz')).toEqual({ kind: 'cifar10', source: 'https://example.org/cifar-10-binary.tar.gz' });
    expect(() => parseData('mnist')).toThrow(/expected mnist:PATH/);
  });
});
