import { broadcastShape } from './broadcast.js';
import { at, fromIndex, type RefTensor } from './ref_tensor.js';

/**
 * Naive batched matrix product of the last two axes, batch axes broadcast, with
 * optional transposes of either operand.
 */
export function matMulRef(a: RefTensor, b: RefTensor, transposeA = false, transposeB = false): RefTensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [m, k] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [k2, n] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (k !== k2) throw new Error(`reference: matMul inner dimensions ${k} and ${k2} differ`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShape([batchA, batchB]);
  const batchIndex = (shape: readonly number[], index: readonly number[]) =>
    shape.map((d, i) => (d === 1 ? 0 : index[batch.length - shape.length + i]));
  return fromIndex([...batch, m, n], a.dtype, (index) => {
    const bi = index.slice(0, batch.length);
    const [i, j] = index.slice(batch.length);
    const ia = batchIndex(batchA, bi);
    const ib = batchIndex(batchB, bi);
    let s = 0;
    for (let p = 0; p < k; p++) {
      const va = at(a, [...ia, ...(transposeA ? [p, i] : [i, p])]);
      const vb = at(b, [...ib, ...(transposeB ? [j, p] : [p, j])]);
      s += va * vb;
    }
    return s;
  });
}
