import '@tessera/cpu-backend';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, Sequential, clearSession } from '@tessera/layers';
import { Prng, tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { ModelCheckpoint, loadModel, loadWeights, pyFormat } from '../src/index.js';

describe('pyFormat (Python str.format, as Keras formats checkpoint paths)', () => {
  it.each([
    ['weights.{epoch:02d}-{val_loss:.2f}.keras', { epoch: 3, val_loss: 0.43219 }, 'weights.03-0.43.keras'],
    ['{epoch:03d}', { epoch: 7 }, '007'],
    ['{epoch}', { epoch: 12 }, '12'],
    ['{loss:.4f}', { loss: 1 / 3 }, '0.3333'],
    ['{loss:.3e}', { loss: 0.000123456 }, '1.235e-04'],
    ['{acc:.1%}', { acc: 0.8766 }, '87.7%'],
    ['{x:>6.2f}|{x:<6.1f}|{x:^7.1f}', { x: 2.5 }, '  2.50|2.5   |  2.5  '],
    ['{x:+.1f} {y:08.3f}', { x: 1, y: -3.14159 }, '+1.0 -003.142'],
    ['{n:,d}', { n: 1234567 }, '1,234,567'],
    ['{x:g} {y:g} {z:.3g}', { x: 0.0001, y: 1234567, z: 3.14159 }, '0.0001 1.23457e+06 3.14'],
    ['{{epoch}} {epoch}', { epoch: 1 }, '{epoch} 1'],
  ])('%s', (template, values, want) => {
    expect(pyFormat(template, values)).toBe(want);
  });

  it('names a missing field', () => {
    expect(() => pyFormat('{val_acc:.2f}', { loss: 1 })).toThrow(/val_acc/);
  });
});

function data() {
  const rng = new Prng(1);
  const xs = Array.from({ length: 64 * 2 }, () => rng.nextNormal());
  const ys = Array.from({ length: 64 }, (_, i) => xs[2 * i] - xs[2 * i + 1]);
  return { x: tensor(xs, [64, 2]), y: tensor(ys, [64, 1]) };
}

function regression(): Sequential {
  return new Sequential([new Dense({ units: 8, activation: 'relu', inputShape: [2] }), new Dense({ units: 1 })]);
}

/** Runs a test with a fresh temporary folder and a compiled model. */
async function inDir(fn: (dir: string, model: Sequential) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ckpt-'));
  try {
    clearSession();
    const model = regression();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await fn(dir, model);
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ModelCheckpoint', () => {
  it('saves every epoch under formatted names, as .keras and .h5', () =>
    inDir(async (dir, model) => {
      const { x, y } = data();
      const keras = new ModelCheckpoint({ filepath: join(dir, 'm.{epoch:02d}-{val_loss:.2f}.keras') });
      const h5 = new ModelCheckpoint({ filepath: join(dir, 'm.{epoch:02d}.h5'), monitor: 'loss' });
      const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25, callbacks: [keras, h5] });
      expect(keras.saved.map((p) => p.slice(dir.length + 1))).toEqual(history.history.val_loss.map((v, i) => `m.0${i + 1}-${v.toFixed(2)}.keras`));
      expect(readdirSync(dir).filter((f) => f.endsWith('.h5')).sort()).toEqual(['m.01.h5', 'm.02.h5', 'm.03.h5']);
      const last = await loadModel(keras.saved[2], { compile: true });
      expect(last.optimizer!.iterations).toBe(model.optimizer!.iterations);
      expect(Array.from(last.getWeights()[0].dataSync())).toEqual(Array.from(model.getWeights()[0].dataSync()));
      last.dispose();
    }));

  it('saveBestOnly keeps the best epoch; saveWeightsOnly writes weights files; saveFreq in batches', () =>
    inDir(async (dir, model) => {
      const { x, y } = data();
      const messages: string[] = [];
      const best = new ModelCheckpoint({ filepath: join(dir, 'best.weights.h5'), monitor: 'loss', saveBestOnly: true, saveWeightsOnly: true, verbose: 1, write: (t) => messages.push(t) });
      const everyTwo = new ModelCheckpoint({ filepath: join(dir, 'b{epoch}-{batch}.keras'), saveFreq: 2 });
      const history = await model.fit(x, y, { epochs: 4, batchSize: 32, verbose: 0, callbacks: [best, everyTwo] });
      const losses = history.history.loss;
      expect(best.best).toBe(Math.min(...losses));
      expect(best.saved.length).toBe(losses.filter((l, i) => l < Math.min(Infinity, ...losses.slice(0, i))).length);
      expect(messages[0]).toMatch(/Epoch 1: loss improved from inf to \d\.\d{5}, saving model to .*best\.weights\.h5/);
      expect(existsSync(join(dir, 'best.weights.h5'))).toBe(true);
      const twin = regression();
      await loadWeights(twin, join(dir, 'best.weights.h5'));
      twin.dispose();
      expect(everyTwo.saved.map((p) => p.slice(dir.length + 1))).toEqual(['b1-2.keras', 'b2-2.keras', 'b3-2.keras', 'b4-2.keras']);
    }));
});
