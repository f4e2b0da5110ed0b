import type { Model } from './engine/model.js';
import { InputLayer } from './layers/input.js';
import { formatLayerShape, type SymbolicTensor } from './engine/symbolic.js';

/** Options of `model.summary()`. */
export interface SummaryOptions {
  /** Total width (default 65, or 98 with the "Connected to" column). */
  lineLength?: number;
  /** Column ends as fractions of the width (Keras's `positions`). */
  positions?: number[];
  /** Where lines go (default console.log). */
  printFn?: (line: string) => void;
}

function row(fields: string[], positions: number[]): string {
  let line = '';
  fields.forEach((f, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `;
    line += f;
    line = line.slice(0, positions[i]);
    line += ' '.repeat(Math.max(0, positions[i] - line.length));
  });
  return line;
}

const thousands = (n: number) => n.toLocaleString('en-US');

/**
 * Keras's summary table (tf.keras 2 layout): one row per layer with its output shape
 * and parameter count, then total, trainable and non-trainable parameters. Models whose
 * layers branch or merge get a "Connected to" column. Returns the text it printed.
 */
export function summarize(model: Model, options: SummaryOptions = {}): string {
  const layers = model.layers;
  const nodeOf = (l: (typeof layers)[number]) => model.graphNodes.find((n) => n.layer === l);
  const sequentialLike = model.graphNodes.every((n) => n.inputs.length <= 1) && new Set(model.graphNodes.map((n) => n.layer)).size === model.graphNodes.length;
  const lineLength = options.lineLength ?? (sequentialLike ? 65 : 98);
  const fractions = options.positions ?? (sequentialLike ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]);
  const positions = fractions.map((p) => (p <= 1 ? Math.floor(lineLength * p) : p));
  const header = sequentialLike ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const lines: string[] = [`Model: "${model.name}"`, '_'.repeat(lineLength), row(header, positions), '='.repeat(lineLength)];

  const shapeText = (outputs: SymbolicTensor[], isInput: boolean) => {
    const parts = outputs.map((o) => formatLayerShape(o.shape));
    return isInput || parts.length > 1 ? `[${parts.join(', ')}]` : parts[0] ?? '?';
  };

  layers.forEach((layer, i) => {
    const node = nodeOf(layer);
    const shape = node ? shapeText(node.outputs, layer instanceof InputLayer) : 'multiple';
    const name = `${layer.name} (${layer.className})`;
    const params = String(layer.countParams());
    if (sequentialLike) lines.push(row([name, shape, params], positions));
    else {
      const sources = (node?.inputs ?? []).map((s) => {
        const src = s.sourceLayer;
        return `${src.name}[${src.inboundNodes.indexOf(s.node)}][${s.node.outputs.indexOf(s)}]`;
      });
      lines.push(row([name, shape, params, sources[0] ?? ''], positions));
      for (const s of sources.slice(1)) lines.push(row(['', '', '', s], positions));
    }
    lines.push((i === layers.length - 1 ? '=' : '_').repeat(lineLength));
  });

  const trainable = model.trainableWeights.reduce((n, w) => n + w.size, 0);
  const total = model.countParams();
  lines.push(`Total params: ${thousands(total)}`);
  lines.push(`Trainable params: ${thousands(trainable)}`);
  lines.push(`Non-trainable params: ${thousands(total - trainable)}`);
  lines.push('_'.repeat(lineLength));
  const text = lines.join('\n');
  (options.printFn ?? console.log)(text);
  return text;
}
