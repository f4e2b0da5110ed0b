import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, type Tensor } from '@tessera/tensor';
import { elementwise, type RefTensor } from '../reference/index.js';
import { bools, ints, rand } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

const where = (c: Tensor, a: Tensor, b: Tensor) => tf.where(c, a, b);
const ref = (c: RefTensor, a: RefTensor, b: RefTensor) => elementwise([c, a, b], a.dtype, (cv, av, bv) => (cv ? av : bv));

const select = (name: string, c: InputSpec, a: InputSpec, b: InputSpec): ValueCase => ({ name, inputs: [c, a, b], op: where, ref });

/** Cases of Select (`where`): all three operands broadcast. */
export const SELECT_CASES: { Select: KernelCases } = {
  Select: {
    op: 'where',
    values: [
      select('same shapes [2, 3]', bools([2, 3]), rand([2, 3]), rand([2, 3])),
      select('condition [2, 1], a [3], b [2, 3]', bools([2, 1]), rand([3]), rand([2, 3])),
      select('scalar condition', bools([]), rand([2, 2]), rand([2, 2])),
      select('condition [2, 2, 1] broadcast against scalars', bools([2, 2, 1]), rand([]), rand([1, 3])),
      select('int32 operands', bools([4]), ints([4]), ints([4])),
      select('bool operands', bools([2, 2]), bools([2, 2]), bools([2])),
      select('size-0', bools([0, 2]), rand([2]), rand([1, 2])),
    ],
    grads: [
      select('same shapes [2, 3]', bools([2, 3]), rand([2, 3]), rand([2, 3])),
      select('a and b broadcast: condition [2, 4, 1], a [2, 1, 3], b [3]', bools([2, 4, 1]), rand([2, 1, 3]), rand([3])),
    ],
    errors: [
      { name: 'a float32 condition throws DTypeError', inputs: [rand([2]), rand([2]), rand([2])], run: where, error: DTypeError },
      { name: 'shapes that do not broadcast throw ShapeError', inputs: [bools([3]), rand([2]), rand([2])], run: where, error: ShapeError },
      { name: 'a float32 and b int32 throw DTypeError', inputs: [bools([2]), rand([2]), ints([2])], run: where, error: DTypeError },
    ],
  },
};
