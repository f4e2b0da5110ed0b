import * as tf from '@tessera/tensor';
import { AxisError, DTypeError, type KernelName, type ReduceKernelName, type Tensor } from '@tessera/tensor';
import { ALL, ANY, argReduceRef, MAX, MIN, PROD, reduceRef, reshapeRef, SUM, positiveAxis, type Fold, type RefTensor } from '../reference/index.js';
import { bools, ints, rand, vals } from './inputs.js';
import type { ErrorCase, InputSpec, KernelCases, ValueCase } from './types.js';

type Reducer = (x: Tensor, axis?: number | number[], keepDims?: boolean) => Tensor;

/** One reduction layout: an input, the axes (undefined: all), keepDims. */
interface Layout {
  readonly name: string;
  readonly input: InputSpec;
  readonly axis?: number | number[];
  readonly keepDims?: boolean;
  readonly needs?: readonly KernelName[];
}

/** Reference of a reduction with the op's axis and keepDims conventions. */
function reduction(fold: Fold, axis: number | number[] | undefined, keepDims: boolean, boolAs?: 'int32') {
  return (x: RefTensor): RefTensor => {
    const input = boolAs && x.dtype === 'bool' ? { ...x, dtype: boolAs } : x;
    const axes = axis === undefined ? undefined : typeof axis === 'number' ? [axis] : axis;
    const out = reduceRef(input, fold, axes);
    if (!keepDims) return out;
    const reduced = new Set((axes ?? x.shape.map((_, i) => i)).map((a) => positiveAxis(a, x.shape.length)));
    return reshapeRef(out, x.shape.map((d, i) => (reduced.has(i) ? 1 : d)));
  };
}

function layoutCase(run: Reducer, fold: Fold, l: Layout, boolAs?: 'int32'): ValueCase {
  return {
    name: l.name,
    inputs: [l.input],
    op: (x) => run(x, l.axis, l.keepDims),
    ref: reduction(fold, l.axis, l.keepDims ?? false, boolAs),
    needs: l.needs,
  };
}

/** The layouts every numeric reduction runs: axes one, several, negative, all, none; keepDims; size-1/size-0 dims. */
const NUMERIC_LAYOUTS: readonly Layout[] = [
  { name: '[2, 3, 4] over axis 1', input: rand([2, 3, 4]), axis: 1 },
  { name: '[2, 3, 4] over all axes', input: rand([2, 3, 4]) },
  { name: '[2, 3, 4] over axes [-1, 0]', input: rand([2, 3, 4]), axis: [-1, 0] },
  { name: '[2, 3, 4] over axis -1, keepDims', input: rand([2, 3, 4]), axis: -1, keepDims: true },
  { name: '[1, 5, 1] over axes [0, 2]', input: rand([1, 5, 1]), axis: [0, 2] },
  { name: '[3, 4] over no axes (axes [])', input: rand([3, 4]), axis: [] },
  { name: 'scalar over all axes', input: rand([]) },
  { name: '[0, 3] over axis 1 (empty result)', input: rand([0, 3]), axis: 1 },
  { name: 'int32 [3, 4] over axis 0 stays int32', input: ints([3, 4]), axis: 0 },
  { name: '[64, 3] over axis 0 (long reduction)', input: rand([64, 3]), axis: 0 },
];

/** Extra layouts of Sum and Prod: empty reductions give the identity, bools count as int32. */
const ARITHMETIC_LAYOUTS: readonly Layout[] = [
  { name: '[2, 0, 3] over axis 1 (empty reduction gives the identity)', input: rand([2, 0, 3]), axis: 1 },
  { name: 'bool [3, 4] over axis 1 counts as int32', input: bools([3, 4]), axis: 1, needs: ['Cast'] },
  { name: 'int32 beyond float32 precision', input: vals([16777217, 3, -16777216, 46340, 1, 46340], [2, 3], 'int32'), axis: 1 },
];

const EXTREME_LAYOUTS: readonly Layout[] = [
  { name: 'infinities', input: vals([-Infinity, Infinity, 1, -Infinity, -Infinity, 3e38], [2, 3]), axis: 1 },
  { name: 'int32 beyond float32 precision', input: vals([16777217, 16777216, -2147483647, -2147483646], [2, 2], 'int32'), axis: 1 },
];

const LOGICAL_LAYOUTS: readonly Layout[] = [
  { name: '[3, 4] over axis 1', input: bools([3, 4]), axis: 1 },
  { name: 'every row pattern over axis -1', input: vals([true, true, true, false, false, false], [3, 2]), axis: -1 },
  { name: '[2, 3, 2] over all axes', input: bools([2, 3, 2]) },
  { name: '[2, 3] over axis 0, keepDims', input: bools([2, 3]), axis: 0, keepDims: true },
  { name: '[2, 0] over axis 1 (empty reduction gives the identity)', input: bools([2, 0]), axis: 1 },
];

const axisErrors = (run: Reducer): ErrorCase[] => [
  { name: 'axis 2 of a rank-2 tensor throws AxisError', inputs: [rand([2, 3])], run: (x) => run(x, 2), error: AxisError },
  { name: 'a repeated axis throws AxisError', inputs: [rand([2, 3])], run: (x) => run(x, [1, -1]), error: AxisError },
];

