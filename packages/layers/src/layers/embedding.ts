import { cast, gather, notEqual, ValueError, type Tensor, type Variable } from '@tessera/tensor';
import { Layer, type LayerArgs, type Mask, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { single } from './conv_utils.js';

/** Options of {@link Embedding}. */
export interface EmbeddingArgs extends LayerArgs {
  /** Size of the vocabulary: inputs are integers in `[0, inputDim)`. */
  inputDim: number;
  /** Length of each embedding vector. */
  outputDim: number;
  /** Initializer of the `embeddings` matrix (default `'uniform'`: uniform in [-0.05, 0.05]). */
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier | null;
  /** Whether index 0 is padding: the output then carries a mask (false at those steps) that recurrent layers and the loss honour. */
  maskZero?: boolean;
  /** Keras 2's argument; Keras 3 deprecates it and ignores it, and so does Tessera. */
  inputLength?: number | null;
}

/**
 * Turns integer indices into dense vectors: row `i` of the `[inputDim, outputDim]`
 * `embeddings` matrix for each index `i`, so `[batch, steps]` becomes
 * `[batch, steps, outputDim]`. Float inputs are truncated to integers, as Keras casts
 * them; an index outside `[0, inputDim)` is an error (on the CPU backend, which checks). The
 * gradient reaches only the rows that were looked up.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Embedding({ inputDim: 1000, outputDim: 64, inputShape: [10] }),
 *   new GlobalAveragePooling1D(),
 *   new Dense({ units: 1, activation: 'sigmoid' }),
 * ]);
 * model.predict(tensor([[4, 20, 7, 0, 0, 0, 0, 0, 0, 1]], [1, 10], 'int32')); // [1, 1]
 * ```
 */
export class Embedding extends Layer {
  static override readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  private readonly embeddingsInitializer: InitializerIdentifier;
  private readonly embeddingsRegularizer?: Regularizer;
  embeddings?: Variable;

  constructor(args: EmbeddingArgs) {
    super(args);
    for (const key of ['inputDim', 'outputDim'] as const) {
      const v = args[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
        throw new ValueError(`${this.name}: expected \`${key}\` to be a positive integer but got ${JSON.stringify(v)}`);
      }
    }
    const constraint = (args as { embeddingsConstraint?: unknown }).embeddingsConstraint;
    if (constraint !== undefined && constraint !== null) {
      throw new ValueError(`${this.name}: \`embeddingsConstraint\` is not supported by Tessera (got ${JSON.stringify(constraint)})`);
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.maskZero = args.maskZero ?? false;
    if (typeof this.maskZero !== 'boolean') throw new ValueError(`${this.name}: expected \`maskZero\` to be a boolean but got ${JSON.stringify(args.maskZero)}`);
    this.supportsMasking = this.maskZero;
    this.embeddingsInitializer = args.embeddingsInitializer ?? 'uniform';
    getInitializer(this.embeddingsInitializer); // fails now, naming the initializer, rather than at build
    this.embeddingsRegularizer = getRegularizer(args.embeddingsRegularizer);
  }

  override build(inputShape: LayerShape): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInitializer, {
      regularizer: this.embeddingsRegularizer,
    });
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    const indices = x.dtype === 'int32' ? x : cast(x, 'int32');
    return gather(this.embeddings!, indices, 0);
  }

  /** With `maskZero`, false where the index is 0 (padding), as Keras. */
  override computeMask(inputs: Tensors): Mask {
    return this.maskZero ? notEqual(single(inputs), 0) : undefined;
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeInitializer(getInitializer(this.embeddingsInitializer)),
      embeddings_regularizer: serializeRegularizer(this.embeddingsRegularizer),
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: this.maskZero,
      quantization_config: null,
    };
  }
}
