import * as tf from '@tessera/tensor';
import { AxisError, DTypeError, ShapeError, type Tensor } from '@tessera/tensor';
import { concatRef, padRef, reshapeRef, reverseRef, sliceRef, tileRef, transposeRef, type RefTensor } from '../reference/index.js';
import { bools, ints, rand } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

const r = (shape: number[]) => rand(shape);

/** A case whose op and reference take the same extra arguments after the tensors. */
function layout<A extends unknown[]>(
  run: (xs: Tensor[], ...args: A) => Tensor,
  ref: (xs: RefTensor[], ...args: A) => RefTensor,
) {
  return (name: string, inputs: InputSpec[], ...args: A): ValueCase => ({
    name,
    inputs,
    op: (...xs: Tensor[]) => run(xs, ...args),
    ref: (...xs: RefTensor[]) => ref(xs, ...args),
  });
}

const transpose = layout(
  ([x], perm?: number[]) => tf.transpose(x, perm),
  ([x], perm?: number[]) => transposeRef(x, perm ?? x.shape.map((_, i) => x.shape.length - 1 - i)),
);
const concat = layout(
  (xs, axis: number) => tf.concat(xs, axis),
  (xs, axis: number) => concatRef(xs, axis),
);
const slice = layout(
  ([x], begin: number[], size?: number[]) => tf.slice(x, begin, size),
  ([x], begin: number[], size?: number[]) => {
    const b = x.shape.map((_, i) => begin[i] ?? 0);
    return sliceRef(x, b, x.shape.map((d, i) => (size?.[i] ?? -1) === -1 ? d - b[i] : size![i]));
  },
);
const pad = layout(
  ([x], paddings: Array<[number, number]>, value?: number) => tf.pad(x, paddings, value),
  ([x], paddings: Array<[number, number]>, value?: number) => padRef(x, paddings, value ?? 0),
);
const tile = layout(
  ([x], reps: number[]) => tf.tile(x, reps),
  ([x], reps: number[]) => tileRef(x, reps),
);
const reverse = layout(
  ([x], axis?: number | number[]) => tf.reverse(x, axis),
  ([x], axis?: number | number[]) => reverseRef(x, axis === undefined ? x.shape.map((_, i) => i) : typeof axis === 'number' ? [axis] : axis),
);

