import { Model, type Layer } from '@tessera/layers';

/**
 * Weight layouts of older Keras files, converted as Keras 2's `preprocess_weights_for_loading`
 * (keras/engine/saving.py) converts them: Keras 1 kernel layouts, and the spatial flip of
 * kernels written by Theano, which convolves where TensorFlow, Keras 3 and Tessera correlate.
 */

/** One weight as stored in a file: row-major values and their shape. */
export interface StoredWeight {
  data: Float32Array;
  shape: number[];
}

/** The Keras backends a legacy file may name in its `backend` attribute or a user in `{backend}`. */
export type KerasBackend = 'theano' | 'tensorflow' | 'cntk';

/** Strides of a row-major shape. */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** numpy's `np.transpose(w, perm)`. */
export function transposeWeight(w: StoredWeight, perm: readonly number[]): StoredWeight {
  const shape = perm.map((p) => w.shape[p]);
  const inStrides = strides(w.shape);
  const step = perm.map((p) => inStrides[p]);
  const out = new Float32Array(w.data.length);
  const index = new Array<number>(shape.length).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = w.data[src];
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      src += step[d];
      if (index[d] < shape[d]) break;
      src -= step[d] * shape[d];
      index[d] = 0;
    }
  }
  return { data: out, shape };
}

/** Keras's `convert_kernel`: flips every spatial axis of a kernel (all but the last two). */
export function convertKernel(w: StoredWeight): StoredWeight {
  const shape = w.shape;
  const spatial = shape.slice(0, -2);
  const inner = shape[shape.length - 2] * shape[shape.length - 1];
  const out = new Float32Array(w.data.length);
  const count = spatial.reduce((x, y) => x * y, 1);
  for (let i = 0; i < count; i++) {
    let rest = i;
    let flipped = 0;
    for (let d = spatial.length - 1, stride = 1; d >= 0; d--) {
      const idx = rest % spatial[d];
      rest = Math.floor(rest / spatial[d]);
      flipped += (spatial[d] - 1 - idx) * stride;
      stride *= spatial[d];
    }
    out.set(w.data.subarray(i * inner, (i + 1) * inner), flipped * inner);
  }
  return { data: out, shape: [...shape] };
}

/** Convolution layers whose kernel (weight 0) is in convolution order. */
const CONV_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose']);

/** Whether a file's kernels must be flipped for Tessera: only Theano convolves (Keras's `_need_convert_kernel`). */
export function needsKernelFlip(backend: string | undefined): boolean {
  return backend === 'theano';
}

/** Whether a model holds a layer (nested ones too) whose weights a backend's convolution order affects. */
export function hasConvKernels(layer: Layer): boolean {
  if (layer instanceof Model) return layer.layers.some(hasConvKernels);
  return CONV_CLASSES.has(layer.className) && layer.weightEntries.length > 0;
}

function eq(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The Keras 1 -> Keras 2 layout change of one (non-nested) layer's weights. */
function keras1Layout(layer: Layer, weights: StoredWeight[]): StoredWeight[] {
  if (!CONV_CLASSES.has(layer.className) || weights.length === 0) return weights;
  const config = layer.getConfig() as { data_format?: string; kernel_size?: number[]; filters?: number };
  const out = [...weights];
  const k = out[0];
  const channelsFirst = config.data_format === 'channels_first';
  if (layer.className === 'Conv1D' && k.shape.length === 4) {
    // Keras 1.2: (length, 1, in, filters); Keras 1.1: (filters, in, length, 1).
    const length = config.kernel_size?.[0];
    let w = k;
    if (!(w.shape[0] === length && w.shape[1] === 1 && w.shape[3] === config.filters)) w = transposeWeight(w, [2, 3, 1, 0]);
    out[0] = { data: w.data, shape: [w.shape[0], w.shape[2], w.shape[3]] }; // w[:, 0, :, :]
  } else if (layer.className === 'Conv2D' && channelsFirst && k.shape.length === 4) {
    out[0] = transposeWeight(k, [2, 3, 1, 0]); // (filters, in, rows, cols) -> (rows, cols, in, filters)
  } else if (layer.className === 'Conv2DTranspose' && k.shape.length === 4) {
    out[0] = transposeWeight(k, channelsFirst ? [2, 3, 0, 1] : [0, 1, 3, 2]);
  } else if (layer.className === 'Conv3D' && channelsFirst && k.shape.length === 5) {
    out[0] = transposeWeight(k, [2, 3, 4, 1, 0]);
  }
  return out;
}

/** The conversions of one non-nested layer's weights. */
function convertLeaf(layer: Layer, weights: StoredWeight[], keras1: boolean, flip: boolean): StoredWeight[] {
  let out = keras1 ? keras1Layout(layer, weights) : weights;
  if (flip && CONV_CLASSES.has(layer.className) && out.length > 0 && out[0].shape.length >= 3) out = [convertKernel(out[0]), ...out.slice(1)];
  return out;
}

/**
 * A layer's weights from a legacy `.h5` in the layout Tessera's layer holds, as Keras 2's
 * `preprocess_weights_for_loading` converts them: from a Keras 1 file (`keras1`), Conv2D /
 * Conv3D kernels of `channels_first` layers go from (filters, in, ...) to (..., in, filters),
 * Conv1D kernels from Keras 1's 4-D forms to (length, in, filters), Conv2DTranspose kernels
 * to (rows, cols, filters, in); then, when the file's kernels come from Theano (`flip`),
 * every convolution kernel is flipped spatially. A nested model's weights (its legacy order:
 * trainable ones of all its layers, then the others) are converted layer by layer.
 * @param entries - the variables the weights are for, in the file's order (to find each
 *   weight's layer inside a nested model).
 */
export function convertLegacyWeights(layer: Layer, weights: StoredWeight[], entries: readonly { variable: unknown }[], keras1: boolean, flip: boolean): StoredWeight[] {
  if (!keras1 && !flip) return weights;
  if (!(layer instanceof Model)) return convertLeaf(layer, weights, keras1, flip);
  if (weights.length !== entries.length) return weights; // the count check reports it
  const out = [...weights];
  const position = new Map(entries.map((e, i) => [e.variable, i]));
  const visit = (m: Model) => {
    for (const sub of m.layers) {
      if (sub instanceof Model) {
        visit(sub);
        continue;
      }
      const at = sub.weightEntries.map((w) => position.get(w.variable));
      if (at.length === 0 || at.some((i) => i === undefined)) continue;
      const converted = convertLeaf(sub, at.map((i) => out[i!]), keras1, flip);
      at.forEach((i, j) => (out[i!] = converted[j]));
    }
  };
  visit(layer);
  return out;
}

/** Describes a stored shape for messages, with the file's own layout when it was converted. */
export function shapeNote(stored: StoredWeight, converted: StoredWeight): string | undefined {
  return eq(stored.shape, converted.shape) ? undefined : `[${stored.shape.join(', ')}] in the file`;
}
