import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, ValueError, type KernelName, type Tensor } from '@tessera/tensor';
import { avgPoolGradRef, avgPoolRef, maxPoolGradRef, maxPoolRef, type PoolRef, type RefTensor } from '../reference/index.js';
import { distinct, ints, rand, vals } from './inputs.js';
import type { ErrorCase, InputSpec, KernelCases, ValueCase } from './types.js';

/** The options of a pooling case, as the 2-D ops take them. */
interface PoolOpts {
  readonly poolSize: number | [number, number];
  readonly strides?: number | [number, number];
  readonly padding?: 'valid' | 'same';
}

const pairOf = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
const poolOf = (o: PoolOpts): PoolRef => ({ poolSize: pairOf(o.poolSize), strides: pairOf(o.strides ?? o.poolSize), padding: o.padding ?? 'valid' });
const r = (shape: number[]) => rand(shape);

/** A 1-D pooling's reference: the 2-D one on a height-1 view. */
function as1d(ref: (x: RefTensor, p: PoolRef) => RefTensor, o: tf.Pool1DOptions) {
  return (x: RefTensor): RefTensor => {
    const [n, w, c] = x.shape;
    const y = ref({ ...x, shape: [n, 1, w, c] }, { poolSize: [1, o.poolSize], strides: [1, o.strides ?? o.poolSize], padding: o.padding });
    return { ...y, shape: [n, y.shape[2], c] };
  };
}

type PoolKind = 'max' | 'avg';
const OPS = {
  max: { pool2d: tf.maxPool2d, pool1d: tf.maxPool1d, ref: maxPoolRef, grad: 'MaxPoolGrad' },
  avg: { pool2d: tf.avgPool2d, pool1d: tf.avgPool1d, ref: avgPoolRef, grad: 'AvgPoolGrad' },
} as const;

function pool(kind: PoolKind, name: string, x: InputSpec, o: PoolOpts, needs?: KernelName[]): ValueCase {
  return { name, inputs: [x], op: (t) => OPS[kind].pool2d(t, o), ref: (t) => OPS[kind].ref(t, poolOf(o)), needs };
}

function pool1d(kind: PoolKind, name: string, x: InputSpec, o: tf.Pool1DOptions, needs?: KernelName[]): ValueCase {
  return { name, inputs: [x], op: (t) => OPS[kind].pool1d(t, o), ref: as1d(OPS[kind].ref, o), needs };
}

/** The value cases both poolings run. */
function poolValues(kind: PoolKind): ValueCase[] {
  return [
    pool(kind, 'pool 2, valid: [2, 6, 6, 3]', r([2, 6, 6, 3]), { poolSize: 2 }),
    pool(kind, 'pool 2, same on odd 7 x 5', r([2, 7, 5, 2]), { poolSize: 2, padding: 'same' }),
    pool(kind, 'pool 3, strides 1, same (overlapping windows)', r([2, 5, 5, 2]), { poolSize: 3, strides: 1, padding: 'same' }),
    pool(kind, 'pool [2, 3], strides [1, 2], valid', r([2, 5, 7, 1]), { poolSize: [2, 3], strides: [1, 2] }),
    pool(kind, 'pool 3, strides 2, valid on 7 x 7', r([1, 7, 7, 3]), { poolSize: 3, strides: 2 }),
    pool(kind, 'negative inputs, same: padding is never counted', rand([2, 5, 5, 2], [-3, -1]), { poolSize: 2, padding: 'same' }),
    pool(kind, 'pool 4, strides 3, same on 7 x 5', r([2, 7, 5, 1]), { poolSize: 4, strides: 3, padding: 'same' }),
    pool(kind, 'size-1 spatial dims, same', r([2, 1, 1, 3]), { poolSize: 2, padding: 'same' }),
    pool1d(kind, `${kind}Pool1d, pool 2: [2, 7, 3]`, r([2, 7, 3]), { poolSize: 2 }),
    pool1d(kind, `${kind}Pool1d, pool 3, strides 1, same`, r([2, 5, 2]), { poolSize: 3, strides: 1, padding: 'same' }),
  ];
}

/** The gradient cases both poolings run (distinct values, so a max never changes hands under the finite differences). */
function poolGrads(kind: PoolKind): ValueCase[] {
  const needs: KernelName[] = [OPS[kind].grad];
  return [
    pool(kind, 'pool 2, same on 7 x 5', distinct([2, 7, 5, 2]), { poolSize: 2, padding: 'same' }, needs),
    pool(kind, 'pool 3, strides 2, valid (overlapping)', distinct([1, 7, 7, 2], 2), { poolSize: 3, strides: 2 }, needs),
    pool1d(kind, `${kind}Pool1d, pool 2`, distinct([2, 5, 3], 3), { poolSize: 2 }, needs),
  ];
}

