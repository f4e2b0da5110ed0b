// The charting and graph libraries are big (Vega + Vega-Lite ≈ 9 MB of JavaScript,
// Graphviz-WASM ≈ 3.6 MB), so they load on the first plot, once, and never on import.
import type { Viz } from '@viz-js/viz';

type VegaModules = { vega: typeof import('vega'); vegaLite: typeof import('vega-lite') };

let vega: Promise<VegaModules> | undefined;
let viz: Promise<Viz> | undefined;

/** Vega (runtime + SVG renderer) and the Vega-Lite compiler, loaded on first use. */
export function loadVega(): Promise<VegaModules> {
  vega ??= Promise.all([import('vega'), import('vega-lite')])
    .then(([v, vl]) => ({ vega: v, vegaLite: vl }))
    .catch((err: unknown) => {
      vega = undefined; // a failed load is retried by the next plot
      throw err;
    });
  return vega;
}

/** One Graphviz-WASM instance, compiled and instantiated on first use. */
export function loadViz(): Promise<Viz> {
  viz ??= import('@viz-js/viz')
    .then((m) => m.instance())
    .catch((err: unknown) => {
      viz = undefined;
      throw err;
    });
  return viz;
}
