import type { Shape } from '@tessera/tensor';

/**
 * The strides (in elements) with which an input of `inShape`, broadcast to
 * `outShape` (NumPy rules: aligned at the right), is read at each output axis:
 * 0 along broadcast axes.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const offset = outShape.length - inShape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let d = inShape.length - 1; d >= 0; d--) {
    if (inShape[d] !== 1) strides[d + offset] = stride;
    stride *= inShape[d];
  }
  return strides;
}

/** Row-major strides of a shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/**
 * Merges axes that every stride list walks as one: drops axes of size 1, and
 * merges axis `d` into `d + 1` when each list has `strides[d] = strides[d + 1] * shape[d + 1]`.
 * Shaders then index fewer axes (a same-shape elementwise op becomes 1-D).
 *
 * @example
 * ```ts
 * collapseAxes([2, 3, 4], [[12, 4, 1], [0, 0, 1]]); // { shape: [6, 4], strides: [[4, 1], [0, 1]] }
 * ```
 */
export function collapseAxes(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, j) => outStrides[j][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, j) => (outStrides[j][last] = s[d]));
      continue;
    }
    outShape.push(shape[d]);
    strides.forEach((s, j) => outStrides[j].push(s[d]));
  }
  return { shape: outShape, strides: outStrides };
}
