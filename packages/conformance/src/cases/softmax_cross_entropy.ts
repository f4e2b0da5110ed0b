import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, type KernelName, type Tensor } from '@tessera/tensor';
import { softmaxCrossEntropyGradRef, softmaxCrossEntropyRef } from '../reference/index.js';
import { ints, rand, vals } from './inputs.js';
import type { ErrorCase, GradCase, InputSpec, KernelCases, ValueCase } from './types.js';

/** One-hot labels `[rows, classes]` with the hot class of each row given. */
function oneHotRows(hot: readonly number[], classes: number): InputSpec {
  return vals(hot.flatMap((h) => Array.from({ length: classes }, (_, j) => (j === h ? 1 : 0))), [hot.length, classes]);
}

/** Soft labels: random in [0, 1] (their rows need not sum to 1, which the gradient honours). */
const soft = (shape: number[]) => rand(shape, [0, 1]);
const logits = (shape: number[]) => rand(shape, [-4, 4]);

/** A loss case: labels and logits of one shape. */
function loss(name: string, labels: InputSpec, x: InputSpec, wrt?: number[], needs?: KernelName[]): GradCase {
  return {
    name,
    inputs: [labels, x],
    op: (l: Tensor, z: Tensor) => tf.softmaxCrossEntropyWithLogits(l, z),
    ref: softmaxCrossEntropyRef,
    wrt,
    needs,
  };
}

/** A gradient-kernel case: dy (the logits' shape without its last axis), logits, labels. */
function grad(name: string, dy: InputSpec, x: InputSpec, labels: InputSpec): ValueCase {
  return {
    name,
    inputs: [dy, x, labels],
    op: (g: Tensor, z: Tensor, l: Tensor) => tf.softmaxCrossEntropyWithLogitsGrad(g, z, l),
    ref: softmaxCrossEntropyGradRef,
  };
}

function misuse(name: string, inputs: InputSpec[], run: (...xs: Tensor[]) => unknown, error: ErrorCase['error']): ErrorCase {
  return { name, inputs, run, error };
}

const lossOf = (l: Tensor, z: Tensor) => tf.softmaxCrossEntropyWithLogits(l, z);
const gradOf = (g: Tensor, z: Tensor, l: Tensor) => tf.softmaxCrossEntropyWithLogitsGrad(g, z, l);
const SATURATED = vals([1000, -1000, 0, 1000, 1000, 1000, -50, -60, -70], [3, 3]);
/** The labels' gradient is `-dy * logSoftmax(logits)`, written with ops. */
const LABEL_GRAD_NEEDS: KernelName[] = ['SoftmaxCrossEntropyWithLogitsGrad', 'Max', 'Sub', 'Exp', 'Sum', 'Log', 'Add', 'Neg', 'Mul'];

/** Cases of the fused softmax crossentropy and its gradient kernel. */
export const SOFTMAX_CROSS_ENTROPY_CASES: Record<'SoftmaxCrossEntropyWithLogits' | 'SoftmaxCrossEntropyWithLogitsGrad', KernelCases> = {
  SoftmaxCrossEntropyWithLogits: {
    op: 'softmaxCrossEntropyWithLogits',
    values: [
      loss('one-hot labels [4, 5]', oneHotRows([0, 4, 2, 2], 5), logits([4, 5])),
      loss('soft labels [3, 4]', soft([3, 4]), logits([3, 4])),
      loss('saturated logits stay finite (stable log-sum-exp)', oneHotRows([1, 0, 2], 3), SATURATED),
      loss('a single row [6] gives a scalar', soft([6]), logits([6])),
      loss('rank 3 [2, 3, 4]: one loss per row', soft([2, 3, 4]), logits([2, 3, 4])),
      loss('one class: the loss is 0', soft([3, 1]), logits([3, 1])),
      loss('no rows [0, 3]', soft([0, 3]), logits([0, 3])),
      loss('rows longer than a workgroup [2, 300]', soft([2, 300]), logits([2, 300])),
    ],
    grads: [
      loss('one-hot labels [3, 4], logits', oneHotRows([3, 0, 1], 4), logits([3, 4]), [1]),
      loss('soft labels [2, 5], logits and labels', soft([2, 5]), logits([2, 5]), [0, 1], LABEL_GRAD_NEEDS),
      loss('rank 3 [2, 2, 3], logits', soft([2, 2, 3]), logits([2, 2, 3]), [1]),
      loss('rows longer than a workgroup [2, 70], logits', soft([2, 70]), logits([2, 70]), [1]),
    ],
    errors: [
      misuse('labels [2, 4] for logits [2, 3] throw ShapeError', [soft([2, 4]), logits([2, 3])], lossOf, ShapeError),
      misuse('no classes [2, 0] throws ShapeError', [soft([2, 0]), logits([2, 0])], lossOf, ShapeError),
      misuse('int32 labels throw DTypeError', [ints([2, 3], [0, 1]), logits([2, 3])], lossOf, DTypeError),
    ],
  },
  SoftmaxCrossEntropyWithLogitsGrad: {
    op: 'softmaxCrossEntropyWithLogitsGrad',
    values: [
      grad('one-hot labels [4, 5]', rand([4]), logits([4, 5]), oneHotRows([1, 1, 4, 0], 5)),
      grad('soft labels [3, 4]', rand([3]), logits([3, 4]), soft([3, 4])),
      grad('saturated logits stay finite', rand([3]), SATURATED, oneHotRows([0, 2, 1], 3)),
      grad('rank 3 [2, 3, 4]', rand([2, 3]), logits([2, 3, 4]), soft([2, 3, 4])),
      grad('no rows [0, 3]', rand([0]), logits([0, 3]), soft([0, 3])),
      grad('rows longer than a workgroup [2, 300]', rand([2]), logits([2, 300]), soft([2, 300])),
    ],
    grads: [],
    errors: [
      misuse('dy [3] for 2 rows throws ShapeError', [rand([3]), logits([2, 3]), soft([2, 3])], gradOf, ShapeError),
      misuse('labels [2, 2] for logits [2, 3] throw ShapeError', [rand([2]), logits([2, 3]), soft([2, 2])], gradOf, ShapeError),
      misuse('int32 dy throws DTypeError', [ints([2]), logits([2, 3]), soft([2, 3])], gradOf, DTypeError),
    ],
  },
};
