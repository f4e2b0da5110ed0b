import { AxisError, minimum, mul, rsqrt, square, sum, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { single } from './conv_utils.js';

/** Options of {@link UnitNormalization}. */
export interface UnitNormalizationArgs extends LayerArgs {
  /** Axis or axes whose L2 norm becomes 1 (default -1). */
  axis?: number | readonly number[];
}

/**
 * Scales each sample to unit L2 norm over `axis`: `x * min(1 / ||x||, 1e12)` (as Keras's
 * `ops.normalize`, so an all-zero vector stays zero).
 * @example
 * ```ts
 * new UnitNormalization(); // each feature vector divided by its length
 * new UnitNormalization({ axis: [1, 2] });
 * ```
 */
export class UnitNormalization extends Layer {
  static override readonly className = 'UnitNormalization';
  readonly axis: number | number[];

  constructor(args: UnitNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const axis = args.axis ?? -1;
    const list = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list) && typeof axis !== 'number') {
      throw new ValueError(`${this.name}: expected \`axis\` to be an integer or a list of integers but got ${JSON.stringify(axis)}`);
    }
    if (!list.every((a) => Number.isInteger(a))) {
      throw new ValueError(`${this.name}: expected \`axis\` to be an integer or a list of integers but got ${JSON.stringify(axis)}`);
    }
    this.axis = typeof axis === 'number' ? axis : [...axis];
  }

  private axes(rank: number): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    return list.map((a) => {
      if (a >= rank || a < -rank) throw new AxisError(`${this.name}: axis ${a} is out of bounds for inputs of rank ${rank}`);
      return a < 0 ? a + rank : a;
    });
  }

  override build(inputShape: LayerShape): void {
    this.axes(inputShape.length);
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    const invNorm = minimum(rsqrt(sum(square(x), this.axes(x.rank), true)), 1e12);
    return mul(x, invNorm);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}