/** Cases of the kernels that move values without arithmetic. */
export const SHAPE_CASES: Record<'Transpose' | 'Concat' | 'Slice' | 'Pad' | 'Tile' | 'Reverse', KernelCases> = {
  Transpose: {
    op: 'transpose',
    values: [
      transpose('[2, 3] with the default perm', [r([2, 3])]),
      transpose('[2, 3, 4] perm [0, 2, 1]', [r([2, 3, 4])], [0, 2, 1]),
      transpose('[2, 3, 4] perm [1, 2, 0]', [r([2, 3, 4])], [1, 2, 0]),
      transpose('negative perm [-1, 0, 1]', [r([2, 3, 4])], [-1, 0, 1]),
      transpose('[2, 1, 3, 2] perm [3, 1, 0, 2]', [r([2, 1, 3, 2])], [3, 1, 0, 2]),
      transpose('int32', [ints([3, 2])], [1, 0]),
      transpose('bool', [bools([2, 3, 2])], [2, 0, 1]),
      transpose('size-0 [0, 3]', [r([0, 3])], [1, 0]),
      transpose('scalar', [r([])], []),
    ],
    grads: [transpose('[2, 3, 4] perm [2, 0, 1]', [r([2, 3, 4])], [2, 0, 1]), transpose('[3, 2] default perm', [r([3, 2])])],
    errors: [
      { name: 'perm [0, 0] throws AxisError', inputs: [r([2, 3])], run: (x) => tf.transpose(x, [0, 0]), error: AxisError },
      { name: 'a perm of the wrong length throws AxisError', inputs: [r([2, 3])], run: (x) => tf.transpose(x, [1, 0, 2]), error: AxisError },
    ],
  },
  Concat: {
    op: 'concat',
    values: [
      concat('two [2, 3] along axis 0', [r([2, 3]), r([2, 3])], 0),
      concat('three pieces along axis 1', [r([2, 1]), r([2, 3]), r([2, 2])], 1),
      concat('[2, 2, 3] and [2, 1, 3] along axis -2', [r([2, 2, 3]), r([2, 1, 3])], -2),
      concat('along the last axis of rank 3', [r([2, 3, 1]), r([2, 3, 2])], -1),
      concat('a size-0 piece', [r([2, 0]), r([2, 3]), r([2, 0])], 1),
      concat('1-D', [r([3]), r([1]), r([2])], 0),
      concat('int32', [ints([2, 2]), ints([1, 2])], 0),
      concat('bool', [bools([2, 1]), bools([2, 2])], 1),
    ],
    grads: [
      concat('three pieces along axis 1', [r([2, 1]), r([2, 3]), r([2, 2])], 1),
      concat('rank 3 along axis 0', [r([1, 2, 2]), r([2, 2, 2])], 0),
    ],
    errors: [
      { name: 'shapes [2, 3] and [3, 2] along axis 0 throw ShapeError', inputs: [r([2, 3]), r([3, 2])], run: (a, b) => tf.concat([a, b], 0), error: ShapeError },
      { name: 'float32 with int32 throws DTypeError', inputs: [r([2]), ints([2])], run: (a, b) => tf.concat([a, b]), error: DTypeError },
      { name: 'axis 2 of rank-2 pieces throws AxisError', inputs: [r([2, 3]), r([2, 3])], run: (a, b) => tf.concat([a, b], 2), error: AxisError },
      { name: 'scalars throw ShapeError', inputs: [r([]), r([])], run: (a, b) => tf.concat([a, b]), error: ShapeError },
    ],
  },
  Slice: {
    op: 'slice',
    values: [
      slice('[3, 4] begin [1, 1] size [2, 2]', [r([3, 4])], [1, 1], [2, 2]),
      slice('size -1 runs to the end', [r([3, 4])], [1, 2], [-1, -1]),
      slice('a shorter begin leaves the other axes whole', [r([3, 2, 4])], [1]),
      slice('[2, 3, 4] begin [0, 1, 2] size [2, 1, 2]', [r([2, 3, 4])], [0, 1, 2], [2, 1, 2]),
      slice('size 0', [r([3, 4])], [1, 0], [0, 4]),
      slice('the whole tensor', [r([2, 3])], [0, 0], [2, 3]),
      slice('int32', [ints([4, 3])], [2, 1], [2, 2]),
      slice('bool', [bools([5])], [1], [3]),
    ],
    grads: [
      slice('[3, 4, 2] begin [1, 0, 1] size [2, 3, 1]', [r([3, 4, 2])], [1, 0, 1], [2, 3, 1]),
      // split and unstack record their pieces as one node: its gradient concatenates the
      // pieces' gradients in order, with zeros for a piece no gradient reached.
      {
        name: 'split into 3 along axis 1, pieces reordered and the middle one unused',
        inputs: [r([2, 6])],
        op: (x) => {
          const [a, , c] = tf.split(x, 3, 1);
          return tf.concat([c, a], 1);
        },
        ref: (x) => concatRef([sliceRef(x, [0, 4], [2, 2]), sliceRef(x, [0, 0], [2, 2])], 1),
        needs: ['Concat'],
      },
      {
        name: 'unstack along axis 1, the last step first and the middle one unused',
        inputs: [r([2, 3, 2])],
        op: (x) => {
          const [p0, , p2] = tf.unstack(x, 1);
          return tf.concat([p2, tf.mul(p0, p0)], 1);
        },
        ref: (x) => {
          const step = (t: number) => reshapeRef(sliceRef(x, [0, t, 0], [2, 1, 2]), [2, 2]);
          const p0 = step(0);
          return concatRef([step(2), { ...p0, values: p0.values.map((v) => v * v) }], 1);
        },
        needs: ['Concat', 'Mul'],
      },
    ],
    errors: [
      { name: 'begin + size past the end throws ShapeError', inputs: [r([3, 4])], run: (x) => tf.slice(x, [2, 0], [2, 4]), error: ShapeError },
      { name: 'more begin entries than the rank throws ShapeError', inputs: [r([3])], run: (x) => tf.slice(x, [0, 0]), error: ShapeError },
    ],
  },
  Pad: {
    op: 'pad',
    values: [
      pad('[2, 3] with [[1, 0], [2, 1]]', [r([2, 3])], [[1, 0], [2, 1]]),
      pad('constant -1.5', [r([2, 2])], [[1, 1], [1, 1]], -1.5),
      pad('rank 3, some axes unpadded', [r([2, 1, 3])], [[0, 0], [2, 1], [0, 1]]),
      pad('a size-0 input becomes all padding', [r([0, 2])], [[1, 1], [0, 1]], 4),
      pad('int32 with constant 7', [ints([2, 2])], [[1, 0], [0, 2]], 7),
      pad('bool with constant 1', [bools([3])], [[2, 1]], 1),
      pad('scalar', [r([])], []),
    ],
    grads: [pad('[2, 3] with [[1, 2], [0, 1]]', [r([2, 3])], [[1, 2], [0, 1]], 0.5)],
    errors: [
      { name: 'one pair for a rank-2 tensor throws ShapeError', inputs: [r([2, 3])], run: (x) => tf.pad(x, [[1, 1]]), error: ShapeError },
      { name: 'a negative padding throws ShapeError', inputs: [r([2])], run: (x) => tf.pad(x, [[-1, 0]]), error: ShapeError },
    ],
  },
  Tile: {
    op: 'tile',
    values: [
      tile('[2, 3] reps [2, 1]', [r([2, 3])], [2, 1]),
      tile('[2] reps [3]', [r([2])], [3]),
      tile('[2, 1, 2] reps [1, 2, 3]', [r([2, 1, 2])], [1, 2, 3]),
      tile('reps with a 0', [r([2, 2])], [0, 3]),
      tile('size-0 input', [r([0, 2])], [3, 2]),
      tile('int32', [ints([2, 2])], [2, 2]),
      tile('bool', [bools([3])], [2]),
      tile('scalar', [r([])], []),
    ],
    grads: [tile('[2, 3] reps [3, 2]', [r([2, 3])], [3, 2]), tile('[2, 1, 2] reps [1, 3, 2]', [r([2, 1, 2])], [1, 3, 2])],
    errors: [{ name: 'reps of the wrong length throw ShapeError', inputs: [r([2, 3])], run: (x) => tf.tile(x, [2]), error: ShapeError }],
  },
  Reverse: {
    op: 'reverse',
    values: [
      reverse('[2, 3] along axis 1', [r([2, 3])], 1),
      reverse('[2, 3, 4] along axes [0, 2]', [r([2, 3, 4])], [0, 2]),
      reverse('all axes', [r([2, 3, 2])]),
      reverse('negative axis -2', [r([3, 2, 2])], -2),
      reverse('int32', [ints([5])], 0),
      reverse('bool', [bools([2, 3])], [0, 1]),
      reverse('size-0', [r([0, 3])], 1),
      reverse('scalar', [r([])]),
    ],
    grads: [reverse('[2, 3, 4] along axes [0, 2]', [r([2, 3, 4])], [0, 2])],
    errors: [
      { name: 'axis 2 of a rank-2 tensor throws AxisError', inputs: [r([2, 3])], run: (x) => tf.reverse(x, 2), error: AxisError },
      { name: 'a repeated axis throws AxisError', inputs: [r([2, 3])], run: (x) => tf.reverse(x, [0, -2]), error: AxisError },
    ],
  },
};
