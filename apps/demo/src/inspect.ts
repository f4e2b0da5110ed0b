/**
 * Looking inside a trained model: the first layer's filters as pictures, the activation maps of a
 * chosen layer for a chosen image, the confusion matrix on the validation images and the images
 * the model gets wrong.
 */
import { Model, type Layer, type Sequential, type SymbolicTensor } from '@tessera/layers';
import { argMax, tidy, type Tensor } from '@tessera/tensor';
import type { DemoDataset } from './data.js';
import { paint, pixelCanvas, range, tile } from './images.js';

const MAX_TILES = 64;

/** The first layer's filters: conv kernels, or a Dense layer's input weights as images. */
export async function showFilters(container: HTMLElement, model: Sequential, data: DemoDataset): Promise<string> {
  container.replaceChildren();
  const layer = model.layers.find((l) => l.weights.length > 0);
  if (!layer) return 'The model has no weights.';
  const kernel = layer.weights[0];
  const values = (await kernel.data()) as Float32Array;
  const shape = kernel.shape;
  const [h, w, c] = data.imageShape;
  if (shape.length === 4) {
    const [kh, kw, cin, cout] = shape;
    for (let f = 0; f < Math.min(cout, MAX_TILES); f++) {
      const channels = cin === 3 ? 3 : 1;
      const img = new Float32Array(kh * kw * channels);
      for (let p = 0; p < kh * kw; p++) for (let ch = 0; ch < channels; ch++) img[p * channels + ch] = values[(p * cin + ch) * cout + f];
      const canvas = pixelCanvas(`filter ${f}`, 48);
      paint(canvas, img, kh, kw, channels, ...range(img));
      container.append(tile(canvas, `${f}`));
    }
    return `${layer.name}: ${cout} filters ${kh}x${kw}${cin > 1 && cin !== 3 ? ` (input channel 0 of ${cin})` : ''}`;
  }
  if (shape.length === 2 && shape[0] === h * w * c) {
    const units = shape[1];
    for (let u = 0; u < Math.min(units, MAX_TILES); u++) {
      const img = new Float32Array(h * w * c);
      for (let i = 0; i < img.length; i++) img[i] = values[i * units + u];
      const canvas = pixelCanvas(`unit ${u}`, 56);
      paint(canvas, img, h, w, c === 3 ? 3 : 1, ...range(img));
      container.append(tile(canvas, `${u}`));
    }
    return `${layer.name}: the input weights of ${Math.min(units, MAX_TILES)} of ${units} units, as ${h}x${w} images`;
  }
  return `${layer.name}: its kernel [${shape.join(', ')}] is not an image`;
}

const probes = new WeakMap<Layer, Model>();

/** A model from the input to `layer`'s output; it shares the layers (never dispose it). */
function probeFor(model: Sequential, layer: Layer): Model {
  let probe = probes.get(layer);
  if (!probe) {
    probe = new Model({ inputs: model.inputs, outputs: layer.output as SymbolicTensor });
    probes.set(layer, probe);
  }
  return probe;
}

/** The activations of `layer` for one image `[1, h, w, c]`: a map per channel, or a strip of units. */
export async function showActivations(container: HTMLElement, model: Sequential, layer: Layer, image: Tensor): Promise<string> {
  container.replaceChildren();
  const out = probeFor(model, layer).predict(image) as Tensor;
  const shape = out.shape;
  const values = (await out.data()) as Float32Array;
  out.dispose();
  if (shape.length === 4) {
    const [, oh, ow, ch] = shape;
    const [lo, hi] = range(values);
    for (let k = 0; k < Math.min(ch, MAX_TILES); k++) {
      const map = new Float32Array(oh * ow);
      for (let p = 0; p < oh * ow; p++) map[p] = values[p * ch + k];
      const canvas = pixelCanvas(`channel ${k}`, 64);
      paint(canvas, map, oh, ow, 1, lo, hi);
      container.append(tile(canvas, `${k}`));
    }
    return `${layer.name}: ${ch} maps ${oh}x${ow} (one scale: ${lo.toFixed(2)} .. ${hi.toFixed(2)})`;
  }
  const units = values.length;
  const side = Math.ceil(Math.sqrt(units));
  const grid = new Float32Array(side * side);
  grid.set(values);
  const [lo, hi] = range(values);
  const canvas = pixelCanvas(`${units} units`, Math.min(320, side * 12));
  paint(canvas, grid, side, side, 1, lo, hi);
  container.append(tile(canvas, `${units} units as a ${side}x${side} grid`));
  return `${layer.name}: ${units} values (${lo.toFixed(2)} .. ${hi.toFixed(2)})`;
}

export interface Evaluation {
  /** `matrix[true][predicted]` counts. */
  matrix: number[][];
  accuracy: number;
  /** Indices of the validation examples the model gets wrong, with their predictions. */
  wrong: Array<{ index: number; label: number; predicted: number }>;
}

/** Predicts the validation images and compares with their labels. */
export async function evaluateModel(model: Sequential, x: Tensor, labels: Uint8Array, classes: number, batchSize: number): Promise<Evaluation> {
  const predicted = tidy(() => argMax(model.predict(x, { batchSize }) as Tensor, -1));
  const guesses = (await predicted.data()) as Int32Array;
  predicted.dispose();
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const wrong: Evaluation['wrong'] = [];
  for (let i = 0; i < guesses.length; i++) {
    matrix[labels[i]][guesses[i]]++;
    if (guesses[i] !== labels[i]) wrong.push({ index: i, label: labels[i], predicted: guesses[i] });
  }
  return { matrix, accuracy: 1 - wrong.length / guesses.length, wrong };
}

/** The confusion matrix as a table, cells shaded by their share of the row. */
export function showConfusion(table: HTMLTableElement, evaluation: Evaluation, classNames: readonly string[]): void {
  const head = document.createElement('tr');
  head.append(cell('th', 'true \\ predicted'), ...classNames.map((n) => cell('th', n)));
  const rows = evaluation.matrix.map((row, t) => {
    const tr = document.createElement('tr');
    const total = row.reduce((a, b) => a + b, 0) || 1;
    tr.append(cell('th', classNames[t]));
    row.forEach((count, p) => {
      const td = cell('td', String(count));
      const share = count / total;
      td.style.background = t === p ? `rgba(62, 99, 221, ${share})` : `rgba(229, 72, 77, ${Math.min(1, share * 3)})`;
      if (share > 0.5) td.style.color = '#fff';
      tr.append(td);
    });
    return tr;
  });
  table.replaceChildren(head, ...rows);
}

function cell(tag: 'th' | 'td', text: string): HTMLTableCellElement {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

/** The first mistakes as pictures captioned `true -> predicted`. */
export function showMistakes(container: HTMLElement, evaluation: Evaluation, data: DemoDataset, max = 40): void {
  const [h, w, c] = data.imageShape;
  const size = h * w * c;
  container.replaceChildren(
    ...evaluation.wrong.slice(0, max).map(({ index, label, predicted }) => {
      const canvas = pixelCanvas(`validation image ${index}`, 56);
      paint(canvas, data.test.images.subarray(index * size, (index + 1) * size), h, w, c === 3 ? 3 : 1);
      return tile(canvas, `${data.classNames[label]} → ${data.classNames[predicted]}`, 'mistake');
    }),
  );
}
