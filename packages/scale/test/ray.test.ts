// @tessera/scale on a real Ray: a single-node head on 127.0.0.1 with two simulated JAX CPU
// devices trains a Tessera MLP data-parallel through the Jobs REST API; the model comes back,
// loads in Tessera and scores exactly what Keras's own evaluation in the job printed; the loss
// curve matches a one-device run of the same train.py. Then the ways it fails: nothing at the
// address, a missing data path, a job that fails in Python: each a clear error, nothing left
// running. The seed MLP (784-512-512-512-10) is narrowed to 784-128-10 to stay within time on
// two CPU cores. Ray and Keras come from the cached venv (scripts/ensure-keras.mjs).
import '@tessera/cpu-backend';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, ModelCheckpoint } from '@tessera/io';
import { CSVLogger, EarlyStopping, History } from '@tessera/layers';
import { argMax, dispose, tensor } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJobBundle, runLocally, ScaleError, startLocalRay, submitToRay, writeNpy, type JobBundle, type LocalRay, type TrainResult } from '../src/index.js';
import { smallMlp, writeMnistSubset, type Subset } from './mnist_subset.js';
import { freePorts } from '../src/local_ray.js';
// @ts-expect-error: a plain ES module shared with the scripts (no types)
import { kerasPython, rayCommand } from '../../../scripts/keras-venv.mjs';

const TRAIN = 3000;
const TEST = 1000;
let work = '';
let head: LocalRay | undefined;
let data: Subset;
let bundle: JobBundle;
let viaRay: TrainResult;
let log: string[] = [];

/** Jobs Ray knows of, by status. */
async function jobStatuses(address: string): Promise<string[]> {
  const jobs = (await (await fetch(`${address}/api/jobs/`)).json()) as Array<{ status: string }>;
  return jobs.map((j) => j.status);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-scale-test-'));
  data = await writeMnistSubset(join(work, 'shards'), TRAIN, TEST);
  bundle = await makeJobBundle(smallMlp(), {
    data: { kind: 'npy', train: data.train, test: data.test, scale: 1 / 255 },
    epochs: 2,
    batchSize: 100,
    validationSplit: 0.1,
    callbacks: [
      new History(),
      new EarlyStopping({ monitor: 'val_loss', patience: 3 }),
      new CSVLogger('training.csv'),
      new ModelCheckpoint({ filepath: 'best.keras', monitor: 'val_loss', saveBestOnly: true }),
    ],
    dir: join(work, 'bundle'),
  });
  const ray = (rayCommand as () => string)();
  if (!existsSync(ray)) throw new Error(`the scale test needs Ray, Keras and JAX in ${(kerasPython as () => string)()}'s venv: run 'node scripts/ensure-keras.mjs' (the test command does)`);
  head = await startLocalRay({ ray, devices: 2 });
}, 300_000);

afterAll(async () => {
  const left = head ? await head.stop() : [];
  rmSync(work, { recursive: true, force: true });
  expect(left, 'Ray processes still alive after stopping the head').toEqual([]);
}, 60_000);

