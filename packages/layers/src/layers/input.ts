import { ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import { uniqueName } from '../engine/naming.js';
import { SymbolicTensor, type LayerShape, type Node } from '../engine/symbolic.js';

/** Options of {@link Input}. */
export interface InputArgs {
  /** Shape of one sample (without the batch). */
  shape?: readonly number[];
  /** Full shape with the batch (`null` for any). */
  batchShape?: LayerShape;
  batchSize?: number;
  name?: string;
}

/** The layer behind `Input`: it only marks where data enters a functional model. */
export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  private readonly tensor: SymbolicTensor;

  constructor(args: InputArgs & LayerArgs) {
    const batchShape = args.batchShape ?? (args.shape ? [args.batchSize ?? null, ...args.shape] : undefined);
    if (!batchShape) throw new ValueError('Input: expected `shape` (one sample) or `batchShape`');
    super({ name: args.name ?? uniqueName('input_layer'), batchInputShape: batchShape });
    this.built = true;
    this.builtInputShape = batchShape;
    this.tensor = new SymbolicTensor(batchShape, 'float32', this.name);
    const node: Node = { layer: this, inputs: [], outputs: [this.tensor] };
    this.tensor.node = node;
    this.inboundNodes.push(node);
  }

  /** The symbolic tensor this input stands for. */
  override get output(): SymbolicTensor {
    return this.tensor;
  }

  call(inputs: Tensors): Tensor {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }

  override getConfig(): Record<string, unknown> {
    return { batch_shape: [...(this.batchInputShape ?? [])], dtype: 'float32', sparse: false, name: this.name };
  }
}

/**
 * A symbolic input for the functional API (Keras's `keras.Input`).
 * @example
 * ```ts
 * const inputs = Input({ shape: [784] });
 * const outputs = new Dense({ units: 10, activation: 'softmax' }).apply(inputs);
 * const model = new Model({ inputs, outputs });
 * ```
 */
export function Input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
}
