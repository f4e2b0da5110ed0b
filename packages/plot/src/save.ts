import type { Model } from '@tessera/layers';
import { ValueError } from '@tessera/tensor';
import { plotHistory, type HistoryLike, type HistoryPlotOptions } from './history_plot.js';
import { modelToDot, plotModel, type ModelPlotOptions } from './model_plot.js';

/** Formats people reach for that a pure-JavaScript renderer cannot produce. */
const RASTER_OR_PRINT = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'pdf', 'ps', 'eps']);

function extensionOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Checks the extension before any rendering, so a wrong path fails fast. */
function checkFormat(fn: string, path: string, accepted: string[], rasterWhy: string): string {
  const ext = extensionOf(path);
  if (accepted.includes(ext)) return ext;
  const expected = accepted.map((e) => `.${e}`).join(' or ');
  if (RASTER_OR_PRINT.has(ext)) {
    throw new ValueError(
      `${fn}: cannot write '${path}': plots are saved as SVG (${expected}), not .${ext}. ${rasterWhy} ` +
        'Save to a .svg path; browsers, Inkscape or `rsvg-convert` turn it into PNG at any resolution.',
    );
  }
  throw new ValueError(`${fn}: expected a path ending in ${expected} but got '${path}'`);
}

/** Node built-ins load only on the save paths, with `process.getBuiltinModule` (Node 20.16+): no import for browser bundlers to resolve. */
async function importNode<T>(specifier: string): Promise<T> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.(specifier);
  if (!mod) throw new ValueError(`${specifier} is a Node built-in module: saving files needs Node 20.16 or later`);
  return mod as T;
}

/** Writes `path + '.tmp-<pid>'` then renames it over `path`: readers never see half a file. */
async function writeAtomic(fn: string, path: string, text: string): Promise<void> {
  const proc = (globalThis as { process?: { pid?: number; versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) throw new ValueError(`${fn} writes files and needs Node; in a browser use the SVG text that the plot function returns`);
  const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
  const tmp = `${path}.tmp-${proc.pid ?? 0}`;
  try {
    await fs.writeFile(tmp, text, 'utf8');
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Saves {@link plotHistory}'s chart to an `.svg` file (Node), atomically. SVG is the one
 * format: PNG would need Vega's canvas renderer, which depends on the native `canvas` module.
 * @param history `fit`'s History, or its `history` record.
 * @param path Where to write; must end in `.svg`.
 * @param options As {@link plotHistory}.
 * @example
 * ```ts
 * await saveHistoryPlot(history, 'curves.svg');
 * ```
 */
export async function saveHistoryPlot(history: HistoryLike, path: string, options: HistoryPlotOptions = {}): Promise<void> {
  const fn = 'saveHistoryPlot';
  checkFormat(fn, path, ['svg'], "Vega renders PNG only through node-canvas, a native module that @tessera/plot does not depend on.");
  await writeAtomic(fn, path, await plotHistory(history, options));
}

/**
 * Saves {@link plotModel}'s diagram to an `.svg` file, or its DOT source to a `.dot`/`.gv`
 * file (Node), atomically. Raster formats are not available: the WebAssembly Graphviz has
 * no Cairo renderer.
 * @param model A built model.
 * @param path Where to write; must end in `.svg`, `.dot` or `.gv`.
 * @param options As {@link plotModel}.
 * @example
 * ```ts
 * await saveModelPlot(model, 'model.svg', { showShapes: true });
 * ```
 */
export async function saveModelPlot(model: Model, path: string, options: ModelPlotOptions = {}): Promise<void> {
  const fn = 'saveModelPlot';
  const ext = checkFormat(fn, path, ['svg', 'dot', 'gv'], 'The WebAssembly Graphviz (@viz-js/viz) has no Cairo/raster renderer, only SVG and text formats.');
  const text = ext === 'svg' ? await plotModel(model, options) : modelToDot(model, options);
  await writeAtomic(fn, path, text);
}
