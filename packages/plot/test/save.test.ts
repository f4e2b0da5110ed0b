import '@tessera/cpu-backend';
import { Dense, Sequential } from '@tessera/layers';
import { ValueError } from '@tessera/tensor';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveHistoryPlot, saveModelPlot } from '../src/index.js';
import { parseSvg } from './svg.js';

const history = { loss: [0.8, 0.5, 0.4], val_loss: [0.9, 0.6, 0.55] };
const model = () => new Sequential([new Dense({ units: 4, inputShape: [3] }), new Dense({ units: 1 })]);

describe('saveHistoryPlot / saveModelPlot', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-plot-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('write SVG files atomically, replacing what was there and leaving no temporary file', async () => {
    const curves = join(dir, 'curves.svg');
    await writeFile(curves, 'old');
    await saveHistoryPlot(history, curves, { title: 'fit' });
    await saveModelPlot(model(), join(dir, 'model.SVG'));
    await saveModelPlot(model(), join(dir, 'model.dot'), { rankdir: 'LR' });
    expect((await readdir(dir)).sort()).toEqual(['curves.svg', 'model.SVG', 'model.dot']);
    parseSvg(await readFile(curves, 'utf8'));
    parseSvg(await readFile(join(dir, 'model.SVG'), 'utf8'));
    expect(await readFile(join(dir, 'model.dot'), 'utf8')).toMatch(/^digraph "sequential(_\d+)?" \{[^]*rankdir=LR/);
  });

  it('explain that PNG is not available, before rendering anything', async () => {
    const png = join(dir, 'curves.png');
    await expect(saveHistoryPlot(history, png)).rejects.toThrow(ValueError);
    await expect(saveHistoryPlot(history, png)).rejects.toThrow(
      /cannot write '.*curves\.png': plots are saved as SVG \(\.svg\), not \.png\. Vega renders PNG only through node-canvas, a native module/,
    );
    await expect(saveModelPlot(model(), join(dir, 'model.PNG'))).rejects.toThrow(/\(\.svg or \.dot or \.gv\), not \.png\. The WebAssembly Graphviz/);
    await expect(saveModelPlot(model(), join(dir, 'model.txt'))).rejects.toThrow(/expected a path ending in \.svg or \.dot or \.gv but got/);
    expect(await readdir(dir)).not.toContain('curves.png');
  });

  it('leave no temporary file behind when the write fails', async () => {
    const missing = join(dir, 'no-such-dir', 'curves.svg');
    await expect(saveHistoryPlot(history, missing)).rejects.toThrow(/ENOENT/);
    await writeFile(join(dir, 'taken'), '');
    await expect(saveHistoryPlot(history, join(dir, 'taken', 'x.svg'))).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
