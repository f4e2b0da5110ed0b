import { registerGradient } from '../autodiff/registry.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../util/shape.js';
import { toTensor, type TensorOrLike } from './convert.js';
import { op, runKernel } from './op.js';
import { pad } from './pad.js';

/**
 * The block starting at `begin` of extent `size` (-1, or omitted: to the end).
 * Shorter `begin`/`size` lists leave the remaining axes whole.
 * @example
 * ```ts
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]); // [[2, 3], [5, 6]]
 * ```
 */
export function slice(x: TensorOrLike, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  return op('slice', () => {
    const t = toTensor(x, 'x', 'slice');
    const b = typeof begin === 'number' ? [begin] : [...begin];
    const s = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
    if (b.length > t.rank || s.length > t.rank) {
      throw new ShapeError(`slice: begin [${b}] / size [${s}] have more entries than the rank ${t.rank} of ${formatShape(t.shape)}`);
    }
    const fullBegin: number[] = [];
    const fullSize: number[] = [];
    for (let i = 0; i < t.rank; i++) {
      const bi = b[i] ?? 0;
      const si = s[i] === undefined || s[i] === -1 ? t.shape[i] - bi : s[i];
      if (!Number.isInteger(bi) || !Number.isInteger(si) || bi < 0 || si < 0 || bi + si > t.shape[i]) {
        throw new ShapeError(
          `slice: axis ${i} of ${formatShape(t.shape)} cannot give begin ${bi} size ${s[i] ?? -1}; ` +
            `expected 0 <= begin and begin + size <= ${t.shape[i]}`,
        );
      }
      fullBegin.push(bi);
      fullSize.push(si);
    }
    return runKernel('Slice', [t], { begin: fullBegin, size: fullSize });
  });
}

registerGradient('Slice', (dy, [x], _y, attrs) => {
  const begin = attrs.begin as number[];
  const size = attrs.size as number[];
  return [pad(dy, begin.map((b, i) => [b, x.shape[i] - b - size[i]] as [number, number]))];
});
