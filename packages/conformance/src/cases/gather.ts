import * as tf from '@tessera/tensor';
import { AxisError, DTypeError, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import { gatherRef, unsortedSegmentSumRef, type RefTensor } from '../reference/index.js';
import { bools, ints, rand, vals } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

const idx = (values: number[], shape?: number[]) => vals(values, shape ?? [values.length], 'int32');

function gather(name: string, x: InputSpec, indices: InputSpec, axis?: number): ValueCase {
  return {
    name,
    inputs: [x, indices],
    op: (t: Tensor, i: Tensor) => tf.gather(t, i, axis),
    ref: (t: RefTensor, i: RefTensor) => gatherRef(t, i, axis ?? 0),
  };
}

function segmentSum(name: string, x: InputSpec, ids: InputSpec, numSegments: number): ValueCase {
  return {
    name,
    inputs: [x, ids],
    op: (t: Tensor, i: Tensor) => tf.unsortedSegmentSum(t, i, numSegments),
    ref: (t: RefTensor, i: RefTensor) => unsortedSegmentSumRef(t, i, numSegments),
  };
}

/** Cases of Gather and UnsortedSegmentSum (its transpose, used by Gather's gradient). */
export const GATHER_CASES: Record<'Gather' | 'UnsortedSegmentSum', KernelCases> = {
  Gather: {
    op: 'gather',
    values: [
      gather('[5] at [3, 0, 3]', rand([5]), idx([3, 0, 3])),
      gather('[4, 3] along axis 0 at 2-D indices', rand([4, 3]), idx([3, 1, 0, 3], [2, 2]), 0),
      gather('[2, 4, 3] along axis 1', rand([2, 4, 3]), idx([2, 2, 0]), 1),
      gather('[2, 3, 4] along axis -1', rand([2, 3, 4]), idx([3, 0]), -1),
      gather('scalar index drops the axis', rand([4, 3]), idx([2], []), 0),
      gather('no indices', rand([4, 3]), idx([], [0]), 0),
      gather('int32', ints([6]), idx([5, 1, 1])),
      gather('bool', bools([3, 2]), idx([2, 0]), 0),
    ],
    grads: [
      gather('[5] at repeated indices [3, 0, 3, 3]', rand([5]), idx([3, 0, 3, 3])),
      gather('[2, 4, 3] along axis 1 at 2-D indices', rand([2, 4, 3]), idx([1, 3, 1, 0], [2, 2]), 1),
      gather('[3, 4] along axis -1', rand([3, 4]), idx([0, 0, 2])),
    ],
    errors: [
      { name: 'float32 indices throw DTypeError', inputs: [rand([3]), rand([2])], run: (x, i) => tf.gather(x, i), error: DTypeError },
      { name: 'axis 2 of a rank-2 tensor throws AxisError', inputs: [rand([2, 3]), idx([0])], run: (x, i) => tf.gather(x, i, 2), error: AxisError },
      { name: 'a scalar x throws ShapeError', inputs: [rand([]), idx([0])], run: (x, i) => tf.gather(x, i), error: ShapeError },
    ],
  },
  UnsortedSegmentSum: {
    op: 'unsortedSegmentSum',
    values: [
      segmentSum('[5] into 3 segments', rand([5]), idx([0, 2, 0, 1, 2]), 3),
      segmentSum('[4, 3] with ids out of range dropped', rand([4, 3]), idx([1, -1, 3, 1]), 3),
      segmentSum('[3, 2, 2] with an empty segment', rand([3, 2, 2]), idx([2, 0, 2]), 4),
      segmentSum('int32 stays int32', ints([4, 2]), idx([1, 0, 1, 1]), 2),
      segmentSum('no rows', rand([0, 2]), idx([], [0]), 3),
      segmentSum('zero segments', rand([3]), idx([0, 1, 2]), 0),
    ],
    grads: [
      segmentSum('[5, 2] with repeated and dropped ids', rand([5, 2]), idx([1, 0, 1, 3, -2]), 3),
      segmentSum('[4] into 2 segments', rand([4]), idx([1, 1, 0, 1]), 2),
    ],
    errors: [
      { name: 'float32 ids throw DTypeError', inputs: [rand([3]), rand([3])], run: (x, i) => tf.unsortedSegmentSum(x, i, 2), error: DTypeError },
      { name: 'ids of the wrong length throw ValueError', inputs: [rand([3]), idx([0, 1])], run: (x, i) => tf.unsortedSegmentSum(x, i, 2), error: ValueError },
      { name: '2-D ids throw ShapeError', inputs: [rand([2, 2]), idx([0, 1, 0, 1], [2, 2])], run: (x, i) => tf.unsortedSegmentSum(x, i, 2), error: ShapeError },
    ],
  },
};
