import '@tessera/cpu-backend';
import { SGD } from '@tessera/optimizers';
import { DisposedError, NonFiniteError, ValueError, dispose, memory, tensor, variable, zeros, type Tensor } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConcurrentUseError, Dense, Sequential, TerminateOnNaN, TrainingDivergedError, clearSession, type Model } from '../src/index.js';

const silent = { verbose: 0 as const };

function mlp(): Model {
  return new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [3] }), new Dense({ units: 2 })]);
}

/** A compiled model and data that fit it; everything is freed by `free`. */
function setup(n = 8): { model: Model; x: Tensor; y: Tensor; free: () => void } {
  const model = mlp();
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = tensor(Array.from({ length: n * 3 }, (_, i) => ((i * 7) % 11) / 11 - 0.5), [n, 3]);
  const y = tensor(Array.from({ length: n * 2 }, (_, i) => ((i * 5) % 7) / 7), [n, 2]);
  return { model, x, y, free: () => (dispose([x, y]), model.dispose()) };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('misuse ends in a clear error, never a silent wrong answer', () => {
  beforeEach(() => clearSession());

  describe('a disposed model, layer or optimizer refuses every use', () => {
    it('model: predict, fit, evaluate, trainOnBatch, compile, getWeights, setWeights, summary', async () => {
      const { model, x, y } = setup();
      const start = memory().numTensors;
      model.dispose();
      const gone = memory().numTensors;
      expect(gone).toBeLessThan(start);
      expect(() => model.predict(x)).toThrow(DisposedError);
      expect(() => model.predict(x)).toThrow(/model 'sequential' was disposed.*predict/);
      await expect(model.fit(x, y, silent)).rejects.toThrow(DisposedError);
      await expect(model.evaluate(x, y, silent)).rejects.toThrow(DisposedError);
      await expect(model.trainOnBatch(x, y)).rejects.toThrow(DisposedError);
      expect(() => model.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(DisposedError);
      expect(() => model.getWeights()).toThrow(DisposedError);
      expect(() => model.setWeights([])).toThrow(DisposedError);
      expect(() => model.summary({ printFn: () => undefined })).toThrow(DisposedError);
      expect(() => model.weights).toThrow(DisposedError);
      model.dispose(); // a second dispose is harmless
      expect(memory().numTensors).toBe(gone); // nothing was rebuilt behind the user's back
      dispose([x, y]);
    });

    it('layer: apply, getWeights, setWeights', () => {
      const layer = new Dense({ units: 2, inputShape: [3] });
      const x = zeros([1, 3]);
      dispose(layer.apply(x) as Tensor);
      layer.dispose();
      expect(() => layer.apply(x)).toThrow(DisposedError);
      expect(() => layer.apply(x)).toThrow(/layer 'dense' was disposed/);
      expect(() => layer.getWeights()).toThrow(DisposedError);
      expect(() => layer.setWeights([])).toThrow(DisposedError);
      x.dispose();
    });

    it('optimizer: applyGradients, build, getWeights, setWeights', () => {
      const w = variable(tensor([1, 2]), { name: 'misuse_w' });
      const g = tensor([0.1, 0.1]);
      const opt = new SGD({ momentum: 0.9 });
      opt.applyGradients([[g, w]]);
      opt.dispose();
      expect(() => opt.applyGradients([[g, w]])).toThrow(DisposedError);
      expect(() => opt.applyGradients([[g, w]])).toThrow(/optimizer 'SGD' was disposed/);
      expect(() => opt.build([w])).toThrow(DisposedError);
      expect(() => opt.getWeights()).toThrow(DisposedError);
      expect(() => opt.setWeights([])).toThrow(DisposedError);
      dispose([g, w]);
    });
  });

  describe('options are validated up front, with their names', () => {
    it('predict with batchSize 0 (and other invalid sizes) throws at once, naming batchSize', () => {
      const { model, x, free } = setup();
      for (const bad of [0, -1, 1.5, NaN, Infinity, '32', null, 2 ** 40, {}]) {
        expect(() => model.predict(x, { batchSize: bad as number })).toThrow(ValueError);
        expect(() => model.predict(x, { batchSize: bad as number })).toThrow(/batchSize/);
      }
      free();
    });

    it('fit and evaluate name the bad option', async () => {
      const { model, x, y, free } = setup();
      const start = memory().numTensors;
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ batchSize: 0 }, /batchSize must be a positive integer/],
        [{ epochs: -1 }, /epochs must be a non-negative integer/],
        [{ epochs: 1.5 }, /epochs/],
        [{ validationSplit: 1 }, /validationSplit must be a number in \[0, 1\)/],
        [{ validationSplit: 'half' }, /validationSplit/],
        [{ stepsPerEpoch: 0 }, /stepsPerEpoch must be a positive integer/],
        [{ initialEpoch: -2 }, /initialEpoch must be a non-negative integer/],
        [{ validationBatchSize: 0 }, /validationBatchSize must be a positive integer/],
        [{ verbose: 3 }, /verbose must be 0, 1 or 2/],
        [{ shuffle: 'yes' }, /shuffle must be a boolean/],
        [{ callbacks: 'early' }, /callbacks must be an array/],
        [{ validationData: [x] }, /validationData must be \[x, y\]/],
      ];
      for (const [args, re] of cases) {
        const e = await rejection(model.fit(x, y, { ...silent, ...(args as object) }));
        expect(e).toBeInstanceOf(ValueError);
        expect(e.message).toMatch(re);
      }
      await expect(model.evaluate(x, y, { verbose: 0, batchSize: -4 })).rejects.toThrow(/evaluate: batchSize must be a positive integer but got -4/);
      expect(memory().numTensors).toBe(start);
      free();
    });

    it('stepsPerEpoch limits the batches of an epoch', async () => {
      const { model, x, y, free } = setup(16);
      let batches = 0;
      const cb = new TerminateOnNaN(() => undefined);
      cb.onTrainBatchEnd = () => void batches++;
      await model.fit(x, y, { ...silent, batchSize: 2, stepsPerEpoch: 3, callbacks: [cb] });
      expect(batches).toBe(3);
      free();
    });
  });

  describe('a model runs one fit at a time', () => {
    it('a second fit, evaluate or trainOnBatch during a fit is refused; predict is allowed; the first fit finishes intact', async () => {
      const { model, x, y, free } = setup(32);
      const start = memory().numTensors;
      const first = model.fit(x, y, { ...silent, batchSize: 4, epochs: 2 });
      const second = await rejection(model.fit(x, y, silent));
      expect(second).toBeInstanceOf(ConcurrentUseError);
      expect(second.message).toMatch(/model 'sequential' is already running fit\(\).*one at a time/);
      await expect(model.evaluate(x, y, silent)).rejects.toThrow(ConcurrentUseError);
      await expect(model.trainOnBatch(x, y)).rejects.toThrow(ConcurrentUseError);
      dispose(model.predict(x) as Tensor); // synchronous: it sees the weights between two steps
      const history = await first;
      expect(history.history.loss).toHaveLength(2);
      // Once it is done, the model is free again.
      dispose(model.predict(x) as Tensor);
      expect(memory().numTensors).toBe(start);
      free();
    });

    it('two models train at the same time', async () => {
      const a = setup(16);
      const b = setup(16);
      const [ha, hb] = await Promise.all([a.model.fit(a.x, a.y, { ...silent, batchSize: 4, epochs: 2 }), b.model.fit(b.x, b.y, { ...silent, batchSize: 4, epochs: 2 })]);
      expect(ha.history.loss).toHaveLength(2);
      expect(hb.history.loss).toHaveLength(2);
      a.free();
      b.free();
    });

    it('a fit that fails frees the model for the next call', async () => {
      const { model, x, y, free } = setup();
      const bad = zeros([8, 5]);
      await expect(model.fit(x, bad, silent)).rejects.toThrow();
      await model.fit(x, y, silent);
      bad.dispose();
      free();
    });
  });

  describe('non-finite and empty data', () => {
    it('NaN in x or Infinity in y: fit, evaluate and trainOnBatch name the array and the first bad index', async () => {
      const { model, x, y, free } = setup();
      const xs = x.dataSync().slice();
      xs[7] = NaN;
      const xBad = tensor(xs, [8, 3]);
      const ys = y.dataSync().slice();
      ys[5] = -Infinity;
      const yBad = tensor(ys, [8, 2]);
      const before = model.getWeights();
      const start = memory().numTensors;
      const e = await rejection(model.fit(xBad, y, silent));
      expect(e).toBeInstanceOf(NonFiniteError);
      expect(e.message).toMatch(/x holds NaN at index \[2, 1\].*checkFinite: false/);
      await expect(model.fit(x, yBad, silent)).rejects.toThrow(/y holds -Infinity at index \[2, 1\]/);
      await expect(model.evaluate(xBad, y, silent)).rejects.toThrow(NonFiniteError);
      await expect(model.trainOnBatch(x, yBad)).rejects.toThrow(/y holds -Infinity/);
      await expect(model.fit(x, y, { ...silent, validationData: [xBad, y] })).rejects.toThrow(/validationData x holds NaN/);
      expect(memory().numTensors).toBe(start);
      // Nothing was trained on the bad data.
      const after = model.getWeights();
      after.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(before[i].dataSync())));
      dispose([before, after]);
      // The check can be turned off: then the NaN loss stops the fit instead.
      const beforeUnchecked = memory().numTensors;
      await expect(model.fit(xBad, y, { ...silent, checkFinite: false })).rejects.toThrow(/the loss became NaN at epoch 1\/1, batch 1\/1 \(no batch had a finite loss\)/);
      expect(memory().numTensors).toBe(beforeUnchecked);
      dispose([xBad, yBad]);
      free();
    });

    it('the check finds every kind of bad value at any position, and leaves the data as it was', async () => {
      const { model, x, y, free } = setup();
      const clean = x.dataSync();
      // Odd and even positions, the last element, and +Infinity beside -Infinity (their sum is NaN).
      const cases: [number[], number[], RegExp][] = [
        [[0], [NaN], /x holds NaN at index \[0, 0\]/],
        [[23], [Infinity], /x holds Infinity at index \[7, 2\]/],
        [[4, 9], [Infinity, -Infinity], /x holds Infinity at index \[1, 1\]/],
        [[10, 3], [-Infinity, NaN], /x holds NaN at index \[1, 0\]/],
      ];
      for (const [at, values, message] of cases) {
        const xs = clean.slice();
        at.forEach((k, j) => (xs[k] = values[j]));
        const xBad = tensor(xs, [8, 3]);
        await expect(model.trainOnBatch(xBad, y)).rejects.toThrow(message);
        await expect(model.fit(xBad, y, silent)).rejects.toThrow(message);
        xBad.dispose();
      }
      // Large finite values are not taken for infinities (their float64 sum stays finite).
      const big = tensor(new Float32Array(24).fill(3.4e38), [8, 3]);
      const start = memory().numTensors;
      await expect(model.trainOnBatch(big, y, { checkFinite: true })).resolves.toBeDefined();
      expect(memory().numTensors).toBe(start);
      // The check read the values in place: they are unchanged.
      expect(Array.from(big.dataSync())).toEqual(Array.from(new Float32Array(24).fill(3.4e38)));
      big.dispose();
      free();
    });

    it('a tensor found finite is not scanned again, but new values are: a variable assigned NaN, a bad batch every time', async () => {
      const { model, x, y, free } = setup();
      const xv = variable(x, { name: 'misuse_check_x' });
      await model.trainOnBatch(xv, y);
      await model.trainOnBatch(xv, y); // the same buffer: found finite before
      const bad = x.dataSync().slice();
      bad[4] = NaN;
      const xBad = tensor(bad, [8, 3]);
      // assign moves the variable to the bad values' buffer: checked afresh.
      xv.assign(xBad);
      await expect(model.trainOnBatch(xv, y)).rejects.toThrow(/x holds NaN at index \[1, 1\]/);
      // A bad buffer is never recorded as finite: it fails every time.
      await expect(model.trainOnBatch(xBad, y)).rejects.toThrow(/x holds NaN/);
      await expect(model.fit(xBad, y, silent)).rejects.toThrow(/x holds NaN/);
      xv.assign(x);
      await expect(model.trainOnBatch(xv, y)).resolves.toBeDefined();
      dispose([xv, xBad]);
      free();
    });

    it('empty data is an error for fit, evaluate and predict', async () => {
      const { model, free } = setup();
      const x0 = zeros([0, 3]);
      const y0 = zeros([0, 2]);
      await expect(model.fit(x0, y0, silent)).rejects.toThrow(/fit: x has no samples \(shape \[0, 3\]\)/);
      await expect(model.evaluate(x0, y0, silent)).rejects.toThrow(ValueError);
      await expect(model.evaluate(x0, y0, silent)).rejects.toThrow(/evaluate: x has no samples/);
      await expect(model.trainOnBatch(x0, y0)).rejects.toThrow(/trainOnBatch: x has no samples/);
      expect(() => model.predict(x0)).toThrow(/predict: x has no samples/);
      dispose([x0, y0]);
      free();
    });
  });

  describe('a NaN loss stops fit', () => {
    it('by default, with a report naming epoch, batch and the last finite loss; the tensors come back', async () => {
      const { model, x, y } = setup(64);
      model.compile({ optimizer: new SGD({ learningRate: 1e6 }), loss: 'mse' });
      const start = memory().numTensors;
      const e = await rejection(model.fit(x, y, { ...silent, batchSize: 4, epochs: 3}));
      expect(e).toBeInstanceOf(NonFiniteError);
      expect(e).toBeInstanceOf(TrainingDivergedError);
      expect(e.message).toMatch(/the loss became (NaN|Infinity|-Infinity) at epoch 1\/3, batch \d+\/16 \(the last finite loss was [\d.e+-]+ at batch \d+\)/);
      const d = e as TrainingDivergedError;
      expect(d.epoch).toBe(1);
      expect(d.lastFiniteLoss).toBeGreaterThan(0);
      expect(d.history.epoch).toEqual([]);
      expect(memory().numTensors).toBe(start);
      dispose([x, y]);
      model.dispose();
    });

    it('TerminateOnNaN keeps Keras behaviour: fit resolves, stopped', async () => {
      const { model, x, y } = setup(64);
      model.compile({ optimizer: new SGD({ learningRate: 1e6 }), loss: 'mse' });
      const t = new TerminateOnNaN(() => undefined);
      const h = await model.fit(x, y, { ...silent, batchSize: 4, epochs: 3, callbacks: [t] });
      expect(t.terminatedAt).toBeDefined();
      expect(h.epoch.length).toBe(1);
      dispose([x, y]);
      model.dispose();
    });
  });

  describe('layer arguments', () => {
    it('Dense({units: 1e12}) names units, not a RangeError', () => {
      expect(() => new Dense({ units: 1e12 })).toThrow(ValueError);
      expect(() => new Dense({ units: 1e12 })).toThrow(/units.*1000000000000/);
    });

    it('a weight too large to allocate names the layer and the weight', () => {
      const layer = new Dense({ units: 2 ** 28, inputShape: [64] });
      const x = zeros([1, 64]);
      expect(() => layer.apply(x)).toThrow(ValueError);
      expect(() => layer.apply(x)).toThrow(/dense: weight 'kernel' of shape \[64, 268435456\]/);
      x.dispose();
    });
  });
});
