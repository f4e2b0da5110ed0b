import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, type ComparisonKernelName, type Tensor } from '@tessera/tensor';
import { COMPARISON_FNS, elementwise, mapValues, type RefTensor } from '../reference/index.js';
import { bools, ints, rand, vals } from './inputs.js';
import type { ErrorCase, KernelCases, ValueCase } from './types.js';

type Compare = (a: Tensor, b: Tensor) => Tensor;

const T = true;
const F = false;

/**
 * The cases of a comparison (`logical` false: any dtype) or logical (bool only)
 * kernel; every result is bool.
 */
function comparisonKernel(opName: string, run: Compare, fn: (a: number, b: number) => number, logical: boolean): KernelCases {
  const op = (a: Tensor, b: Tensor) => run(a, b);
  const ref = (a: RefTensor, b: RefTensor) => elementwise([a, b], 'bool', fn);
  const c = (name: string, a: ValueCase['inputs'][number], b: ValueCase['inputs'][number]): ValueCase => ({ name, inputs: [a, b], op, ref });
  const values: ValueCase[] = logical
    ? [
        c('every combination', vals([F, F, T, T]), vals([F, T, F, T])),
        c('broadcast [2, 1] with [3]', bools([2, 1]), bools([3])),
        c('scalar with [2, 2]', bools([]), bools([2, 2])),
        c('size-0 [0, 2] with [2]', bools([0, 2]), bools([2])),
      ]
    : [
        c('float32 with ties', vals([-1, 0, 1, 2, 2.5, 3], [2, 3]), vals([0, 0, 1, 3, 2.5, -3], [2, 3])),
        c('broadcast [3, 1] with [1, 4]', rand([3, 1]), rand([1, 4])),
        c('infinities and signed zeros', vals([Infinity, -Infinity, Infinity, 0, -0]), vals([Infinity, Infinity, 0, -Infinity, 0])),
        c('int32 with scalar, ties included', ints([2, 3], [-2, 2]), vals([0], [], 'int32')),
        c('int32 beyond float32 precision', vals([16777217, -2147483648], [2], 'int32'), vals([16777216, -2147483647], [2], 'int32')),
        c('bool, every combination', vals([F, F, T, T]), vals([F, T, F, T])),
        c('size-0 [2, 0] with [1]', rand([2, 0]), rand([1])),
      ];
  const errors: ErrorCase[] = [
    logical
      ? { name: 'float32 operands throw DTypeError', inputs: [rand([2]), rand([2])], run: op, error: DTypeError }
      : { name: 'float32 with int32 throws DTypeError', inputs: [rand([2]), ints([2])], run: op, error: DTypeError },
    { name: 'shapes [2, 3] and [4] throw ShapeError', inputs: [bools([2, 3]), bools([4])], run: op, error: ShapeError },
  ];
  return { op: opName, values, grads: [], errors };
}

const logicalNot = (x: Tensor) => tf.logicalNot(x);
const not = (x: RefTensor) => mapValues(x, (v) => (v ? 0 : 1));

/** Cases of the comparison and logical kernels. */
export const COMPARE_CASES: Record<ComparisonKernelName | 'LogicalNot', KernelCases> = {
  Equal: comparisonKernel('equal', tf.equal, COMPARISON_FNS.Equal, false),
  NotEqual: comparisonKernel('notEqual', tf.notEqual, COMPARISON_FNS.NotEqual, false),
  Less: comparisonKernel('less', tf.less, COMPARISON_FNS.Less, false),
  LessEqual: comparisonKernel('lessEqual', tf.lessEqual, COMPARISON_FNS.LessEqual, false),
  Greater: comparisonKernel('greater', tf.greater, COMPARISON_FNS.Greater, false),
  GreaterEqual: comparisonKernel('greaterEqual', tf.greaterEqual, COMPARISON_FNS.GreaterEqual, false),
  LogicalAnd: comparisonKernel('logicalAnd', tf.logicalAnd, COMPARISON_FNS.LogicalAnd, true),
  LogicalOr: comparisonKernel('logicalOr', tf.logicalOr, COMPARISON_FNS.LogicalOr, true),
  LogicalNot: {
    op: 'logicalNot',
    values: [
      { name: '[2, 3]', inputs: [bools([2, 3])], op: logicalNot, ref: not },
      { name: 'scalar', inputs: [vals([T], [])], op: logicalNot, ref: not },
      { name: 'size-0 [0]', inputs: [bools([0])], op: logicalNot, ref: not },
    ],
    grads: [],
    errors: [{ name: 'float32 input throws DTypeError', inputs: [rand([2])], run: logicalNot, error: DTypeError }],
  },
};
