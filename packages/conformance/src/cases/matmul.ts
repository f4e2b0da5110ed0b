import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, type Tensor } from '@tessera/tensor';
import { matMulRef, type RefTensor } from '../reference/index.js';
import { bools, ints, rand, vals } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

/**
 * Backends may sum products in float32 (GPUs do, and fast CPU kernels): the error of a
 * k-term dot product is then up to about k·2⁻²⁴·Σ|aᵢbᵢ| (~1e-4 for these inputs), so
 * near-zero results get an absolute allowance; large ones stay checked relatively.
 */
export const ACCUMULATION_TOLERANCE = { atol: 1e-4 } as const;

/** One product: operand shapes (as stored) and the transpose flags. */
function product(name: string, a: InputSpec, b: InputSpec, transposeA = false, transposeB = false): ValueCase {
  return {
    name,
    tolerance: ACCUMULATION_TOLERANCE,
    inputs: [a, b],
    op: (x: Tensor, y: Tensor) => tf.matMul(x, y, transposeA, transposeB),
    ref: (x: RefTensor, y: RefTensor) => matMulRef(x, y, transposeA, transposeB),
  };
}

const r = (shape: number[]) => rand(shape);
const matMul = (a: Tensor, b: Tensor) => tf.matMul(a, b);

/** Cases of MatMul: transposes, batches that broadcast, empty and size-1 dims, int32, sizes off any tile. */
export const MATMUL_CASES: { MatMul: KernelCases } = {
  MatMul: {
    op: 'matMul',
    values: [
      product('[2, 3] x [3, 4]', r([2, 3]), r([3, 4])),
      product('transposeA: [3, 2]ᵀ x [3, 4]', r([3, 2]), r([3, 4]), true),
      product('transposeB: [2, 3] x [4, 3]ᵀ', r([2, 3]), r([4, 3]), false, true),
      product('both transposed: [3, 2]ᵀ x [4, 3]ᵀ', r([3, 2]), r([4, 3]), true, true),
      product('batch [2, 2, 3] x [2, 3, 4]', r([2, 2, 3]), r([2, 3, 4])),
      product('batch broadcast [2, 1, 2, 3] x [3, 3, 2]', r([2, 1, 2, 3]), r([3, 3, 2])),
      product('batch broadcast [4, 2, 3] x [3, 5]', r([4, 2, 3]), r([3, 5])),
      product('batch broadcast, transposed: [2, 3]ᵀ x [3, 4, 3]ᵀ', r([3, 2]), r([3, 4, 3]), true, true),
      product('inner size 0: [2, 0] x [0, 3] gives zeros', r([2, 0]), r([0, 3])),
      product('no rows: [0, 3] x [3, 2]', r([0, 3]), r([3, 2])),
      product('empty batch: [0, 2, 3] x [3, 2]', r([0, 2, 3]), r([3, 2])),
      product('size-1 dims: [1, 1] x [1, 1]', r([1, 1]), r([1, 1])),
      product('row times column: [1, 5] x [5, 1]', r([1, 5]), r([5, 1])),
      product('int32 stays int32', ints([2, 3]), ints([3, 4])),
      product('int32 beyond float32 precision', vals([16777217, 1, 4097, 4095], [2, 2], 'int32'), vals([1, 2, 4097, 3], [2, 2], 'int32')),
      product('sizes off any tile: [17, 33] x [33, 9]', r([17, 33]), r([33, 9])),
      product('sizes off any tile, transposed: [33, 5]ᵀ x [9, 33]ᵀ', r([33, 5]), r([9, 33]), true, true),
    ],
    grads: [
      product('[2, 3] x [3, 4]', r([2, 3]), r([3, 4])),
      product('transposeA', r([3, 2]), r([3, 4]), true),
      product('transposeB', r([2, 3]), r([4, 3]), false, true),
      product('both transposed', r([3, 2]), r([4, 3]), true, true),
      product('batch broadcast [2, 1, 2, 3] x [3, 3, 2]', r([2, 1, 2, 3]), r([3, 3, 2])),
      product('b shared by the batch: [3, 2, 3] x [3, 4], transposeB', r([3, 2, 3]), r([4, 3]), false, true),
    ],
    errors: [
      { name: 'a rank-1 operand throws ShapeError', inputs: [r([3]), r([3, 2])], run: matMul, error: ShapeError },
      { name: 'inner dimensions 3 and 4 throw ShapeError', inputs: [r([2, 3]), r([4, 2])], run: matMul, error: ShapeError },
      { name: 'batch dimensions 2 and 3 throw ShapeError', inputs: [r([2, 2, 3]), r([3, 3, 2])], run: matMul, error: ShapeError },
      { name: 'float32 with int32 throws DTypeError', inputs: [r([2, 2]), ints([2, 2])], run: matMul, error: DTypeError },
      { name: 'bool operands throw DTypeError', inputs: [bools([2, 2]), bools([2, 2])], run: matMul, error: DTypeError },
    ],
  },
};
