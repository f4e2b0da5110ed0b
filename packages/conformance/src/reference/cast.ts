import type { DType } from '@tessera/tensor';
import { mapValues, type RefTensor } from './ref_tensor.js';

/** Converts values to `dtype`: float to int truncates toward zero; anything to bool is `!= 0`. */
export function castRef(x: RefTensor, dtype: DType): RefTensor {
  if (dtype === 'bool') return mapValues(x, (v) => (v !== 0 ? 1 : 0), dtype);
  if (dtype === 'int32') return mapValues(x, (v) => Math.trunc(v), dtype);
  return mapValues(x, (v) => v, dtype);
}
