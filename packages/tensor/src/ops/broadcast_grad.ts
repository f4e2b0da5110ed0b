import type { Tensor } from '../tensor.js';
import type { Shape } from '../types.js';
import { broadcastedAxes, shapesEqual } from '../util/shape.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';
import { runKernel } from './op.js';

/** Sums a gradient over the axes along which an input of `shape` was broadcast. */
export function reduceToShape(dy: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const axes = broadcastedAxes(shape, dy.shape);
  // The Sum kernel itself where `dy` is float32 (every gradient is): the axes are valid by
  // construction, so the `sum` op's checks and scope would only cost time.
  const summed = axes.length === 0 ? dy : dy.dtype === 'float32' ? runKernel('Sum', [dy], { axes }) : sum(dy, axes);
  // A bias's gradient ([n, c] summed over n is already [c]) needs no reshape.
  return shapesEqual(summed.shape, shape) ? summed : reshape(summed, shape);
}
