import { DTypeError, ValueError, cast, getEngine, oneHot, reshape, tidy, type Tensor } from '@tessera/tensor';

/**
 * Keras's `to_categorical`: one-hot encodes integer class labels as float32.
 *
 * The output shape is the labels' shape (a trailing axis of size 1 dropped, as Keras does)
 * plus `[numClasses]`. Without `numClasses` it is the largest label + 1, which reads the
 * labels' values: on a backend that cannot read synchronously (WebGPU) pass `numClasses`, or
 * pass the labels as an array. Labels given as an array are checked (integers in
 * `[0, numClasses)`); labels given as a tensor with `numClasses` are not read, and one outside
 * the range gives a row of zeros, as `oneHot` does.
 *
 * @param labels - integer class labels: an int32 or float32 tensor, or an array of numbers.
 * @param numClasses - the number of classes (default: largest label + 1).
 * @returns a new float32 tensor; the caller disposes it.
 * @throws ValueError for labels that are negative, not integers or not below `numClasses`.
 * @example
 * ```ts
 * toCategorical([0, 2, 1]);          // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * const yTrainOneHot = toCategorical(yTrain, 10); // [60000, 10]
 * ```
 */
export function toCategorical(labels: Tensor | ArrayLike<number>, numClasses?: number): Tensor {
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new ValueError(`toCategorical: expected numClasses to be a positive integer but got ${numClasses}`);
  }
  if (isTensor(labels)) {
    if (labels.dtype === 'bool') throw new DTypeError('toCategorical: expected int32 or float32 labels but got bool');
    const shape = labels.rank > 1 && labels.shape[labels.rank - 1] === 1 ? labels.shape.slice(0, -1) : [...labels.shape];
    if (numClasses === undefined) return fromValues(labels.dataSync(), shape, undefined);
    const depth = numClasses;
    return tidy(() => reshape(oneHot(cast(reshape(labels, [labels.size]), 'int32'), depth), [...shape, depth]));
  }
  return fromValues(labels, [labels.length], numClasses);
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x && 'dtype' in x;
}

function fromValues(values: ArrayLike<number>, shape: readonly number[], numClasses: number | undefined): Tensor {
  let max = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new ValueError(`toCategorical: expected labels that are non-negative integers but label ${i} is ${v}`);
    }
    if (v > max) max = v;
  }
  const depth = numClasses ?? max + 1;
  if (depth < 1) throw new ValueError('toCategorical: expected at least one label to infer numClasses from but got none');
  if (max >= depth) {
    const i = Array.prototype.findIndex.call(values, (v: number) => v >= depth);
    throw new ValueError(`toCategorical: expected labels in [0, ${depth}) for numClasses ${depth} but label ${i} is ${values[i]}`);
  }
  const out = new Float32Array(values.length * depth);
  for (let i = 0; i < values.length; i++) out[i * depth + values[i]] = 1;
  return getEngine().makeTensor(out, [...shape, depth], 'float32');
}
