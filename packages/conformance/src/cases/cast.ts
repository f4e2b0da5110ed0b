import * as tf from '@tessera/tensor';
import { DTypeError, type DType, type Tensor } from '@tessera/tensor';
import { castRef, type RefTensor } from '../reference/index.js';
import { bools, ints, rand, vals } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

function cast(name: string, x: InputSpec, dtype: DType): ValueCase {
  return { name, inputs: [x], op: (t: Tensor) => tf.cast(t, dtype), ref: (t: RefTensor) => castRef(t, dtype) };
}

/** Cases of Cast: every pair of dtypes, truncation toward zero, `!= 0` for bool. */
export const CAST_CASES: { Cast: KernelCases } = {
  Cast: {
    op: 'cast',
    values: [
      cast('float32 to int32 truncates toward zero', vals([-2.7, -0.5, -0, 0.5, 2.9, 1e6, -16777216]), 'int32'),
      cast('float32 to bool is != 0', vals([0, -0, 1e-30, -3, Infinity]), 'bool'),
      cast('float32 to float32 copies', rand([2, 3]), 'float32'),
      cast('int32 to float32', vals([-2147483648, -1, 0, 7, 16777216], undefined, 'int32'), 'float32'),
      cast('int32 to bool', ints([2, 3], [-2, 2]), 'bool'),
      cast('int32 to int32', ints([4]), 'int32'),
      cast('bool to float32', bools([2, 3]), 'float32'),
      cast('bool to int32', bools([5]), 'int32'),
      cast('bool to bool', bools([3]), 'bool'),
      cast('scalar', rand([]), 'int32'),
      cast('size-0', rand([0, 2]), 'int32'),
    ],
    grads: [cast('float32 to float32 passes the gradient', rand([2, 3]), 'float32')],
    errors: [
      {
        name: "an unknown dtype ('float64') throws DTypeError",
        inputs: [rand([2])],
        run: (x) => tf.cast(x, 'float64' as DType),
        error: DTypeError,
      },
    ],
  },
};
