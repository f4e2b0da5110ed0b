import { registerGradient } from '../autodiff/registry.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { normalizeAxis, sizeFromShape } from '../util/shape.js';
import { assertDType, assertRank, toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';
import { pad } from './pad.js';
import { greaterEqual, less, logicalAnd, where } from './compare.js';

/**
 * Takes slices of `x` along `axis` at int32 `indices`; the output shape is
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`.
 * @example
 * ```ts
 * gather(tensor([10, 20, 30]), tensor([2, 0], undefined, 'int32')); // [30, 10]
 * ```
 */
export function gather(x: TensorOrLike, indices: TensorOrLike, axis = 0): Tensor {
  return op('gather', () => {
    const t = toTensor(x, 'x', 'gather');
    const idx = toTensor(indices, 'indices', 'gather', 'int32');
    assertDType(idx, ['int32'], 'indices', 'gather');
    assertRank(t, [1, Infinity], 'x', 'gather');
    return runKernel('Gather', [t, idx], { axis: normalizeAxis(axis, t.rank, 'gather') });
  });
}

/**
 * Sums the rows (axis 0) of `x` into `numSegments` buckets by `segmentIds`;
 * ids outside `[0, numSegments)` are dropped.
 * @example
 * ```ts
 * unsortedSegmentSum(tensor([1, 2, 3]), tensor([0, 1, 0], undefined, 'int32'), 2); // [4, 2]
 * ```
 */
export function unsortedSegmentSum(x: TensorOrLike, segmentIds: TensorOrLike, numSegments: number): Tensor {
  return op('unsortedSegmentSum', () => {
    const t = toTensor(x, 'x', 'unsortedSegmentSum');
    const ids = toTensor(segmentIds, 'segmentIds', 'unsortedSegmentSum', 'int32');
    assertDType(ids, ['int32'], 'segmentIds', 'unsortedSegmentSum');
    assertDType(t, ['float32', 'int32'], 'x', 'unsortedSegmentSum');
    assertRank(t, [1, Infinity], 'x', 'unsortedSegmentSum');
    assertRank(ids, 1, 'segmentIds', 'unsortedSegmentSum');
    if (ids.shape[0] !== t.shape[0]) {
      throw new ValueError(`unsortedSegmentSum: segmentIds has ${ids.shape[0]} entries but x has ${t.shape[0]} rows`);
    }
    if (!Number.isInteger(numSegments) || numSegments < 0) {
      throw new ValueError(`unsortedSegmentSum: expected a non-negative integer numSegments but got ${numSegments}`);
    }
    return runKernel('UnsortedSegmentSum', [t, ids], { numSegments });
  });
}

// Scatter-add the gradient back: view dy as [outer, I, inner], move the index axis
// first, sum rows into the gathered positions, and restore the layout.
registerGradient('Gather', (dy, [x, indices], _y, attrs) => {
  const axis = attrs.axis as number;
  const outer = sizeFromShape(x.shape.slice(0, axis));
  const inner = sizeFromShape(x.shape.slice(axis + 1));
  const n = x.shape[axis];
  const rows = transpose(reshape(dy, [outer, indices.size, inner]), [1, 0, 2]);
  const summed = unsortedSegmentSum(rows, reshape(indices, [indices.size]), n);
  return [reshape(transpose(summed, [1, 0, 2]), x.shape), null];
});

// Rows whose id was dropped (outside [0, numSegments)) get a zero gradient: they
// gather from an extra zero row appended to dy.
registerGradient('UnsortedSegmentSum', (dy, [, ids]) => {
  const n = dy.shape[0];
  const padded = pad(dy, dy.shape.map((_, i) => [0, i === 0 ? 1 : 0] as [number, number]));
  const inRange = logicalAnd(greaterEqual(ids, 0), less(ids, n));
  return [gather(padded, where(inRange, ids, n)), null];
});
