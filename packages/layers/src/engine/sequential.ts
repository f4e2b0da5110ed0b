import { ValueError, type Tensor } from '@tessera/tensor';
import { InputLayer } from '../layers/input.js';
import { Layer } from './layer.js';
import { Model } from './model.js';
import { SymbolicTensor, type LayerShape } from './symbolic.js';

/** Options of {@link Sequential}. */
export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

/**
 * A linear stack of layers (Keras's `Sequential`). The first layer's `inputShape`
 * builds the model at once (so `summary()` works before training); without it the
 * model builds on the first data it sees, and may be compiled before that, as in Keras.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Dense({ units: 512, activation: 'relu', inputShape: [784] }),
 *   new Dropout({ rate: 0.2 }),
 *   new Dense({ units: 10, activation: 'softmax' }),
 * ]);
 * model.summary();
 * ```
 */
export class Sequential extends Model {
  static override readonly className = 'Sequential';
  private readonly stack: Layer[] = [];
  private inputLayer: InputLayer | undefined;

  constructor(layersOrArgs: Layer[] | SequentialArgs = {}) {
    const args = Array.isArray(layersOrArgs) ? { layers: layersOrArgs } : layersOrArgs;
    super(args.name ? { name: args.name } : undefined);
    for (const l of args.layers ?? []) this.add(l);
  }

  /** The layers in order (the implicit input layer excluded, as Keras). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /**
   * Appends a layer (or an `InputLayer` made by `Input`, which fixes the input shape).
   * @example
   * ```ts
   * model.add(new Dense({ units: 10, activation: 'softmax' }));
   * ```
   */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (!(layer.sourceLayer instanceof InputLayer)) {
        throw new ValueError(`${this.name}.add: only Input() tensors or layers can be added, not an output of '${layer.sourceLayer.name}'`);
      }
      layer = layer.sourceLayer;
    }
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputLayer) throw new ValueError(`${this.name}.add: an Input must come first`);
      this.inputLayer = layer;
      return;
    }
    if (!(layer instanceof Layer)) throw new ValueError(`${this.name}.add: expected a Layer but got ${String(layer)}`);
    const l = layer;
    if (this.stack.includes(l)) throw new ValueError(`${this.name}.add: layer '${l.name}' is already in the model`);
    this.stack.push(l);
    // A first layer that knows its input (inputShape, or a built model nested here) builds the model.
    const known = l.batchInputShape ?? (l instanceof Model && l.inputs.length === 1 ? [...l.inputs[0].shape] : undefined);
    if (this.stack.length === 1 && !this.inputLayer && known) {
      this.inputLayer = new InputLayer({ batchShape: known, name: `${l.name}_input` });
    }
    this.rebuild();
  }

  /**
   * Removes the last layer.
   * @example
   * ```ts
   * model.pop();
   * ```
   */
  pop(): Layer {
    const l = this.stack.pop();
    if (!l) throw new ValueError(`${this.name}.pop: the model has no layers`);
    const node = this.nodes.find((n) => n.layer === l);
    if (node) {
      l.inboundNodes.splice(l.inboundNodes.indexOf(node), 1);
      if (this.stack.length > 0) this.setGraph(this.graphInputs, node.inputs);
      else this.rebuild();
    }
    return l;
  }

  /**
   * Extends the graph by the newest layer, or builds it through the whole stack the
   * first time the input shape is known. Each layer is applied once per model.
   */
  private rebuild(): void {
    if (!this.inputLayer || this.stack.length === 0) {
      this.graphInputs = [];
      this.graphOutputs = [];
      this.nodes = [];
      this.built = false;
      return;
    }
    const fresh = this.graphOutputs.length === 0;
    let out: SymbolicTensor = fresh ? this.inputLayer.output : this.graphOutputs[0];
    for (const l of fresh ? this.stack : this.stack.slice(-1)) {
      const next = l.apply(out);
      if (Array.isArray(next)) throw new ValueError(`${this.name}: layer '${l.name}' returns several outputs; Sequential needs one`);
      out = next;
    }
    this.setGraph([this.inputLayer.output], [out]);
  }

  /**
   * Builds the model for an input shape (with `null` batch), as Keras's `model.build`.
   * @example
   * ```ts
   * model.build([null, 784]);
   * ```
   */
  override build(inputShape: LayerShape | LayerShape[]): void {
    if (this.inputLayer) return;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    this.inputLayer = new InputLayer({ batchShape: [null, ...shape.slice(1)], name: `${this.stack[0]?.name ?? 'sequential'}_input` });
    this.rebuild();
  }

  protected override buildsLater(): boolean {
    return !this.inputLayer;
  }

  protected override ensureGraph(inputs: Tensor[]): void {
    if (this.stack.length === 0) throw new ValueError(`${this.name} has no layers; add some before using it`);
    if (!this.inputLayer && inputs[0]) this.build([null, ...inputs[0].shape.slice(1)]);
  }

  /** Keras's Sequential config: `{name, layers: [{class_name, config}]}`. */
  override getConfig(): Record<string, unknown> {
    const layers = this.stack.map((l) => ({ class_name: l.className, config: l.getConfig() }));
    if (this.inputLayer) layers.unshift({ class_name: 'InputLayer', config: this.inputLayer.getConfig() });
    return { name: this.name, trainable: this.trainable, layers };
  }
}
