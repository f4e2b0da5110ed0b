// FitWorker and serveFit over a MessageChannel in one Node process: the same messages a Web
// Worker exchanges with the page (structured clone, transferred buffers), without a browser.
// The end-to-end test in Chromium is apps/demo/test/worker.e2e.test.ts.
import '@tessera/cpu-backend';
import { Dense, Sequential, type Logs } from '@tessera/layers';
import { RMSprop } from '@tessera/optimizers';
import { memory, setBackend, tensor, type Tensor } from '@tessera/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FitWorker } from '../src/index.js';
import { serveFit } from '../src/serve.js';

/** Two classes of 2-D points on either side of a line: learnable in a few epochs. */
function data(n: number): { x: Float32Array; y: Float32Array } {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = rand();
    x[2 * i + 1] = rand();
    y[2 * i + (x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0)] = 1;
  }
  return { x, y };
}

function model(): Sequential {
  const m = new Sequential();
  m.add(new Dense({ units: 8, activation: 'relu', inputShape: [2] }));
  m.add(new Dense({ units: 2, activation: 'softmax' }));
  m.compile({ loss: 'categorical_crossentropy', optimizer: new RMSprop({ learningRate: 0.01 }), metrics: ['accuracy'] });
  return m;
}

let channels: MessageChannel[] = [];

/** A FitWorker whose "worker" is the other end of a MessageChannel, served in this thread. */
function pair(): FitWorker {
  const channel = new MessageChannel();
  channels.push(channel);
  serveFit(channel.port2 as never);
  channel.port1.start();
  channel.port2.start();
  return new FitWorker(channel.port1 as never);
}

beforeAll(async () => {
  await setBackend('cpu');
});

afterEach(() => {
  for (const c of channels) {
    c.port1.close();
    c.port2.close();
  }
  channels = [];
});

describe('FitWorker', () => {
  it('trains the page model in the worker: streams progress and logs, returns weights and optimizer state', async () => {
    const worker = pair();
    expect((await worker.ready()).backend).toBe('cpu');
    const m = model();
    const before = m.getWeights().map((w) => {
      const v = w.dataSync().slice();
      w.dispose();
      return v;
    });
    const { x, y } = data(256);
    const xt = tensor(x, [256, 2]);
    const yt = tensor(y, [256, 2]);
    const progress: string[] = [];
    const batches: Logs[] = [];
    const epochs: number[] = [];
    const live = memory().numTensors;
    const { history, samplesPerSecond } = await worker.fit(m, xt, yt, {
      batchSize: 32,
      epochs: 3,
      verbose: 2,
      validationData: [xt, yt],
      onProgress: (t) => progress.push(t),
      onBatchEnd: (_, logs) => batches.push(logs),
      onEpochEnd: (e) => void epochs.push(e),
    });
    // Nothing leaks on either side (here both live in one engine): the worker frees its model, its
    // optimizer's slots and the data; the page frees the tensors it made to receive the weights.
    expect(memory().numTensors).toBe(live);
    expect(epochs).toEqual([0, 1, 2]);
    expect(batches).toHaveLength(3 * 8);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);
    expect(progress.join('')).toMatch(/Epoch 3\/3\n8\/8 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}/);
    expect(samplesPerSecond).toBeGreaterThan(0);
    // The page's model holds the trained weights (evaluating it gives the worker's last val_loss)...
    const after = m.getWeights().map((w) => {
      const v = w.dataSync().slice();
      w.dispose();
      return v;
    });
    expect(after.some((w, i) => w.some((v, j) => v !== before[i][j]))).toBe(true);
    const [loss] = (await m.evaluate(xt, yt, { batchSize: 256 })) as number[];
    expect(loss).toBeCloseTo(history.history.val_loss[2], 5);
    // ...and the optimizer's state: 3 epochs of 8 steps.
    expect(m.compiled!.optimizer.iterations).toBe(24);
    m.dispose();
    xt.dispose();
    yt.dispose();
  });

  it('resumes where it stopped: stop() ends after the current batch, a later fit continues the optimizer', async () => {
    const worker = pair();
    const m = model();
    const { x, y } = data(512);
    const xt = tensor(x, [512, 2]);
    const yt = tensor(y, [512, 2]);
    let seen = 0;
    await worker.fit(m, xt, yt, {
      batchSize: 16,
      epochs: 5,
      onBatchEnd: () => {
        if (++seen === 3) worker.stop();
      },
    });
    const stoppedAt = m.compiled!.optimizer.iterations;
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(stoppedAt).toBeLessThan(5 * 32);
    await worker.fit(m, xt, yt, { batchSize: 16, epochs: 1 });
    expect(m.compiled!.optimizer.iterations).toBe(stoppedAt + 32);
    m.dispose();
    xt.dispose();
    yt.dispose();
  });

  it('sends weights after every epoch with syncWeights: epoch, and transfers plain buffers', async () => {
    const worker = pair();
    const m = model();
    const { x, y } = data(128);
    const seen: number[] = [];
    const first = m.layers[0].getWeights()[0];
    await worker.fit(m, { values: x, shape: [128, 2] }, { values: y, shape: [128, 2] }, {
      batchSize: 32,
      epochs: 2,
      syncWeights: 'epoch',
      onEpochEnd: () => {
        const w = m.layers[0].getWeights()[0] as Tensor;
        seen.push(w.dataSync()[0]);
        w.dispose();
      },
    });
    expect(x.byteLength).toBe(0); // transferred, detached here
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(first.dataSync()[0]);
    first.dispose();
    m.dispose();
  });

  it('says why when training fails in the worker, and refuses a model that is not compiled', async () => {
    const worker = pair();
    const m = model();
    const live = memory().numTensors;
    await expect(worker.fit(m, tensor(new Float32Array(30), [10, 3]), tensor(new Float32Array(20), [10, 2]), { epochs: 1 })).rejects.toThrow(
      /training in the worker failed: \w*Error: .*\b2\b.*\b3\b/,
    );
    expect(memory().numTensors).toBe(live + 2); // the two inputs made here; the worker side freed its own
    const raw = new Sequential();
    raw.add(new Dense({ units: 1, inputShape: [2] }));
    await expect(worker.fit(raw, tensor([[1, 2]]), tensor([[1]]))).rejects.toThrow(/not compiled/);
    raw.dispose();
    m.dispose();
  });
});
