import { Bidirectional, GRU, LSTM, type Layer } from '@tessera/layers';
import { ModelFileError } from '../errors.js';
import { transposeWeight, type StoredWeight } from './keras1_weights.js';

/**
 * The recurrent weight layouts of Keras 2 files, converted as Keras 2's `_convert_rnn_weights`
 * (keras/engine/saving.py) converts them when it loads: a CuDNNLSTM's weights (bias of
 * `8 * units`: input and recurrent biases) into an LSTM, a CuDNNGRU's (`6 * units`) into a
 * GRU with `reset_after`; a Bidirectional's halves each on their own. The source is told by
 * the shape of the bias, as in Keras. A reset-before GRU and CuDNN's GRU do not convert:
 * that is a typed error, as Keras 2 refuses it.
 */

/** `np.hstack([f(k) for k in np.hsplit(w, gates)])` of a 2-D weight. */
function perGate(w: StoredWeight, gates: number, f: (k: StoredWeight) => StoredWeight): StoredWeight {
  const [rows, cols] = w.shape;
  const width = cols / gates;
  const blocks: StoredWeight[] = [];
  for (let g = 0; g < gates; g++) {
    const data = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) data.set(w.data.subarray(r * cols + g * width, r * cols + (g + 1) * width), r * width);
    blocks.push(f({ data, shape: [rows, width] }));
  }
  const outRows = blocks[0].shape[0];
  const outWidth = blocks[0].shape[1];
  const out = new Float32Array(outRows * outWidth * gates);
  blocks.forEach((b, g) => {
    for (let r = 0; r < outRows; r++) out.set(b.data.subarray(r * outWidth, (r + 1) * outWidth), r * outWidth * gates + g * outWidth);
  });
  return { data: out, shape: [outRows, outWidth * gates] };
}

/** Keras 2's `transpose_input(from_cudnn=True)`: `k.T.reshape(k.shape, order='F')`, CuDNN's column-major input kernel. */
function fromCudnnInput(k: StoredWeight): StoredWeight {
  const [rows, cols] = k.shape;
  const out = new Float32Array(k.data.length);
  // out[a, b] = (k.T in Fortran order)[a + b * rows], and that order is k's row-major order.
  for (let a = 0; a < rows; a++) for (let b = 0; b < cols; b++) out[a * cols + b] = k.data[a + b * rows];
  return { data: out, shape: [rows, cols] };
}

const transpose2d = (k: StoredWeight) => transposeWeight(k, [1, 0]);

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Where a conversion failure is reported. */
export interface RnnWeightsDetails {
  file?: string;
  layer: string;
}

function convertLstm(weights: StoredWeight[], details: RnnWeightsDetails): StoredWeight[] {
  if (weights.length !== 3 || weights[1].shape.length !== 2) return weights;
  const units = weights[1].shape[0];
  const bias = weights[2].shape;
  if (sameShape(bias, [4 * units])) return weights;
  if (!sameShape(bias, [8 * units])) {
    throw new ModelFileError('weight_mismatch', `an LSTM's bias has an invalid shape`, {
      ...details,
      expected: `[${4 * units}] (LSTM) or [${8 * units}] (CuDNNLSTM)`,
      found: `[${bias.join(', ')}]`,
    });
  }
  // CuDNNLSTM: per-gate input kernels from CuDNN's layout, recurrent kernels transposed, the two biases summed.
  const b = weights[2].data;
  const summed = new Float32Array(4 * units);
  for (let i = 0; i < 4 * units; i++) summed[i] = b[i] + b[i + 4 * units];
  return [perGate(weights[0], 4, fromCudnnInput), perGate(weights[1], 4, transpose2d), { data: summed, shape: [4 * units] }];
}

function convertGru(weights: StoredWeight[], resetAfter: boolean, details: RnnWeightsDetails): StoredWeight[] {
  if (weights.length !== 3 || weights[1].shape.length !== 2) return weights;
  const units = weights[1].shape[0];
  const bias = weights[2].shape;
  const source = sameShape(bias, [6 * units])
    ? 'CuDNNGRU'
    : sameShape(bias, [2, 3 * units])
      ? 'GRU(reset_after=True)'
      : sameShape(bias, [3 * units])
        ? 'GRU(reset_after=False)'
        : undefined;
  if (!source) {
    throw new ModelFileError('weight_mismatch', `a GRU's bias has an invalid shape`, {
      ...details,
      expected: `[${3 * units}], [2, ${3 * units}] or [${6 * units}] (CuDNNGRU)`,
      found: `[${bias.join(', ')}]`,
    });
  }
  const target = resetAfter ? 'GRU(reset_after=True)' : 'GRU(reset_after=False)';
  if (source === target) return weights;
  if (source === 'GRU(reset_after=False)' || target === 'GRU(reset_after=False)') {
    throw new ModelFileError('weight_mismatch', `the file's ${source} weights are not compatible with a ${target} (as in Keras 2, they do not convert)`, {
      ...details,
      expected: `weights of a ${target}`,
      found: `a bias of shape [${bias.join(', ')}] (${source})`,
    });
  }
  // CuDNNGRU -> GRU(reset_after=True): the kernels as for the LSTM, the bias as [2, 3 * units].
  return [perGate(weights[0], 3, fromCudnnInput), perGate(weights[1], 3, transpose2d), { data: weights[2].data, shape: [2, 3 * units] }];
}

/**
 * A legacy file's weights of one layer, with Keras 2's recurrent layouts converted for the
 * layer (LSTM, GRU, Bidirectional of them); other layers' weights are returned as they are.
 * @throws ModelFileError `weight_mismatch` for a bias of no known layout, or GRU weights that do not convert.
 */
export function convertRnnWeights(layer: Layer, weights: StoredWeight[], details: RnnWeightsDetails): StoredWeight[] {
  if (layer instanceof Bidirectional) {
    const half = weights.length / 2;
    if (!Number.isInteger(half)) return weights;
    return [
      ...convertRnnWeights(layer.forwardLayer, weights.slice(0, half), details),
      ...convertRnnWeights(layer.backwardLayer, weights.slice(half), details),
    ];
  }
  if (layer instanceof LSTM) return convertLstm(weights, details);
  if (layer instanceof GRU) return convertGru(weights, layer.cell.resetAfter, details);
  return weights;
}
