import { registerGradient } from '../autodiff/registry.js';
import { getEngine } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { broadcastShapes, formatShape, normalizeAxes, normalizeAxis, shapesEqual, sizeFromShape } from '../util/shape.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { op } from './op.js';
import { tile } from './tile.js';

/** Resolves one `-1` in a target shape, checking the element count. */
export function inferShape(target: Shape, size: number, opName: string, from: Shape): number[] {
  const out = [...target];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) throw new ShapeError(`${opName}: at most one dimension may be -1 but got ${formatShape(target)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`${opName}: expected non-negative integer dimensions (or one -1) but got ${formatShape(target)}`);
    }
  }
  if (unknown >= 0) {
    const known = sizeFromShape(out.filter((d) => d !== -1));
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${opName}: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(target)}`);
    }
    out[unknown] = size / known;
  }
  if (sizeFromShape(out) !== size) {
    throw new ShapeError(
      `${opName}: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(out)} (${sizeFromShape(out)} elements)`,
    );
  }
  return out;
}

/**
 * The same values in a new shape (no copy). One dimension may be -1.
 * @example
 * ```ts
 * reshape(range(0, 6), [2, -1]); // shape [2, 3]
 * ```
 */
export function reshape(x: TensorOrLike, shape: Shape): Tensor {
  return op('reshape', () => {
    const t = toTensor(x, 'x', 'reshape');
    return getEngine().reshape(t, inferShape(shape, t.size, 'reshape', t.shape));
  });
}

/**
 * Inserts a dimension of size 1 at `axis`.
 * @example
 * ```ts
 * expandDims(tensor([1, 2]), 1); // shape [2, 1]
 * ```
 */
export function expandDims(x: TensorOrLike, axis = 0): Tensor {
  return op('expandDims', () => {
    const t = toTensor(x, 'x', 'expandDims');
    const ax = normalizeAxis(axis, t.rank + 1, 'expandDims');
    const shape = [...t.shape];
    shape.splice(ax, 0, 1);
    return getEngine().reshape(t, shape);
  });
}

/**
 * Removes dimensions of size 1 (all of them, or those in `axis`, which must be 1).
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])); // shape [3]
 * ```
 */
export function squeeze(x: TensorOrLike, axis?: number | readonly number[]): Tensor {
  return op('squeeze', () => {
    const t = toTensor(x, 'x', 'squeeze');
    const axes = axis === undefined ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes(axis, t.rank, 'squeeze');
    for (const a of axes) {
      if (t.shape[a] !== 1) {
        throw new ShapeError(`squeeze: expected dimension ${a} of ${formatShape(t.shape)} to be 1 but it is ${t.shape[a]}`);
      }
    }
    return getEngine().reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
  });
}

/**
 * Broadcasts `x` to `shape` (NumPy rules), materializing the copies.
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2]), [3, 2]); // [[1, 2], [1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(x: TensorOrLike, shape: Shape): Tensor {
  return op('broadcastTo', () => {
    const t = toTensor(x, 'x', 'broadcastTo');
    const out = broadcastShapes('broadcastTo', t.shape, shape);
    if (!shapesEqual(out, shape)) {
      throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(t.shape)} to ${formatShape(shape)}`);
    }
    if (shapesEqual(t.shape, shape)) return getEngine().reshape(t, shape);
    const padded = [...new Array(shape.length - t.rank).fill(1), ...t.shape];
    const r = getEngine().reshape(t, padded);
    return tile(r, padded.map((d, i) => (d === shape[i] ? 1 : shape[i])));
  });
}

registerGradient('Reshape', (dy, _inputs, _y, attrs) => [getEngine().reshape(dy, attrs.shape as Shape)]);
