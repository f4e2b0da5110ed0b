import { reshape, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, isShapeList, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer.js';
import type { LayerShape } from '../../engine/symbolic.js';
import { single } from '../conv_utils.js';
import { serializeNested } from './serialize.js';

/** Options of {@link TimeDistributed}. */
export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied to every timestep (one set of weights for all of them). */
  layer: Layer;
}

/**
 * Applies a layer to every timestep of `[batch, steps, ...]` inputs with the same weights
 * (Keras's `TimeDistributed`): the steps are folded into the batch, so it is one call of the
 * layer. Masks pass through.
 * @example
 * ```ts
 * // A Dense on each of 10 timesteps: [batch, 10, 16] -> [batch, 10, 8]
 * const td = new TimeDistributed({ layer: new Dense({ units: 8 }), inputShape: [10, 16] });
 * ```
 */
export class TimeDistributed extends Layer {
  static override readonly className: string = 'TimeDistributed';
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    if (!(args.layer instanceof Layer)) throw new ValueError(`${this.name}: expected \`layer\` to be a Layer`);
    this.layer = args.layer;
    this.supportsMasking = true;
  }

  protected override sublayers(): { layer: Layer; prefix?: string }[] {
    return [{ layer: this.layer }];
  }

  override savedSublayers(): [string, Layer | Layer[]][] {
    return [['layer', this.layer]];
  }

  private childShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (isShapeList(inputShape) ? inputShape[0] : inputShape) as LayerShape;
    if (shape.length < 3) {
      throw new ShapeError(`${this.name} expects input of rank >= 3 [batch, timesteps, ...] but got [${shape.map((d) => d ?? '*').join(', ')}]`);
    }
    return [shape[0], ...shape.slice(2)];
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    if (!this.layer.built) this.layer.build(this.childShape(inputShape));
    super.build(inputShape);
  }

  call(inputs: Tensors, args: CallArgs = {}): Tensor {
    const x = single(inputs);
    const [batch, steps] = x.shape;
    const y = this.layer.apply(reshape(x, [batch * steps, ...x.shape.slice(2)]), { training: args.training, losses: args.losses });
    if (Array.isArray(y)) throw new ValueError(`${this.name}: the wrapped layer '${this.layer.name}' returns several outputs; TimeDistributed needs one`);
    return reshape(y, [batch, steps, ...y.shape.slice(1)]);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (isShapeList(inputShape) ? inputShape[0] : inputShape) as LayerShape;
    const child = this.layer.computeOutputShape(this.childShape(inputShape));
    if (isShapeList(child)) throw new ValueError(`${this.name}: the wrapped layer '${this.layer.name}' returns several outputs; TimeDistributed needs one`);
    return [shape[0], shape[1], ...child.slice(1)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeNested(this.layer) };
  }
}
