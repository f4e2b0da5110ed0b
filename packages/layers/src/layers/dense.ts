import { fusedMatMul, reshape, ShapeError, ValueError, type Tensor, type Variable } from '@tessera/tensor';
import { activationName, fusedActivationOf, getActivation, type ActivationFn, type ActivationId } from '../activations.js';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

/** Options of {@link Dense}. */
export interface DenseArgs extends LayerArgs {
  /** Output size. */
  units: number;
  activation?: ActivationId | ActivationFn | null;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  /** Keras 2's `input_dim`: same as `inputShape: [inputDim]`. */
  inputDim?: number;
}

/**
 * A fully connected layer: `activation(x · kernel + bias)`, kernel `[in, units]` as Keras.
 * Inputs of rank > 2 are multiplied on their last axis.
 * @example
 * ```ts
 * new Dense({ units: 512, activation: 'relu', inputShape: [784] });
 * ```
 */
export class Dense extends Layer {
  static override readonly className = 'Dense';
  readonly units: number;
  readonly useBias: boolean;
  private readonly activationId: ActivationId | ActivationFn | null | undefined;
  private readonly activation: ActivationFn;
  private readonly kernelInitializer: InitializerIdentifier;
  private readonly biasInitializer: InitializerIdentifier;
  private readonly kernelRegularizer?: Regularizer;
  private readonly biasRegularizer?: Regularizer;
  kernel?: Variable;
  bias?: Variable;

  constructor(args: DenseArgs) {
    super(args.inputDim !== undefined && !args.inputShape ? { ...args, inputShape: [args.inputDim] } : args);
    this.supportsMasking = true;
    if (!Number.isInteger(args.units) || args.units <= 0 || args.units > 2 ** 31 - 1) {
      throw new ValueError(`${this.name}: units must be a positive integer of at most ${2 ** 31 - 1} but got ${args.units}`);
    }
    this.units = args.units;
    this.useBias = args.useBias ?? true;
    this.activationId = args.activation;
    this.activation = getActivation(args.activation);
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
  }

  override build(inputShape: LayerShape): void {
    if (inputShape.length < 2) {
      throw new ShapeError(`${this.name}: expected inputs of rank 2 or more (batch, ..., features) but got rank ${inputShape.length}; add the batch axis`);
    }
    const inDim = inputShape[inputShape.length - 1];
    if (inDim === null || inDim === undefined) {
      throw new ShapeError(`${this.name}: the last dimension of the input must be known but got shape [${inputShape.join(', ')}]`);
    }
    this.kernel = this.addWeight('kernel', [inDim, this.units], this.kernelInitializer, { regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer, { regularizer: this.biasRegularizer });
    super.build(inputShape);
  }

  /** One fused kernel: the product, the bias and (when it is in the fused set) the activation. */
  call(inputs: Tensors): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const fused = fusedActivationOf(this.activationId);
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    let y = fusedMatMul(flat, this.kernel!, { ...fused, bias: this.bias });
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    return fused ? y : this.activation(y);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activationName(this.activationId),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(getInitializer(this.kernelInitializer)),
      bias_initializer: serializeInitializer(getInitializer(this.biasInitializer)),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}
