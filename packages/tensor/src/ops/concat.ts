import { registerGradient, registerOutputsGradient } from '../autodiff/registry.js';
import { getEngine } from '../engine/engine.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape, normalizeAxis } from '../util/shape.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { zerosLike } from './creation.js';
import { op, runKernel } from './op.js';
import { expandDims, reshape } from './reshape.js';
import { slice } from './slice.js';

/**
 * Joins tensors along an existing axis; the other dimensions must match.
 * @example
 * ```ts
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0); // [[1, 2], [3, 4]]
 * ```
 */
export function concat(xs: readonly TensorOrLike[], axis = 0): Tensor {
  return op('concat', () => {
    if (xs.length === 0) throw new ValueError('concat: expected at least one tensor but got none');
    const ts = xs.map((x, i) => toTensor(x, `xs[${i}]`, 'concat'));
    const first = ts[0];
    if (first.rank === 0) throw new ShapeError('concat: cannot concatenate scalars (rank 0); use stack');
    const ax = normalizeAxis(axis, first.rank, 'concat');
    ts.forEach((t, i) => {
      if (t.dtype !== first.dtype) throw new DTypeError(`concat: xs[${i}] has dtype ${t.dtype} but xs[0] has ${first.dtype}`);
      const same = t.rank === first.rank && t.shape.every((d, j) => j === ax || d === first.shape[j]);
      if (!same) {
        throw new ShapeError(
          `concat: xs[${i}] has shape ${formatShape(t.shape)} but xs[0] has ${formatShape(first.shape)}; ` +
            `all dimensions except axis ${ax} must match`,
        );
      }
    });
    if (ts.length === 1) return reshape(first, first.shape);
    return runKernel('Concat', ts, { axis: ax });
  });
}

/**
 * Joins same-shaped tensors along a new axis.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])], 1); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(xs: readonly TensorOrLike[], axis = 0): Tensor {
  return op('stack', () => {
    if (xs.length === 0) throw new ValueError('stack: expected at least one tensor but got none');
    const ts = xs.map((x, i) => toTensor(x, `xs[${i}]`, 'stack'));
    ts.forEach((t, i) => {
      if (t.shape.length !== ts[0].shape.length || t.shape.some((d, j) => d !== ts[0].shape[j])) {
        throw new ShapeError(`stack: xs[${i}] has shape ${formatShape(t.shape)} but xs[0] has ${formatShape(ts[0].shape)}`);
      }
    });
    const ax = normalizeAxis(axis, ts[0].rank + 1, 'stack');
    return concat(ts.map((t) => expandDims(t, ax)), ax);
  });
}

/**
 * Splits along `axis` into `numOrSizes` equal parts, or parts of the given sizes
 * (one size may be -1). The parts are one node for gradients: backpropagation joins
 * their gradients in one concat (zeros for a part the result does not use).
 * @example
 * ```ts
 * split(range(0, 6), 3);        // [[0, 1], [2, 3], [4, 5]]
 * split(range(0, 6), [1, -1]);  // [[0], [1, 2, 3, 4, 5]]
 * ```
 */
export function split(x: TensorOrLike, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
  return op('split', () => {
    const t = toTensor(x, 'x', 'split');
    const ax = normalizeAxis(axis, t.rank, 'split');
    const dim = t.shape[ax];
    let sizes: number[];
    if (typeof numOrSizes === 'number') {
      if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || dim % numOrSizes !== 0) {
        throw new ShapeError(`split: cannot split dimension ${ax} of size ${dim} into ${numOrSizes} equal parts`);
      }
      sizes = new Array(numOrSizes).fill(dim / numOrSizes);
    } else {
      sizes = [...numOrSizes];
      const unknown = sizes.indexOf(-1);
      if (unknown >= 0) sizes[unknown] = dim - sizes.reduce((s, v, i) => (i === unknown ? s : s + v), 0);
      if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((a, b) => a + b, 0) !== dim) {
        throw new ShapeError(`split: sizes [${numOrSizes.join(', ')}] do not add up to dimension ${ax} of size ${dim}`);
      }
    }
    const engine = getEngine();
    // The pieces are one tape node whose gradient is one concat: recorded slice by slice,
    // each piece's gradient would be padded to x's whole shape and added up (T pieces: T
    // full-size pads and adds, which dominated an LSTM's backward pass over its steps).
    const out = engine.withoutRecording(() => {
      const pieces: Tensor[] = [];
      let offset = 0;
      for (const s of sizes) {
        const begin = t.shape.map((_, i) => (i === ax ? offset : 0));
        const size = t.shape.map((d, i) => (i === ax ? s : d));
        pieces.push(slice(t, begin, size));
        offset += s;
      }
      return pieces;
    });
    engine.record('Split', [t], out, { axis: ax });
    return out;
  });
}

/**
 * Splits along `axis` into rank-reduced slices (one node for gradients, as {@link split}:
 * an RNN's steps cost one concat in backpropagation, not one pad per step).
 * @example
 * ```ts
 * unstack(tensor([[1, 2], [3, 4]])); // [[1, 2], [3, 4]] as two tensors
 * ```
 */
export function unstack(x: TensorOrLike, axis = 0): Tensor[] {
  return op('unstack', () => {
    const t = toTensor(x, 'x', 'unstack');
    const ax = normalizeAxis(axis, t.rank, 'unstack');
    const rest = t.shape.filter((_, i) => i !== ax);
    return split(t, t.shape[ax], ax).map((p) => reshape(p, rest));
  });
}

registerGradient('Concat', (dy, inputs, _y, attrs) => {
  const axis = attrs.axis as number;
  let offset = 0;
  return inputs.map((x) => {
    const begin = x.shape.map((_, i) => (i === axis ? offset : 0));
    offset += x.shape[axis];
    return slice(dy, begin, x.shape);
  });
});

// Split's pieces, one node: a piece no gradient reached contributes zeros.
registerOutputsGradient('Split', (dys, _inputs, outputs, attrs) => [
  concat(dys.map((dy, i) => dy ?? zerosLike(outputs[i])), attrs.axis as number),
]);
