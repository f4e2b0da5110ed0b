import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { broadcastedAxes, shapesEqual } from '../util/shape.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';

/** Sums a gradient over the axes along which an input of `shape` was broadcast. */
export function reduceToShape(dy: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const axes = broadcastedAxes(shape, dy.shape);
  const summed = axes.length ? sum(dy, axes) : dy;
  return reshape(summed, shape);
}
