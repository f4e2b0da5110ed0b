import {
  add,
  any,
  broadcastTo,
  concat,
  logicalOr,
  ones,
  div,
  expandDims,
  matMul,
  maximum,
  minimum,
  mul,
  reshape,
  rsqrt,
  ShapeError,
  square,
  squeeze,
  sub,
  sum,
  transpose,
  ValueError,
  type Tensor,
} from '@tessera/tensor';
import { Layer, type LayerArgs, type Mask, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';

function asList(inputs: Tensors, name: string, count?: number): Tensor[] {
  if (!Array.isArray(inputs) || inputs.length < (count ?? 2) || (count !== undefined && inputs.length !== count)) {
    throw new ValueError(`${name}: expected a list of ${count === undefined ? 'at least 2' : `exactly ${count}`} inputs`);
  }
  return inputs;
}

function shapeList(inputShape: LayerShape | LayerShape[], name: string, count?: number): LayerShape[] {
  const shapes = inputShape as LayerShape[];
  if (!Array.isArray(shapes[0]) || shapes.length < (count ?? 2) || (count !== undefined && shapes.length !== count)) {
    throw new ValueError(`${name}: expected a list of ${count === undefined ? 'at least 2' : `exactly ${count}`} inputs`);
  }
  return shapes;
}

const formatShapes = (shapes: LayerShape[]) => shapes.map((x) => `[${x.map((d) => d ?? '*').join(', ')}]`).join(' and ');

/**
 * The base of the elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum), as
 * Keras's `Merge`: inputs of one shape, or shapes that broadcast (sizes equal or 1); an input
 * of lower rank gets size-1 axes inserted after the batch axis.
 */
export abstract class Merge extends Layer {
  /** The exact number of inputs, where the merge takes a fixed number. */
  protected readonly inputCount?: number;

  /** Combines two inputs (of equal rank by now); the inputs are folded left to right. */
  protected abstract combine(a: Tensor, b: Tensor): Tensor;

  /** Combines all inputs (of equal rank by now). */
  protected merge(inputs: Tensor[]): Tensor {
    return inputs.reduce((a, b) => this.combine(a, b));
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }

  /**
   * Keras 3's Merge `compute_mask`: a position is kept where any input keeps it, and there is
   * no mask when an input has none (Keras 2 kept where every masked input did).
   */
  override computeMask(_inputs: Tensors, mask?: Mask): Mask {
    const masks = Array.isArray(mask) ? mask : [mask];
    if (masks.some((m) => m === undefined)) return undefined;
    return (masks as Tensor[]).reduce((a, b) => logicalOr(a, b));
  }

  call(inputs: Tensors): Tensor {
    const list = asList(inputs, this.name, this.inputCount);
    // The batch sizes too, which build cannot see: the message names the layer, not the op.
    this.computeOutputShape(list.map((t) => t.shape));
    const rank = Math.max(...list.map((t) => t.rank));
    return this.merge(list.map((t) => (t.rank === rank ? t : reshape(t, [t.shape[0], ...new Array<number>(rank - t.rank).fill(1), ...t.shape.slice(1)]))));
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shapes = shapeList(inputShape, this.name, this.inputCount);
    const batches = new Set(shapes.map((s) => s[0]).filter((d) => d !== null));
    if (batches.size > 1) throw new ShapeError(`${this.name}: cannot merge inputs with different batch sizes: ${formatShapes(shapes)}`);
    let out: LayerShape = shapes[0].slice(1);
    for (const s of shapes.slice(1)) {
      const [long, short] = out.length >= s.length - 1 ? [out, s.slice(1)] : [s.slice(1), out];
      const lead = long.slice(0, long.length - short.length);
      const tail = long.slice(long.length - short.length).map((a, i) => {
        const b = short[i];
        if (a === null || b === null) return null;
        if (a === 1) return b;
        if (b === 1 || a === b) return a;
        throw new ShapeError(`${this.name}: inputs must have the same shape (or sizes 1 that broadcast) but got ${formatShapes(shapes)}`);
      });
      out = [...lead, ...tail];
    }
    return [batches.size === 1 ? [...batches][0] : null, ...out];
  }
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
    this.checkShapes(shapeList(inputShape, this.name));
    super.build(inputShape);
  }

  private checkShapes(shapes: readonly LayerShape[]): void {
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    for (const s of shapes) {
      const ok = s.length === rank && s.every((d, i) => i === axis || d === null || shapes[0][i] === null || d === shapes[0][i]);
      if (!ok) {
        throw new ShapeError(`${this.name}: inputs must match except on axis ${this.axis} but got ${formatShapes([...shapes])}`);
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

  /** Keras's: the inputs' masks (all-true where one has none) joined along the axis, then any over the last axis. */
  override computeMask(inputs: Tensors, mask?: Mask): Mask {
    const masks = Array.isArray(mask) ? mask : [mask];
    if (masks.every((m) => m === undefined)) return undefined;
    const list = asList(inputs, this.name);
    const full = list.map((x, i) => {
      const m = masks[i];
      if (m === undefined) return ones(x.shape, 'bool');
      return m.rank < x.rank ? broadcastTo(expandDims(m, -1), x.shape) : m;
    });
    return any(concat(full, this.axis < 0 ? this.axis + list[0].rank : this.axis), -1);
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
 * Adds its inputs elementwise.
 * @example
 * ```ts
 * const residual = new Add().apply([x, y]);
 * ```
 */
export class Add extends Merge {
  static override readonly className = 'Add';

  protected combine(a: Tensor, b: Tensor): Tensor {
    return add(a, b);
  }
}

/**
 * Subtracts its second input from its first (exactly two inputs).
 * @example
 * ```ts
 * const difference = new Subtract().apply([a, b]); // a - b
 * ```
 */
export class Subtract extends Merge {
  static override readonly className = 'Subtract';
  protected override readonly inputCount = 2;

  protected combine(a: Tensor, b: Tensor): Tensor {
    return sub(a, b);
  }
}

/**
 * Multiplies its inputs elementwise.
 * @example
 * ```ts
 * const gated = new Multiply().apply([features, gate]);
 * ```
 */
export class Multiply extends Merge {
  static override readonly className = 'Multiply';

  protected combine(a: Tensor, b: Tensor): Tensor {
    return mul(a, b);
  }
}

/**
 * Averages its inputs elementwise.
 * @example
 * ```ts
 * const ensemble = new Average().apply([head1, head2, head3]);
 * ```
 */
export class Average extends Merge {
  static override readonly className = 'Average';

  protected combine(a: Tensor, b: Tensor): Tensor {
    return add(a, b);
  }

  protected override merge(inputs: Tensor[]): Tensor {
    return div(super.merge(inputs), inputs.length);
  }
}

/**
 * The elementwise maximum of its inputs.
 * @example
 * ```ts
 * const top = new Maximum().apply([a, b]);
 * ```
 */
export class Maximum extends Merge {
  static override readonly className = 'Maximum';

  protected combine(a: Tensor, b: Tensor): Tensor {
    return maximum(a, b);
  }
}

/**
 * The elementwise minimum of its inputs.
 * @example
 * ```ts
 * const bottom = new Minimum().apply([a, b]);
 * ```
 */
export class Minimum extends Merge {
  static override readonly className = 'Minimum';

  protected combine(a: Tensor, b: Tensor): Tensor {
    return minimum(a, b);
  }
}

/** Options of {@link Dot}. */
export interface DotArgs extends LayerArgs {
  /** The axis of both inputs summed over, or one per input (`[1, 2]`); never 0, the batch. */
  axes: number | readonly [number, number];
  /** L2-normalize both along their axis first, so the result is the cosine similarity (default false). */
  normalize?: boolean;
}

/**
 * The dot product of two inputs along `axes`, per sample (Keras's `batch_dot`): `[b, n]` and
 * `[b, n]` give `[b, 1]`; `[b, 3, 5]` and `[b, 10, 3]` with `axes: [1, 2]` give `[b, 5, 10]`.
 * @example
 * ```ts
 * const similarity = new Dot({ axes: 1, normalize: true }).apply([u, v]); // cosine, [b, 1]
 * ```
 */
export class Dot extends Layer {
  static override readonly className = 'Dot';
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const axes = args.axes;
    const ok = typeof axes === 'number' ? Number.isInteger(axes) : Array.isArray(axes) && axes.length === 2 && axes.every((a) => Number.isInteger(a));
    if (!ok) throw new ValueError(`Dot: expected axes as an integer or a list of two integers but got ${JSON.stringify(axes)}`);
    this.axes = typeof axes === 'number' ? axes : [axes[0], axes[1]];
    this.normalize = args.normalize ?? false;
  }

  /** The summed axis of each input, non-negative. */
  private axesFor(rank1: number, rank2: number): [number, number] {
    const [a, b] = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const axes: [number, number] = [a < 0 ? a + rank1 : a, b < 0 ? b + rank2 : b];
    if (axes[0] <= 0 || axes[1] <= 0 || axes[0] >= rank1 || axes[1] >= rank2) {
      throw new ValueError(`${this.name}: axes ${JSON.stringify(this.axes)} must name a non-batch axis of inputs of ranks ${rank1} and ${rank2}`);
    }
    return axes;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    let [x, y] = asList(inputs, this.name, 2);
    const axes = this.axesFor(x.rank, y.rank);
    if (this.normalize) {
      x = l2Normalize(x, axes[0]);
      y = l2Normalize(y, axes[1]);
    }
    return batchDot(x, y, axes);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [s1, s2] = shapeList(inputShape, this.name, 2);
    if (s1.length < 2 || s2.length < 2) throw new ShapeError(`${this.name}: both inputs need rank >= 2 but got ${formatShapes([s1, s2])}`);
    const axes = this.axesFor(s1.length, s2.length);
    const d1 = s1[axes[0]];
    const d2 = s2[axes[1]];
    if (d1 !== null && d2 !== null && d1 !== d2) {
      throw new ShapeError(`${this.name}: axis ${axes[0]} of the first input (${d1}) and axis ${axes[1]} of the second (${d2}) must match: ${formatShapes([s1, s2])}`);
    }
    const out = [...s1.filter((_, i) => i !== axes[0]), ...s2.filter((_, i) => i !== axes[1] && i !== 0)];
    return out.length === 1 ? [...out, 1] : out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: typeof this.axes === 'number' ? this.axes : [...this.axes], normalize: this.normalize };
  }
}

/** `x / max(||x||, 1e-7)` along `axis`, as Keras's `ops.normalize` computes it (`x * min(rsqrt(sum x^2), 1e7)`). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return mul(x, minimum(rsqrt(sum(square(x), axis, true)), 1e7));
}

/** Keras's `batch_dot` (both axes non-negative, not the batch axis): transposes, reshapes and one batched matMul. */
function batchDot(x: Tensor, y: Tensor, [a0, a1]: [number, number]): Tensor {
  const rank1 = x.rank;
  const rank2 = y.rank;
  if (rank1 === 2) {
    x = expandDims(x, 1);
    a0 += 1;
  }
  if (rank2 === 2) y = expandDims(y, 2);
  // x's summed axis last, y's second.
  if (a0 !== x.rank - 1) x = transpose(x, [...x.shape.keys()].filter((i) => i !== a0).concat(a0));
  if (a1 !== 1) y = transpose(y, [0, a1, ...[...y.shape.keys()].filter((i) => i !== 0 && i !== a1)]);
  const xMid = x.shape.slice(1, -1);
  const yTrail = y.shape.slice(2);
  const x3 = x.rank > 3 ? reshape(x, [x.shape[0], -1, x.shape[x.rank - 1]]) : x;
  const y3 = y.rank > 3 ? reshape(y, [y.shape[0], y.shape[1], -1]) : y;
  let result = matMul(x3, y3);
  if (x.rank > 3 || y.rank > 3) result = reshape(result, [result.shape[0], ...xMid, ...yTrail]);
  if (rank1 === 2) return squeeze(result, [1]);
  if (rank2 === 2) return squeeze(result, [result.rank - 1]);
  return result;
}