/** What distinguishes one numeric reduction from another. */
interface NumericSpec {
  readonly extra: readonly Layout[];
  readonly grads: readonly Layout[];
  readonly errors?: readonly ErrorCase[];
  /** Sum and Prod count bools as int32. */
  readonly boolAs?: 'int32';
}

function numericReduction(op: string, run: Reducer, fold: Fold, s: NumericSpec): KernelCases {
  return {
    op,
    values: [...NUMERIC_LAYOUTS, ...s.extra].map((l) => layoutCase(run, fold, l, s.boolAs)),
    grads: s.grads.map((l) => layoutCase(run, fold, l)),
    errors: [...axisErrors(run), ...(s.errors ?? [])],
  };
}

const SUM_GRADS: readonly Layout[] = [
  { name: '[2, 3, 4] over axis 1', input: rand([2, 3, 4]), axis: 1 },
  { name: '[2, 3] over all axes', input: rand([2, 3]) },
  { name: '[2, 3, 2] over axes [0, -1], keepDims', input: rand([2, 3, 2]), axis: [0, -1], keepDims: true },
];

const PROD_GRADS: readonly Layout[] = [
  { name: '[2, 3] over axis 1', input: rand([2, 3], [0.5, 1.5]), axis: 1 },
  { name: 'rows with no, one and two zeros', input: vals([1.5, -2, 0.5, 0, 3, -1, 0, 2, 0], [3, 3]), axis: 1 },
  { name: '[2, 2] over all axes with signs', input: vals([-1.5, 2, 0.5, -3], [2, 2]) },
];

/** Random values are tie-free, which keeps max/min differentiable. */
const EXTREME_GRADS: readonly Layout[] = [
  { name: '[3, 4] over axis -1', input: rand([3, 4]), axis: -1 },
  { name: '[2, 3] over all axes', input: rand([2, 3]) },
  { name: '[2, 3, 2] over axes [0, 2], keepDims', input: rand([2, 3, 2]), axis: [0, 2], keepDims: true },
];

const boolInput = (run: Reducer): ErrorCase => ({ name: 'bool input throws DTypeError', inputs: [bools([3])], run: (x) => run(x), error: DTypeError });

function logicalReduction(op: string, run: Reducer, fold: Fold): KernelCases {
  return {
    op,
    values: LOGICAL_LAYOUTS.map((l) => layoutCase(run, fold, l)),
    grads: [],
    errors: [
      { name: 'float32 input throws DTypeError', inputs: [rand([3])], run: (x) => run(x), error: DTypeError },
      { name: 'axis 2 of a rank-2 tensor throws AxisError', inputs: [bools([2, 3])], run: (x) => run(x, 2), error: AxisError },
    ],
  };
}

type ArgReducer = (x: Tensor, axis?: number) => Tensor;

function argReduction(op: string, run: ArgReducer, better: (a: number, b: number) => boolean): KernelCases {
  const c = (name: string, input: InputSpec, axis?: number): ValueCase => ({
    name,
    inputs: [input],
    op: (x) => run(x, axis),
    ref: (x) => argReduceRef(x, axis ?? 0, better),
  });
  return {
    op,
    values: [
      c('[3, 5] over axis -1', rand([3, 5]), -1),
      c('[4, 3] over the default axis 0', rand([4, 3])),
      c('[2, 3, 4] over axis 1', rand([2, 3, 4]), 1),
      c('int32 with ties gives the first index', ints([4, 6], [0, 2]), 1),
      c('ties and infinities', vals([Infinity, Infinity, -Infinity, -Infinity, 0, 0], [3, 2]), 1),
      c('[3, 1] over its size-1 axis', rand([3, 1]), 1),
      c('[0, 3] over axis 1 (empty result)', rand([0, 3]), 1),
      c('[1] vector', rand([1]), 0),
    ],
    grads: [],
    errors: [
      { name: 'axis 2 of a rank-2 tensor throws AxisError', inputs: [rand([2, 3])], run: (x) => run(x, 2), error: AxisError },
      { name: 'bool input throws DTypeError', inputs: [bools([3])], run: (x) => run(x, 0), error: DTypeError },
    ],
  };
}

/** Cases of the reductions and the arg-reductions. */
export const REDUCE_CASES: Record<ReduceKernelName | 'ArgMax' | 'ArgMin', KernelCases> = {
  Sum: numericReduction('sum', tf.sum, SUM, { extra: ARITHMETIC_LAYOUTS, grads: SUM_GRADS, boolAs: 'int32' }),
  Prod: numericReduction('prod', tf.prod, PROD, { extra: ARITHMETIC_LAYOUTS, grads: PROD_GRADS, boolAs: 'int32' }),
  Max: numericReduction('max', tf.max, MAX, { extra: EXTREME_LAYOUTS, grads: EXTREME_GRADS, errors: [boolInput(tf.max)] }),
  Min: numericReduction('min', tf.min, MIN, { extra: EXTREME_LAYOUTS, grads: EXTREME_GRADS, errors: [boolInput(tf.min)] }),
  All: logicalReduction('all', tf.all, ALL),
  Any: logicalReduction('any', tf.any, ANY),
  ArgMax: argReduction('argMax', tf.argMax, (a, b) => a > b),
  ArgMin: argReduction('argMin', tf.argMin, (a, b) => a < b),
};
