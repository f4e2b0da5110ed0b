import type { DType } from '@tessera/tensor';
import { at, forEachIndex, fromIndex, positiveAxis, sizeOf, type RefTensor } from './ref_tensor.js';

/** Slices of `x` along `axis` at `indices`: shape `x[:axis] + indices + x[axis+1:]`. */
export function gatherRef(x: RefTensor, indices: RefTensor, axis: number): RefTensor {
  const ax = positiveAxis(axis, x.shape.length);
  const ir = indices.shape.length;
  const shape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
  return fromIndex(shape, x.dtype, (index) => {
    const i = at(indices, index.slice(ax, ax + ir));
    return at(x, [...index.slice(0, ax), i, ...index.slice(ax + ir)]);
  });
}

/** Sums rows (axis 0) of `x` into `numSegments` buckets; ids outside `[0, numSegments)` are dropped. */
export function unsortedSegmentSumRef(x: RefTensor, segmentIds: RefTensor, numSegments: number): RefTensor {
  const rowSize = sizeOf(x.shape.slice(1));
  const values = new Array<number>(numSegments * rowSize).fill(0);
  forEachIndex(x.shape, (index, flat) => {
    const id = segmentIds.values[index[0]];
    if (id >= 0 && id < numSegments) values[id * rowSize + (flat % rowSize)] += x.values[flat];
  });
  return { shape: [numSegments, ...x.shape.slice(1)], dtype: x.dtype, values };
}

/** One-hot rows in a new last axis; indices outside `[0, depth)` give all `offValue`. */
export function oneHotRef(indices: RefTensor, depth: number, onValue: number, offValue: number, dtype: DType): RefTensor {
  return fromIndex([...indices.shape, depth], dtype, (index) =>
    at(indices, index.slice(0, -1)) === index[index.length - 1] ? onValue : offValue,
  );
}
