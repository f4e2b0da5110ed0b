import * as tf from '@tessera/tensor';
import type { BinaryKernelName } from '@tessera/tensor';
import { BINARY_FNS } from '../reference/index.js';
import { binaryKernel } from './builders.js';
import { vals } from './inputs.js';
import type { KernelCases } from './types.js';

const awayFromZero = (v: number) => Math.abs(v) < 0.5;

/** int32 operands whose results float32 cannot hold exactly (above 2^24): int32 math must stay exact. */
const WIDE_INT32 = (a: number[], b: number[]) => ({ a, b, dtype: 'int32' }) as const;

/**
 * What floor division and Python's `%` share: divisors away from 0, and operands
 * of both signs (int32, and float32 with fractions) where they differ from C's
 * truncating division.
 */
const FLOORED = {
  bAvoid: awayFromZero,
  int32: { a: [-9, 9], b: [-4, 4] },
  special: [
    { a: [-7, 7, -7, 7, -6, 0, 1, -1], b: [2, 2, -2, -2, 3, 5, -5, 5], dtype: 'int32' },
    { a: [-7, 7, -7, 7, -7.5, 7.5, 1e-3, 0], b: [2, 2, -2, -2, 2, -2, -3, 5] },
    WIDE_INT32([2147483647, -2147483647, 16777217, 33554435], [10, 10, 2, -4]),
  ],
} as const;

/** Cases of the broadcasting arithmetic kernels. */
export const BINARY_CASES: Record<BinaryKernelName, KernelCases> = {
  Add: binaryKernel({
    op: 'add',
    run: tf.add,
    fn: BINARY_FNS.Add,
    special: [{ a: [Infinity, -Infinity, 1e38], b: [1, Infinity, 1e38] }, WIDE_INT32([16777217, 2147483640, -16777217], [2, 7, -4])],
  }),
  Sub: binaryKernel({ op: 'sub', run: tf.sub, fn: BINARY_FNS.Sub, special: [WIDE_INT32([16777219, -2147483640, 5], [2, 8, 16777220])] }),
  Mul: binaryKernel({
    op: 'mul',
    run: tf.mul,
    fn: BINARY_FNS.Mul,
    special: [{ a: [1e20, -0, Infinity], b: [1e20, 5, -2] }, WIDE_INT32([16777217, 46340, -65537], [3, 46340, 32767])],
  }),
  Div: binaryKernel({
    op: 'div',
    run: tf.div,
    fn: BINARY_FNS.Div,
    bAvoid: awayFromZero,
    int32: false,
    special: [{ a: [1, -1, 0, 7, -7], b: [0, 0, 0, 2, -2] }],
  }),
  Pow: binaryKernel({
    op: 'pow',
    run: tf.pow,
    fn: BINARY_FNS.Pow,
    a: [0.1, 3],
    b: [-2, 2],
    int32: { a: [-3, 3], b: [0, 4] },
    special: [
      { a: [-2, -2, 0, 0, 2, -8, 4, 1], b: [3, 2, 0, 2, -1, 1 / 3, 0.5, 1e6] },
      { a: [-2, -3, 0, 5, 2], b: [3, 2, 0, 0, 10], dtype: 'int32' },
    ],
    grad: { a: [0.5, 2.5], b: [-2, 2] },
  }),
  Maximum: binaryKernel({
    op: 'maximum',
    run: tf.maximum,
    fn: BINARY_FNS.Maximum,
    special: [{ a: [-Infinity, 1, -0], b: [-1e38, 1, 0] }, WIDE_INT32([16777217, -2147483647], [16777216, -2147483646])],
  }),
  Minimum: binaryKernel({
    op: 'minimum',
    run: tf.minimum,
    fn: BINARY_FNS.Minimum,
    special: [{ a: [Infinity, 1, 3], b: [1e38, 1, -3] }, WIDE_INT32([16777217, 2147483647], [16777218, 2147483646])],
  }),
  SquaredDifference: binaryKernel({ op: 'squaredDifference', run: tf.squaredDifference, fn: BINARY_FNS.SquaredDifference }),
  FloorDiv: binaryKernel({
    op: 'floorDiv',
    run: tf.floorDiv,
    fn: BINARY_FNS.FloorDiv,
    ...FLOORED,
    grad: false,
  }),
  Mod: binaryKernel({
    op: 'mod',
    run: tf.mod,
    fn: BINARY_FNS.Mod,
    ...FLOORED,
    // a / b is kept off integers: floor(a / b) jumps there.
    grad: {
      a: [0.6, 0.9],
      b: [1, 1.5],
      explicit: [vals([-5.3, 4.7, 7.9, -2.2, 3.3, 6.1], [2, 3]), vals([2, 1.5, -3], [3])],
    },
  }),
};
