import { at, fromIndex, positiveAxis, type RefTensor } from './ref_tensor.js';

/** Output axis `i` is input axis `perm[i]`. */
export function transposeRef(x: RefTensor, perm: readonly number[]): RefTensor {
  const p = perm.map((a) => positiveAxis(a, x.shape.length));
  return fromIndex(
    p.map((a) => x.shape[a]),
    x.dtype,
    (index) => {
      const src = new Array<number>(p.length);
      p.forEach((a, i) => (src[a] = index[i]));
      return at(x, src);
    },
  );
}

/** Joins along `axis`. */
export function concatRef(xs: readonly RefTensor[], axis: number): RefTensor {
  const ax = positiveAxis(axis, xs[0].shape.length);
  const shape = [...xs[0].shape];
  shape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
  return fromIndex(shape, xs[0].dtype, (index) => {
    let i = index[ax];
    for (const x of xs) {
      if (i < x.shape[ax]) return at(x, index.map((v, d) => (d === ax ? i : v)));
      i -= x.shape[ax];
    }
    throw new Error('reference: concat index out of range');
  });
}

/** The block at `begin` of extent `size`. */
export function sliceRef(x: RefTensor, begin: readonly number[], size: readonly number[]): RefTensor {
  return fromIndex(size, x.dtype, (index) => at(x, index.map((v, d) => v + begin[d])));
}

/** Pads with `[before, after]` copies of `value` per axis. */
export function padRef(x: RefTensor, paddings: ReadonlyArray<readonly [number, number]>, value: number): RefTensor {
  const shape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  return fromIndex(shape, x.dtype, (index) => {
    const src = index.map((v, d) => v - paddings[d][0]);
    return src.every((v, d) => v >= 0 && v < x.shape[d]) ? at(x, src) : value;
  });
}

/** Repeats `reps[i]` times along each axis. */
export function tileRef(x: RefTensor, reps: readonly number[]): RefTensor {
  return fromIndex(
    x.shape.map((d, i) => d * reps[i]),
    x.dtype,
    (index) => at(x, index.map((v, d) => v % x.shape[d])),
  );
}

/** Reverses along `axes` (possibly negative). */
export function reverseRef(x: RefTensor, axes: readonly number[]): RefTensor {
  const flip = new Set(axes.map((a) => positiveAxis(a, x.shape.length)));
  return fromIndex(x.shape, x.dtype, (index) => at(x, index.map((v, d) => (flip.has(d) ? x.shape[d] - 1 - v : v))));
}

/** The same values in another shape. */
export function reshapeRef(x: RefTensor, shape: readonly number[]): RefTensor {
  return { shape: [...shape], dtype: x.dtype, values: x.values };
}
