import { History } from '@tessera/layers';
import { ValueError } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { historyToVegaLite, plotHistory } from '../src/index.js';
import { byClass, byTag, parseSvg, texts } from './svg.js';

const fiveEpochs = {
  loss: [0.9, 0.5, 0.35, 0.28, 0.24],
  accuracy: [0.72, 0.85, 0.9, 0.92, 0.93],
  val_loss: [0.6, 0.42, 0.33, 0.31, 0.3],
  val_accuracy: [0.8, 0.87, 0.9, 0.91, 0.91],
};

/** The `d` of each curve, keyed by series name (Vega labels each path with its datum). */
function curves(svg: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const group of byClass(parseSvg(svg), 'mark-line')) {
    for (const path of byTag(group, 'path')) {
      const series = /series: ([^;]+)$/.exec(path.getAttribute('aria-label') ?? '')?.[1];
      if (series) out[series] = path.getAttribute('d') ?? '';
    }
  }
  return out;
}

describe('plotHistory', () => {
  it('draws one chart per metric family with train and validation curves, axis titles and legend', async () => {
    const svg = await plotHistory(fiveEpochs);
    expect(svg.startsWith('<svg')).toBe(true);
    const root = parseSvg(svg);

    const axisTitles = byClass(root, 'role-axis-title').flatMap(texts);
    expect(axisTitles.filter((t) => t === 'epoch')).toHaveLength(2);
    expect(axisTitles).toEqual(expect.arrayContaining(['loss', 'accuracy']));
    const legendLabels = byClass(root, 'role-legend-label').flatMap(texts);
    expect(legendLabels).toEqual(['loss', 'val_loss', 'accuracy', 'val_accuracy']);
    expect(byClass(root, 'role-title-text').flatMap(texts)).toEqual(['loss', 'accuracy']);

    const d = curves(svg);
    expect(Object.keys(d).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const path of Object.values(d)) expect(path.match(/[ML]/g)).toHaveLength(5); // one vertex per epoch
  });

  it('plots the data: different values give different curves, the same values the same SVG', async () => {
    const a = await plotHistory(fiveEpochs);
    expect(await plotHistory(fiveEpochs)).toBe(a);
    const b = await plotHistory({ ...fiveEpochs, val_loss: [0.6, 0.5, 0.45, 0.2, 0.3] });
    expect(curves(b).val_loss).not.toBe(curves(a).val_loss);
    expect(curves(b).accuracy).toBe(curves(a).accuracy);
  });

  it("takes fit's History, numbering epochs from its epoch list, counted from 1", async () => {
    const history = new History();
    [3, 4, 5].forEach((epoch, i) => history.onEpochEnd(epoch, { loss: 1 / (i + 1), val_loss: 1.2 / (i + 1) }));
    const svg = await plotHistory(history);
    const labels = byTag(parseSvg(svg), 'path').map((p) => p.getAttribute('aria-label') ?? '');
    expect(labels).toContain('epoch: 4; loss: 1; series: loss');
    expect(byClass(parseSvg(svg), 'role-axis-label').flatMap(texts)).toEqual(expect.arrayContaining(['4', '5', '6']));
  });

  it('charts only the chosen metrics, each with its val_ twin, and puts the title on top', async () => {
    const svg = await plotHistory(fiveEpochs, { metrics: ['accuracy'], title: 'MNIST <MLP> & co', width: 200, height: 120 });
    const root = parseSvg(svg);
    expect(byClass(root, 'role-legend-label').flatMap(texts)).toEqual(['accuracy', 'val_accuracy']);
    expect(byClass(root, 'role-title-text').flatMap(texts)).toEqual(expect.arrayContaining(['MNIST <MLP> & co', 'accuracy']));
    expect(Number(root.getAttribute('width'))).toBeLessThan(Number(parseSvg(await plotHistory(fiveEpochs, { metrics: ['accuracy'] })).getAttribute('width')));
  });

  it('puts loss first, gives lone values their own chart and leaves non-finite values out', () => {
    const spec = historyToVegaLite({ accuracy: [0.5, 0.6], loss: [1, Number.NaN], learning_rate: [0.01, 0.005] }) as {
      concat: { title: string; data: { values: { epoch: number; value: number; series: string }[] } }[];
    };
    expect(spec.concat.map((c) => c.title)).toEqual(['loss', 'accuracy', 'learning_rate']);
    expect(spec.concat[0].data.values).toEqual([{ epoch: 1, value: 1, series: 'loss' }]);
  });

  it('says what is wrong with bad input', async () => {
    await expect(plotHistory({})).rejects.toThrow(ValueError);
    await expect(plotHistory({})).rejects.toThrow(/empty/);
    await expect(plotHistory(fiveEpochs, { metrics: ['mae'] })).rejects.toThrow(/no logged values named 'mae'; the history has loss, accuracy, val_loss, val_accuracy/);
    await expect(plotHistory(fiveEpochs, { metrics: [] })).rejects.toThrow(/metrics. is empty/);
    await expect(plotHistory(fiveEpochs, { width: -1 })).rejects.toThrow(/'width' must be a positive number/);
    await expect(plotHistory({ loss: [0.5, '0.4' as unknown as number] })).rejects.toThrow(/'loss'\[1\] must be a number but is string/);
  });
});
