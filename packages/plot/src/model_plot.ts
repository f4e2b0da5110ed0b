import { formatLayerShape, type Layer, type Model, type SymbolicTensor } from '@tessera/layers';
import { ValueError } from '@tessera/tensor';
import { loadViz } from './libraries.js';

/** Options of {@link plotModel} (Keras's `plot_model` arguments, camelCase). */
export interface ModelPlotOptions {
  /** Show each layer's input and output shapes (default true, as the tutorials call it). */
  showShapes?: boolean;
  /** Show `name: ClassName` in each box rather than the class name alone (default true). */
  showLayerNames?: boolean;
  /** Top to bottom (default) or left to right. */
  rankdir?: 'TB' | 'LR';
}

/** Text safe inside a Graphviz HTML-like label (which is XML). */
function html(text: string): string {
  return text
    .replace(/[\u0000-\u001f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A DOT double-quoted string. */
function quoted(text: string): string {
  return `"${text.replace(/[\u0000-\u001f]/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Shapes as the tf.keras summary prints them: Input layers and multi-tensor lists in brackets. */
function shapesText(tensors: readonly SymbolicTensor[], bracket: boolean): string {
  const parts = tensors.map((t) => formatLayerShape(t.shape));
  return bracket || parts.length !== 1 ? `[${parts.join(', ')}]` : parts[0];
}

function label(layer: Layer, node: { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } | undefined, options: ModelPlotOptions): string {
  const title = options.showLayerNames === false ? layer.className : `${layer.name}: ${layer.className}`;
  const rows = [`<tr><td colspan="2" bgcolor="#e3ecf7"><b>${html(title)}</b></td></tr>`];
  if (options.showShapes !== false) {
    const isInput = node !== undefined && node.inputs.length === 0;
    const input = node ? shapesText(isInput ? node.outputs : node.inputs, isInput) : 'multiple';
    const output = node ? shapesText(node.outputs, isInput) : 'multiple';
    rows.push(`<tr><td align="left">input:</td><td align="left">${html(input)}</td></tr>`);
    rows.push(`<tr><td align="left">output:</td><td align="left">${html(output)}</td></tr>`);
  }
  return `<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">${rows.join('')}</table>>`;
}

/**
 * The model's layer graph in Graphviz's DOT language (Keras's `model_to_dot`): one box
 * per layer, an edge wherever a layer's output feeds another layer. Sequential models
 * show their input layer, as tf.keras's `plot_model` does.
 * @param model A built model (a Sequential needs its input shape known).
 * @param options What the boxes show and the direction of the graph.
 * @returns DOT source, renderable by any Graphviz.
 * @example
 * ```ts
 * const dot = modelToDot(model, { rankdir: 'LR' });
 * ```
 */
export function modelToDot(model: Model, options: ModelPlotOptions = {}): string {
  const nodes = model.graphNodes;
  if (nodes.length === 0) {
    throw new ValueError(
      `plotModel: ${model.name} has no layer graph yet; give its first layer an inputShape, call model.build([null, ...]) or fit it once`,
    );
  }
  const rankdir = options.rankdir ?? 'TB';
  if (rankdir !== 'TB' && rankdir !== 'LR') throw new ValueError(`plotModel: rankdir must be 'TB' or 'LR' but is '${String(rankdir)}'`);

  // One box per layer; a layer called more than once (shared) has no single shape.
  const ids = new Map<Layer, string>();
  const nodeOf = new Map<Layer, (typeof nodes)[number] | undefined>();
  for (const node of nodes) {
    if (ids.has(node.layer)) nodeOf.set(node.layer, undefined);
    else {
      ids.set(node.layer, `n${ids.size}`);
      nodeOf.set(node.layer, node);
    }
  }
  const edges = new Set<string>();
  for (const node of nodes) {
    for (const input of node.inputs) edges.add(`  ${ids.get(input.sourceLayer)} -> ${ids.get(node.layer)};`);
  }
  return [
    `digraph ${quoted(model.name)} {`,
    `  graph [rankdir=${rankdir}, nodesep=0.3, ranksep=0.35, bgcolor="white"];`,
    '  node [shape=plain, fontname="Courier", fontsize=11];',
    '  edge [color="#444444", arrowsize=0.7];',
    ...[...ids].map(([layer, id]) => `  ${id} [label=${label(layer, nodeOf.get(layer), options)}];`),
    ...edges,
    '}',
    '',
  ].join('\n');
}

/**
 * A diagram of the model's layer graph as an SVG document, as Keras's `plot_model`:
 * boxes `dense_1: Dense` with input/output shape tables, edges from the graph (a chain for
 * a Sequential, the real branches and merges for a functional model). Laid out by Graphviz
 * compiled to WebAssembly, loaded on the first call; works in Node and browsers.
 * @param model A built model.
 * @param options `showShapes` (default true), `showLayerNames` (default true), `rankdir`.
 * @returns The SVG document text.
 * @example
 * ```ts
 * const svg = await plotModel(model, { showShapes: true });
 * ```
 */
export async function plotModel(model: Model, options: ModelPlotOptions = {}): Promise<string> {
  const dot = modelToDot(model, options);
  const viz = await loadViz();
  const result = viz.render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    const why = result.errors.map((e) => e.message).join('; ');
    throw new Error(`plotModel: Graphviz could not lay out ${model.name}: ${why}`);
  }
  // Drop the XML declaration, DOCTYPE and generator comment: the document is the <svg> element.
  return result.output.slice(result.output.indexOf('<svg'));
}
