import { util, type Shape } from '@tessera/tensor';
import { ravel, unravel } from './helpers.js';

/**
 * Naive batched matmul in double, with the batch dims broadcast: the reference values
 * `out`, and `abs`, the same sums over |a| |b| (what rounding errors scale with).
 */
export function matMulRef(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, ta: boolean, tb: boolean) {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = ta ? aShape[ra - 1] : aShape[ra - 2];
  const k = ta ? aShape[ra - 2] : aShape[ra - 1];
  const n = tb ? bShape[rb - 2] : bShape[rb - 1];
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = util.broadcastShapes('ref', batchA, batchB);
  const pick = (shape: Shape, idx: number[]) => ravel(shape.map((d, i) => (d === 1 ? 0 : idx[idx.length - shape.length + i])), shape);
  const out: number[] = [];
  const abs: number[] = [];
  for (let p = 0; p < util.sizeFromShape(batch); p++) {
    const idx = unravel(p, batch);
    const ao = pick(batchA, idx) * m * k;
    const bo = pick(batchB, idx) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let t = 0;
        for (let q = 0; q < k; q++) {
          const prod = a[ao + (ta ? q * m + i : i * k + q)] * b[bo + (tb ? j * k + q : q * n + j)];
          s += prod;
          t += Math.abs(prod);
        }
        out.push(s);
        abs.push(t);
      }
    }
  }
  return { out, abs, k, outShape: [...batch, m, n] };
}

/**
 * Expects float32-summed results within the classic bound of a float32 dot product of
 * length k in any order: |error| <= (k + 1) u sum|a b|, u = 2^-24 (one rounding per
 * product and per addition), plus the final rounding of the value itself.
 */
export function expectWithinFloat32DotBound(actual: ArrayLike<number>, ref: { out: number[]; abs: number[]; k: number }): void {
  const u = 2 ** -24;
  for (let i = 0; i < ref.out.length; i++) {
    const bound = (ref.k + 1) * u * ref.abs[i] + u * Math.abs(ref.out[i]);
    if (!(Math.abs(actual[i] - ref.out[i]) <= bound)) {
      throw new Error(`at ${i}: got ${actual[i]}, expected ${ref.out[i]} within ${bound}`);
    }
  }
}
