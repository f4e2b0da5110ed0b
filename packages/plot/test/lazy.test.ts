import { describe, expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => new Set<string>());
vi.mock('vega', async (importOriginal) => {
  loaded.add('vega');
  return importOriginal();
});
vi.mock('vega-lite', async (importOriginal) => {
  loaded.add('vega-lite');
  return importOriginal();
});
vi.mock('@viz-js/viz', async (importOriginal) => {
  loaded.add('@viz-js/viz');
  return importOriginal();
});

describe('@tessera/plot', () => {
  it('loads Vega and Graphviz only when a plot is made', async () => {
    const plot = await import('../src/index.js');
    expect(plot.modelToDot).toBeTypeOf('function');
    expect(plot.historyToVegaLite({ loss: [1] })).toHaveProperty('concat');
    expect([...loaded]).toEqual([]);
    await plot.plotHistory({ loss: [1, 0.5] });
    expect([...loaded].sort()).toEqual(['vega', 'vega-lite']);
  });
});
