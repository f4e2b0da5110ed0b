import * as tf from '@tessera/tensor';
import { DTypeError, ValueError, type DType, type Tensor } from '@tessera/tensor';
import { oneHotRef, type RefTensor } from '../reference/index.js';
import { rand, vals } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

const idx = (values: number[], shape?: number[]) => vals(values, shape ?? [values.length], 'int32');

function oneHot(name: string, indices: InputSpec, depth: number, on = 1, off = 0, dtype: DType = 'float32'): ValueCase {
  return {
    name,
    inputs: [indices],
    op: (i: Tensor) => tf.oneHot(i, depth, on, off, dtype),
    ref: (i: RefTensor) => oneHotRef(i, depth, on, off, dtype),
  };
}

/** Cases of OneHot. */
export const ONE_HOT_CASES: { OneHot: KernelCases } = {
  OneHot: {
    op: 'oneHot',
    values: [
      oneHot('[4] depth 3, out-of-range and negative give off rows', idx([0, 2, 3, -1]), 3),
      oneHot('[2, 2] depth 4, on 5 off -1', idx([3, 0, 1, 1], [2, 2]), 4, 5, -1),
      oneHot('int32 output', idx([1, 0]), 2, 1, 0, 'int32'),
      oneHot('bool output', idx([2, 1]), 3, 1, 0, 'bool'),
      oneHot('scalar index', idx([1], []), 3),
      oneHot('no indices', idx([], [0]), 3),
      oneHot('depth 1', idx([0, 1]), 1),
    ],
    grads: [],
    errors: [
      { name: 'float32 indices throw DTypeError', inputs: [rand([2])], run: (i) => tf.oneHot(i, 3), error: DTypeError },
      { name: 'depth 0 throws ValueError', inputs: [idx([0])], run: (i) => tf.oneHot(i, 0), error: ValueError },
      {
        name: "an unknown dtype ('float64') throws DTypeError",
        inputs: [idx([0])],
        run: (i) => tf.oneHot(i, 2, 1, 0, 'float64' as DType),
        error: DTypeError,
      },
    ],
  },
};