/** The misuses both poolings reject. */
function poolErrors(kind: PoolKind): ErrorCase[] {
  const run = (o: object) => (t: Tensor) => OPS[kind].pool2d(t, o as PoolOpts);
  return [
    { name: 'poolSize 0 throws ValueError', inputs: [r([1, 4, 4, 1])], run: run({ poolSize: 0 }), error: ValueError },
    { name: 'no poolSize throws ValueError', inputs: [r([1, 4, 4, 1])], run: run({}), error: ValueError },
    { name: 'strides [1, 0] throws ValueError', inputs: [r([1, 4, 4, 1])], run: run({ poolSize: 2, strides: [1, 0] }), error: ValueError },
    { name: 'x of rank 3 throws ShapeError', inputs: [r([4, 4, 1])], run: run({ poolSize: 2 }), error: ShapeError },
    { name: 'int32 x throws DTypeError', inputs: [ints([1, 4, 4, 1])], run: run({ poolSize: 2 }), error: DTypeError },
    { name: "pool 4 on 3 x 3 with 'valid' throws ShapeError", inputs: [r([1, 3, 3, 1])], run: run({ poolSize: 4 }), error: ShapeError },
    {
      name: `${kind}Pool1d: poolSize 2.5 throws ValueError`,
      inputs: [r([1, 4, 1])],
      run: (t) => OPS[kind].pool1d(t, { poolSize: 2.5 }),
      error: ValueError,
      op: `${kind}Pool1d`,
    },
  ];
}

function maxGrad(name: string, dy: InputSpec, x: InputSpec, o: PoolOpts): ValueCase {
  return { name, inputs: [dy, x], op: (g, t) => tf.maxPoolGrad(g, t, o), ref: (g, t) => maxPoolGradRef(g, t, poolOf(o)) };
}

function avgGrad(name: string, dy: number[], inputShape: number[], o: PoolOpts, needs?: KernelName[]): ValueCase {
  return { name, inputs: [r(dy)], op: (g) => tf.avgPoolGrad(g, inputShape, o), ref: (g) => avgPoolGradRef(g, inputShape, poolOf(o)), needs };
}

/** Cases of the poolings and their gradient kernels. */
export const POOL_CASES: Record<'MaxPool' | 'MaxPoolGrad' | 'AvgPool' | 'AvgPoolGrad', KernelCases> = {
  MaxPool: { op: 'maxPool2d', values: poolValues('max'), grads: poolGrads('max'), errors: poolErrors('max') },
  MaxPoolGrad: {
    op: 'maxPoolGrad',
    values: [
      maxGrad('pool 2, valid', r([2, 3, 3, 2]), r([2, 6, 6, 2]), { poolSize: 2 }),
      maxGrad('pool 3, strides 1, same: overlapping windows add up', r([2, 5, 5, 1]), r([2, 5, 5, 1]), { poolSize: 3, strides: 1, padding: 'same' }),
      maxGrad('pool 2, same on odd 7 x 5', r([2, 4, 3, 2]), r([2, 7, 5, 2]), { poolSize: 2, padding: 'same' }),
      maxGrad('pool 3, strides 2, valid', r([1, 3, 3, 3]), r([1, 7, 7, 3]), { poolSize: 3, strides: 2 }),
      maxGrad(
        'ties go to the first maximum, scanning rows',
        vals([1, 10, 100, 1000], [1, 2, 2, 1]),
        vals([1, 1, 2, 1, 2, 2, 0, 2, 2], [1, 3, 3, 1]),
        { poolSize: 2, strides: 1 },
      ),
    ],
    grads: [],
    errors: [
      {
        name: 'dy of the wrong shape throws ShapeError',
        inputs: [r([1, 3, 3, 1]), r([1, 4, 4, 1])],
        run: (g, t) => tf.maxPoolGrad(g, t, { poolSize: 2 }),
        error: ShapeError,
      },
    ],
  },
  AvgPool: { op: 'avgPool2d', values: poolValues('avg'), grads: poolGrads('avg'), errors: poolErrors('avg') },
  AvgPoolGrad: {
    op: 'avgPoolGrad',
    values: [
      avgGrad('pool 2, valid', [2, 3, 3, 2], [2, 6, 6, 2], { poolSize: 2 }),
      avgGrad('pool 2, same on odd 7 x 5: border windows share among fewer', [2, 4, 3, 2], [2, 7, 5, 2], { poolSize: 2, padding: 'same' }),
      avgGrad('pool 3, strides 1, same: overlapping windows add up', [2, 5, 5, 1], [2, 5, 5, 1], { poolSize: 3, strides: 1, padding: 'same' }),
      avgGrad('pool [2, 3], strides [1, 2], valid', [1, 4, 3, 2], [1, 5, 7, 2], { poolSize: [2, 3], strides: [1, 2] }),
    ],
    grads: [
      avgGrad('pool 2, same on odd 7 x 5', [2, 4, 3, 2], [2, 7, 5, 2], { poolSize: 2, padding: 'same' }, ['AvgPool']),
      avgGrad('pool 3, strides 1, same', [1, 5, 4, 2], [1, 5, 4, 2], { poolSize: 3, strides: 1, padding: 'same' }, ['AvgPool']),
    ],
    errors: [
      { name: 'dy of the wrong shape throws ShapeError', inputs: [r([1, 3, 3, 1])], run: (g) => tf.avgPoolGrad(g, [1, 4, 4, 1], { poolSize: 2 }), error: ShapeError },
      { name: 'an inputShape of rank 3 throws ShapeError', inputs: [r([1, 2, 2, 1])], run: (g) => tf.avgPoolGrad(g, [4, 4, 1], { poolSize: 2 }), error: ShapeError },
    ],
  },
};
