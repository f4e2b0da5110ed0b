import type { DType } from '@tessera/tensor';
import { at, fromIndex, type RefTensor } from './ref_tensor.js';

/** NumPy broadcasting of several shapes (aligned at the right). */
export function broadcastShape(shapes: ReadonlyArray<readonly number[]>): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && d !== dim) throw new Error(`reference: shapes ${shapes.map((x) => `[${x}]`).join(' ')} do not broadcast`);
      dim = d;
    }
    return dim;
  });
}

/**
 * The one elementwise reference: broadcasts any number of inputs and applies `f` to
 * the values at each output position. Unary, binary, comparison and select
 * references are all this.
 */
export function elementwise(xs: readonly RefTensor[], dtype: DType, f: (...v: number[]) => number): RefTensor {
  const shape = broadcastShape(xs.map((x) => x.shape));
  return fromIndex(shape, dtype, (index) => {
    const args = xs.map((x) => {
      const offset = shape.length - x.shape.length;
      return at(x, x.shape.map((d, i) => (d === 1 ? 0 : index[offset + i])));
    });
    return f(...args);
  });
}
