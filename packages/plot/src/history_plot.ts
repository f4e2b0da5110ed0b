import type { History } from '@tessera/layers';
import { ValueError } from '@tessera/tensor';
import type { TopLevelSpec } from 'vega-lite';
import { loadVega } from './libraries.js';

/** Options of {@link plotHistory}. */
export interface HistoryPlotOptions {
  /**
   * Which values to chart, one chart each, with the `val_` twin on the same chart:
   * `['loss', 'accuracy']`. Default: `loss`, then every other logged value in the order
   * `fit` logged them.
   */
  metrics?: string[];
  /** A title above all charts. */
  title?: string;
  /** Width of each chart's plotting area in pixels (default 360). */
  width?: number;
  /** Height of each chart's plotting area in pixels (default 240). */
  height?: number;
}

/** What the chart functions accept: `fit`'s History, or its `history` record. */
export type HistoryLike = History | Record<string, number[]>;

/** matplotlib's first two colours, as in the Keras tutorials' plots. */
const TRAIN_COLOR = '#1f77b4';
const VAL_COLOR = '#ff7f0e';
const CHARTS_PER_ROW = 2;

function isHistory(h: HistoryLike): h is History {
  const c = h as Partial<History>;
  return Array.isArray(c.epoch) && typeof c.history === 'object' && c.history !== null && !Array.isArray(c.history);
}

/** One chart: a family (`loss`) and the logged series drawn on it (`loss`, `val_loss`). */
interface Family {
  name: string;
  series: string[];
}

/** Groups logged names into families: `x` and `val_x` share a chart; `loss` comes first. */
function familiesOf(logs: Record<string, number[]>, wanted: string[] | undefined): Family[] {
  const names = Object.keys(logs);
  const baseOf = (k: string) => (k.startsWith('val_') && k.slice(4) in logs ? k.slice(4) : k);
  let bases: string[];
  if (wanted) {
    bases = wanted.map((m) => {
      if (!(m in logs) && !(`val_${m}` in logs)) {
        throw new ValueError(`plotHistory: no logged values named '${m}'; the history has ${names.join(', ')}`);
      }
      return baseOf(m);
    });
  } else {
    bases = names.map(baseOf);
    bases.sort((a, b) => Number(b === 'loss') - Number(a === 'loss')); // stable: only moves loss up
  }
  return [...new Set(bases)].map((name) => ({ name, series: [name, `val_${name}`].filter((k) => k in logs) }));
}

/** Long-form rows (`{epoch, value, series}`) of one family; non-finite values leave a gap. */
function rowsOf(family: Family, logs: Record<string, number[]>, epochs: number[] | undefined) {
  return family.series.flatMap((series) => {
    const values = logs[series];
    if (!Array.isArray(values)) {
      throw new ValueError(`plotHistory: '${series}' must be an array of numbers (one per epoch) but is ${typeof values}`);
    }
    return values.flatMap((value, i) => {
      if (typeof value !== 'number') {
        throw new ValueError(`plotHistory: '${series}'[${i}] must be a number but is ${typeof value}`);
      }
      return Number.isFinite(value) ? [{ epoch: (epochs?.[i] ?? i) + 1, value, series }] : [];
    });
  });
}

function positive(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ValueError(`plotHistory: '${what}' must be a positive number of pixels but is ${value}`);
  return value;
}

/**
 * The Vega-Lite spec that {@link plotHistory} renders: one line chart per family, epochs
 * (counted from 1, as Keras's progress) on x, training solid and validation dashed.
 * Useful to render it yourself in a page with `vega-embed`.
 * @param history `fit`'s History, or its `history` record.
 * @param options Which values to chart, title and chart size.
 * @returns A Vega-Lite `TopLevelSpec` with the data inlined.
 * @example
 * ```ts
 * const spec = historyToVegaLite(history, { metrics: ['loss'] });
 * await vegaEmbed('#curves', spec);
 * ```
 */
export function historyToVegaLite(history: HistoryLike, options: HistoryPlotOptions = {}): TopLevelSpec {
  const logs = isHistory(history) ? history.history : history;
  const epochs = isHistory(history) ? history.epoch : undefined;
  if (Object.keys(logs).length === 0) throw new ValueError('plotHistory: the history is empty; it fills in as `fit` runs epochs');
  const width = positive(options.width, 360, 'width');
  const height = positive(options.height, 240, 'height');
  const families = familiesOf(logs, options.metrics);
  if (families.length === 0) throw new ValueError('plotHistory: `metrics` is empty; name at least one logged value, e.g. [\'loss\']');
  const charts = families.map((family) => ({
    title: family.name,
    width,
    height,
    data: { values: rowsOf(family, logs, epochs) },
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: { format: 'd', tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative' as const, title: family.name, scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale: { domain: family.series, range: family.series.map((s) => (s.startsWith('val_') ? VAL_COLOR : TRAIN_COLOR)) },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale: { domain: family.series, range: family.series.map((s) => (s.startsWith('val_') ? [6, 3] : [1, 0])) },
      },
    },
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title !== undefined ? { title: { text: options.title, anchor: 'middle' as const, fontSize: 15 } } : {}),
    columns: Math.min(CHARTS_PER_ROW, charts.length),
    concat: charts,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
    config: {
      background: 'white',
      font: 'sans-serif',
      // Short line segments, so the legend shows solid training and dashed validation.
      legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 },
    },
  };
}

/**
 * Training curves as an SVG document, as the Keras tutorials' `plot_losses`: one chart per
 * logged value (loss, accuracy, ...) with its `val_` twin on the same chart, over epochs,
 * with axis titles and a legend. Charted with Vega-Lite and rendered headless by Vega,
 * loaded on the first call; works in Node and browsers.
 * @param history `fit`'s History, or its `history` record (`{loss: [...], val_loss: [...]}`).
 * @param options Which values to chart (default all, loss first), a title, chart size.
 * @returns The SVG document text.
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 20, validationSplit: 0.2 });
 * const svg = await plotHistory(history, { title: 'MNIST MLP' });
 * document.body.innerHTML = svg;
 * ```
 */
export async function plotHistory(history: HistoryLike, options: HistoryPlotOptions = {}): Promise<string> {
  const spec = historyToVegaLite(history, options);
  const { vega, vegaLite } = await loadVega();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
