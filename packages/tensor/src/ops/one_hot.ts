import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { DType } from '../types.js';
import { assertDType, assertDTypeName, toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';

/**
 * One-hot encodes int32 `indices` into a new last axis of size `depth`;
 * indices outside `[0, depth)` give a row of `offValue`.
 * @example
 * ```ts
 * oneHot(tensor([0, 2], undefined, 'int32'), 3); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: TensorOrLike, depth: number, onValue = 1, offValue = 0, dtype: DType = 'float32'): Tensor {
  assertDTypeName(dtype, 'oneHot');
  return op('oneHot', () => {
    const idx = toTensor(indices, 'indices', 'oneHot', 'int32');
    assertDType(idx, ['int32'], 'indices', 'oneHot');
    if (!Number.isInteger(depth) || depth < 1) throw new ValueError(`oneHot: expected a positive integer depth but got ${depth}`);
    return runKernel('OneHot', [idx], { depth, onValue, offValue, dtype });
  });
}
