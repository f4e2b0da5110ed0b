import { add, concat, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';

function asList(inputs: Tensors, name: string): Tensor[] {
  if (!Array.isArray(inputs) || inputs.length < 2) {
    throw new ValueError(`${name}: expected a list of at least 2 inputs`);
  }
  return inputs;
}

/**
 * Joins its inputs along `axis` (default -1).
 * @example
 * ```ts
 * const merged = new Concatenate().apply([a, b]);
 * ```
 */
export class Concatenate extends Layer {
  static override readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shapes = inputShape as LayerShape[];
    if (!Array.isArray(shapes[0]) || shapes.length < 2) throw new ValueError(`${this.name}: expected a list of at least 2 inputs`);
    this.checkShapes(shapes);
    super.build(inputShape);
  }

  private checkShapes(shapes: readonly LayerShape[]): void {
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    for (const s of shapes) {
      const ok = s.length === rank && s.every((d, i) => i === axis || d === null || shapes[0][i] === null || d === shapes[0][i]);
      if (!ok) {
        throw new ShapeError(
          `${this.name}: inputs must match except on axis ${this.axis} but got ${shapes.map((x) => `[${x.map((d) => d ?? '*').join(', ')}]`).join(' and ')}`,
        );
      }
    }
  }

  protected override assertInputShapes(): void {
    // build checks the shapes against each other; sizes along the axis may differ per call.
  }

  call(inputs: Tensors): Tensor {
    const list = asList(inputs, this.name);
    this.checkShapes(list.map((t) => t.shape)); // the batch sizes too, which build cannot see
    return concat(list, this.axis < 0 ? this.axis + list[0].rank : this.axis);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shapes = inputShape as LayerShape[];
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const out = [...shapes[0]];
    out[axis] = shapes.reduce<number | null>((s, x) => (s === null || x[axis] === null ? null : s + (x[axis] as number)), 0);
    return out;
  }

  override getConfig() {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/**
 * Adds its inputs elementwise (same shapes).
 * @example
 * ```ts
 * const residual = new Add().apply([x, y]);
 * ```
 */
export class Add extends Layer {
  static override readonly className = 'Add';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shapes = inputShape as LayerShape[];
    if (!Array.isArray(shapes[0]) || shapes.length < 2) throw new ValueError(`${this.name}: expected a list of at least 2 inputs`);
    for (const s of shapes) {
      if (s.length !== shapes[0].length || s.some((d, i) => d !== null && shapes[0][i] !== null && d !== shapes[0][i])) {
        throw new ShapeError(`${this.name}: inputs must have the same shape but got ${shapes.map((x) => `[${x.map((d) => d ?? '*').join(', ')}]`).join(' and ')}`);
      }
    }
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const list = asList(inputs, this.name);
    // The batch sizes too, which build cannot see (a size 1 broadcasts); the message names the layer, not the op.
    if (list.some((t) => t.rank !== list[0].rank || t.shape.some((d, i) => d !== list[0].shape[i] && d !== 1 && list[0].shape[i] !== 1))) {
      throw new ShapeError(`${this.name}: inputs must have the same shape but got ${list.map((t) => `[${t.shape.join(', ')}]`).join(' and ')}`);
    }
    return list.reduce((a, b) => add(a, b));
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return (inputShape as LayerShape[])[0];
  }
}
