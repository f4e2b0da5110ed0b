import type { DType } from '@tessera/tensor';
import { forEachIndex, positiveAxis, type RefTensor } from './ref_tensor.js';

/** How a reduction folds values: its identity, its step, and its output dtype (default: the input's). */
export interface Fold {
  readonly init: number;
  readonly step: (acc: number, v: number) => number;
  readonly dtype?: DType;
}

export const SUM: Fold = { init: 0, step: (a, v) => a + v };
export const PROD: Fold = { init: 1, step: (a, v) => a * v };
export const MAX: Fold = { init: -Infinity, step: Math.max };
export const MIN: Fold = { init: Infinity, step: Math.min };
export const ALL: Fold = { init: 1, step: (a, v) => (a !== 0 && v !== 0 ? 1 : 0) };
export const ANY: Fold = { init: 0, step: (a, v) => (a !== 0 || v !== 0 ? 1 : 0) };

/** Folds `x` over `axes` (possibly negative; all axes when undefined); the output drops those axes. */
export function reduceRef(x: RefTensor, fold: Fold, axes?: readonly number[]): RefTensor {
  const reduced = new Set((axes ?? x.shape.map((_, i) => i)).map((a) => positiveAxis(a, x.shape.length)));
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const shape = keptAxes.map((i) => x.shape[i]);
  const outStrides = shape.map((_, j) => shape.slice(j + 1).reduce((a, b) => a * b, 1));
  const values = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(fold.init);
  forEachIndex(x.shape, (index, flat) => {
    let o = 0;
    keptAxes.forEach((axis, j) => (o += index[axis] * outStrides[j]));
    values[o] = fold.step(values[o], x.values[flat]);
  });
  return { shape, dtype: fold.dtype ?? x.dtype, values };
}

/** Index (int32) of the first value along `axis` that no later value beats by `better`. */
export function argReduceRef(x: RefTensor, axis: number, better: (a: number, b: number) => boolean): RefTensor {
  const ax = positiveAxis(axis, x.shape.length);
  const shape = x.shape.filter((_, i) => i !== ax);
  const outStrides = shape.map((_, j) => shape.slice(j + 1).reduce((a, b) => a * b, 1));
  const n = shape.reduce((a, b) => a * b, 1);
  const best = new Array<number>(n).fill(NaN);
  const values = new Array<number>(n).fill(0);
  forEachIndex(x.shape, (index, flat) => {
    let o = 0;
    index.filter((_, i) => i !== ax).forEach((v, j) => (o += v * outStrides[j]));
    const v = x.values[flat];
    if (index[ax] === 0 || better(v, best[o])) {
      best[o] = v;
      values[o] = index[ax];
    }
  });
  return { shape, dtype: 'int32', values };
}
