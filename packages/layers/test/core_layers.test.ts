import '@tessera/cpu-backend';
import { dispose, memory, ones, range, reshape, tensor, tidy, type Tensor } from '@tessera/tensor';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Add,
  CSVLogger,
  Concatenate,
  Dense,
  Flatten,
  Input,
  Model,
  Permute,
  Reshape,
  Sequential,
  clearSession,
  getInitializer,
  initializers,
  regularizers,
  type SymbolicTensor,
} from '../src/index.js';

describe('core layers', () => {
  beforeEach(() => clearSession());

  it('auto-names layers as Keras does', () => {
    expect([new Dense({ units: 1 }).name, new Dense({ units: 1 }).name, new Flatten().name]).toEqual(['dense', 'dense_1', 'flatten']);
  });

  it('Reshape, Permute and Flatten move values as expected', () => {
    const x = reshape(range(0, 12), [1, 2, 3, 2]);
    const r = new Reshape({ targetShape: [6, -1] }).apply(x) as Tensor;
    expect(r.shape).toEqual([1, 6, 2]);
    const p = new Permute({ dims: [2, 1] }).apply(reshape(range(0, 6), [1, 2, 3])) as Tensor;
    expect(p.arraySync()).toEqual([[[0, 3], [1, 4], [2, 5]]]);
    expect((new Flatten().apply(x) as Tensor).shape).toEqual([1, 12]);
    expect(() => new Reshape({ targetShape: [5] }).apply(Input({ shape: [2, 3] }))).toThrow(/cannot reshape samples of shape \[2, 3\]/);
    dispose([x, r, p]);
  });

  it('Concatenate and Add merge branches in a functional model', () => {
    const a = Input({ shape: [2] });
    const b = Input({ shape: [2] });
    const cat = new Concatenate().apply([a, b]) as SymbolicTensor;
    const sum2 = new Add().apply([a, b]) as SymbolicTensor;
    expect(cat.shape).toEqual([null, 4]);
    const model = new Model({ inputs: [a, b], outputs: [cat, sum2] });
    const [c, s] = model.predict([tensor([[1, 2]]), tensor([[3, 4]])]) as Tensor[];
    expect(c.arraySync()).toEqual([[1, 2, 3, 4]]);
    expect(s.arraySync()).toEqual([[4, 6]]);
    expect(() => new Add().apply([Input({ shape: [2] }), Input({ shape: [3] })])).toThrow(/same shape/);
    dispose([c, s]);
  });

  it('getWeights / setWeights / countParams / getLayer', () => {
    const model = new Sequential([new Dense({ units: 3, inputShape: [2], name: 'd1' }), new Dense({ units: 1, name: 'd2' })]);
    expect(model.countParams()).toBe(2 * 3 + 3 + 3 + 1);
    const ws = model.getWeights();
    expect(ws.map((w) => w.shape)).toEqual([[2, 3], [3], [3, 1], [1]]);
    const replaced = ws.map((w) => tidy(() => ones(w.shape)));
    model.setWeights(replaced);
    expect(Array.from(model.getLayer('d2').getWeights()[1].dataSync())).toEqual([1]);
    expect(() => model.getLayer('d1').setWeights([ones([2, 2]), ones([3])])).toThrow(/weight 'kernel' has shape \[2, 3\] but the value has \[2, 2\]/);
    dispose([ws, replaced]);
    model.dispose();
  });

  it('initializers follow Keras formulas', () => {
    const g = initializers.glorotUniform({ seed: 1 }).call([400, 600]);
    const limit = Math.sqrt(6 / 1000);
    const v = g.dataSync();
    expect(v.every((e) => Math.abs(e) <= limit)).toBe(true);
    expect(Math.sqrt(variance(v))).toBeCloseTo(limit / Math.sqrt(3), 3);
    const he = getInitializer('he_normal').call([1000, 100]);
    const std = Math.sqrt(variance(he.dataSync()));
    expect(std).toBeCloseTo(Math.sqrt(2 / 1000), 2);
    const q = initializers.orthogonal({ seed: 3 }).call([4, 4]).arraySync() as number[][];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      const dot = q.reduce((s, row) => s + row[i] * row[j], 0);
      expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    expect(getInitializer({ class_name: 'Constant', config: { value: 3 } }).call([2]).arraySync()).toEqual([3, 3]);
    dispose([g, he]);
  });

  it('regularizers add their penalty to the training loss', async () => {
    const x = tensor([[1, 1]]);
    const y = tensor([[0]]);
    const model = new Sequential([new Dense({ units: 1, inputShape: [2], useBias: false, kernelInitializer: 'ones', kernelRegularizer: regularizers.l2(0.5) })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    // prediction 2, mse 4, penalty 0.5 * (1 + 1) = 1
    expect(await model.evaluate(x, y, { verbose: 0 })).toBeCloseTo(5);
    dispose([x, y]);
    model.dispose();
  });

  it('CSVLogger writes one row per epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-csv-'));
    const file = join(dir, 'log.csv');
    const x = tensor([[1], [2]]);
    const model = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const start = memory().numTensors;
    await model.fit(x, x, { epochs: 3, verbose: 0, callbacks: [new CSVLogger(file)] });
    expect(memory().numTensors).toBe(start);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('epoch,loss,mae');
    expect(lines).toHaveLength(4);
    expect(lines[3].startsWith('2,')).toBe(true);
    dispose(x);
    model.dispose();
  });
});

function variance(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return s / v.length;
}
