import { AxisError, ShapeError } from '../errors.js';
import type { Shape } from '../types.js';

/** Number of elements of a tensor of this shape (1 for a scalar). */
export function sizeFromShape(shape: Shape): number {
  // An index loop: tensor shapes are frozen arrays, which V8 iterates with `for...of` only
  // through the generic iterator (a result object per dimension); this runs on every op.
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i];
  return size;
}

/** Row-major strides, in elements. */
export function computeStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** `[2, 3]` for messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless every dimension is a non-negative integer. */
export function assertValidShape(shape: Shape, op: string): void {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: expected a shape of non-negative integers but got ${formatShape(shape)}`);
    }
  }
}

/** Maps a possibly negative axis into `[0, rank)`, or throws naming the op. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (rank === 0) throw new AxisError(`${op}: a scalar (rank-0 tensor) has no axis ${axis}`);
  if (!Number.isInteger(axis) || axis < -rank || axis > rank - 1) {
    throw new AxisError(`${op}: expected an axis in [${-rank}, ${rank - 1}] for a rank-${rank} tensor but got ${axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes a list of axes (undefined = all axes), sorted, rejecting duplicates. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, rank: number, op: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = list.map((a) => normalizeAxis(a, rank, op));
  const sorted = [...out].sort((x, y) => x - y);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new AxisError(`${op}: axis ${sorted[i]} is repeated in [${list.join(', ')}]`);
  }
  return sorted;
}

/**
 * NumPy broadcasting: aligns shapes at the right; each pair of dims must be equal
 * or one of them 1.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  let rank = 0;
  for (const s of shapes) if (s.length > rank) rank = s.length;
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      // A shorter shape is padded with 1s on the left (no out-of-range read: those are slow).
      const j = s.length - rank + i;
      const d = j >= 0 ? s[j] : 1;
      if (d === 1) continue;
      if (dim !== 1 && d !== dim) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together ` +
            `(dimension ${i - rank} is ${dim} in one and ${d} in another; expected equal or 1)`,
        );
      }
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/**
 * The axes of `outShape` along which an input of `inShape` was broadcast:
 * the gradient of a broadcast input is summed over them.
 */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    const d = i < offset ? 1 : inShape[i - offset];
    if (d === 1 && outShape[i] !== 1) axes.push(i);
    else if (i < offset) axes.push(i);
  }
  return axes;
}

/** Shape after removing `axes` (sorted, normalized). */
export function reducedShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

/** Shape after setting `axes` to 1 (the keepDims shape). */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