describe('submitToRay on a real single-node Ray with two JAX devices', () => {
  it('trains data-parallel, streams the log and brings the model and its History back', async () => {
    log = [];
    viaRay = await submitToRay(bundle, { address: head!.address, pip: false, timeoutMs: 240_000, onLog: (l) => log.push(l) });
    const sharding = log.find((l) => l.includes('data parallel over'));
    console.log(`[scale] ${sharding}`);
    expect(sharding).toMatch(/data parallel over 2 devices/);
    expect(sharding).toMatch(/batch \(100, 784\) sharding NamedSharding\(mesh=Mesh\('batch': 2.*-> \[\(50, 784\) on cpu:0, \(50, 784\) on cpu:1\]/);
    expect(log.some((l) => /^Epoch 2\/2$/.test(l))).toBe(true);
    expect(log.some((l) => /^\d+\/\d+ - .*loss: .*val_loss: /.test(l))).toBe(true);
    expect(log.some((l) => l.startsWith('tessera-scale: result-begin'))).toBe(false);
    expect(viaRay.history.devices).toBe(2);
    expect(viaRay.history.epoch).toEqual([0, 1]);
    expect(viaRay.history.history.loss).toHaveLength(2);
    expect(readFileSync(join(viaRay.dir, 'training.csv'), 'utf8').split(/\r?\n/)[0]).toBe('epoch,accuracy,loss,val_accuracy,val_loss');
    expect(await jobStatuses(head!.address)).toEqual(['SUCCEEDED']);
  }, 300_000);

  it("the trained model loads in Tessera and scores Keras's own evaluation in the job", async () => {
    const model = await loadModel(viaRay.modelPath);
    const x = tensor(data.testImages, [TEST, 784]);
    const probs = model.predict(x) as ReturnType<typeof tensor>;
    const predicted = argMax(probs, -1);
    const classes = predicted.dataSync();
    let right = 0;
    for (let i = 0; i < TEST; i++) if (classes[i] === data.testLabels[i]) right++;
    dispose([x, probs, predicted]);
    model.dispose();
    const ours = right / TEST;
    const keras = viaRay.history.evaluate!.accuracy;
    console.log(`[scale] test accuracy: Tessera ${ours} (${right}/${TEST}), Keras in the job ${keras}`);
    expect(Math.abs(ours - keras)).toBeLessThanOrEqual(1e-6);
    expect(ours).toBeGreaterThan(0.8);
  });

  it('the loss curve matches one device running the same train.py (runLocally)', async () => {
    const single = await runLocally(bundle, { python: head!.python, devices: 1, outDir: join(work, 'single'), timeoutMs: 240_000 });
    expect(single.history.devices).toBe(1);
    expect(single.log).toMatch(/data parallel over 1 devices/);
    const two = viaRay.history.history.loss;
    const one = single.history.history.loss;
    console.log(`[scale] loss per epoch: 2 devices ${two.join(', ')}; 1 device ${one.join(', ')}`);
    one.forEach((l, i) => expect(Math.abs(two[i] - l) / l).toBeLessThan(1e-3));
  }, 300_000);
});

describe('submitToRay fails clearly, leaving nothing running', () => {
  it('no Ray at the address: unreachable, at once', async () => {
    const [port] = await freePorts(1);
    const started = Date.now();
    const e = await submitToRay(bundle, { address: `http://127.0.0.1:${port}`, pip: false }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ScaleError);
    expect((e as ScaleError).code).toBe('unreachable');
    expect((e as ScaleError).message).toMatch(new RegExp(`no Ray dashboard answers at http://127.0.0.1:${port} .*ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a missing data path: data_missing before anything is submitted', async () => {
    const missing = join(work, 'nowhere', 'x.npy');
    const e = await makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x: missing, y: data.train.y[0] } } }).catch((err: unknown) => err);
    expect((e as ScaleError).code).toBe('data_missing');
    expect((e as ScaleError).message).toContain(missing);
    // A bundle whose copied data file went away is refused too, and Ray never hears of it.
    const broken = await makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x: data.train.x[0], y: data.train.y[0] } }, dir: join(work, 'broken') });
    unlinkSync(join(broken.dir, 'data', 'train_x_0.npy'));
    const before = await jobStatuses(head!.address);
    const e2 = await submitToRay(broken, { address: head!.address, pip: false }).catch((err: unknown) => err);
    expect((e2 as ScaleError).code).toBe('data_missing');
    expect((e2 as ScaleError).message).toMatch(/data\/train_x_0\.npy .*does not exist/);
    expect(await jobStatuses(head!.address)).toEqual(before);
  });

  it('a job that fails in Python: job_failed with its last log lines', async () => {
    // 100 features where the model takes 784: Keras refuses the data inside the job.
    const wrong = join(work, 'wrong_x.npy');
    writeNpy(wrong, new Float32Array(200 * 100), [200, 100]);
    const y = join(work, 'wrong_y.npy');
    writeNpy(y, new Uint8Array(200), [200]);
    const bad = await makeJobBundle(smallMlp(), { data: { kind: 'npy', train: { x: wrong, y } }, dir: join(work, 'bad') });
    const e = await submitToRay(bad, { address: head!.address, pip: false, timeoutMs: 120_000 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ScaleError);
    expect((e as ScaleError).code).toBe('job_failed');
    expect((e as ScaleError).message).toMatch(/job raysubmit_\w+ FAILED/);
    expect((e as ScaleError).logTail).toMatch(/ValueError|expected axis -1 of input shape to have value 784/);
    const statuses = await jobStatuses(head!.address);
    expect(statuses.filter((s) => s === 'RUNNING' || s === 'PENDING')).toEqual([]);
    expect(statuses).toContain('FAILED');
  }, 150_000);
});
