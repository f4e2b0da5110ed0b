import { dropout, reshape, transpose, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import { activationName, getActivation, type ActivationFn, type ActivationId } from '../activations.js';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';

const single = (inputs: Tensors): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/**
 * Applies an activation function.
 * @example
 * ```ts
 * new Activation({ activation: 'softmax' });
 * ```
 */
export class Activation extends Layer {
  static override readonly className = 'Activation';
  private readonly id: ActivationId | ActivationFn;
  private readonly fn: ActivationFn;

  constructor(args: LayerArgs & { activation: ActivationId | ActivationFn }) {
    super(args);
    this.supportsMasking = true;
    this.id = args.activation;
    this.fn = getActivation(args.activation);
  }

  call(inputs: Tensors): Tensor {
    return this.fn(single(inputs));
  }

  override getConfig() {
    return { ...super.getConfig(), activation: activationName(this.id) };
  }
}

/**
 * Zeroes a fraction `rate` of the inputs during training (scaling the rest by
 * `1 / (1 - rate)`); the identity at inference.
 * @example
 * ```ts
 * new Dropout({ rate: 0.2 });
 * ```
 */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape?: ReadonlyArray<number | null>;
  readonly seed?: number;
  private calls = 0;

  constructor(args: LayerArgs & { rate: number; noiseShape?: ReadonlyArray<number | null>; seed?: number }) {
    super(args);
    this.supportsMasking = true;
    if (!(args.rate >= 0 && args.rate < 1)) throw new ValueError(`${this.name}: expected a rate in [0, 1) but got ${args.rate}`);
    this.rate = args.rate;
    this.noiseShape = args.noiseShape;
    this.seed = args.seed ?? undefined; // Python's None arrives as null: no seed
  }

  call(inputs: Tensors, args: CallArgs): Tensor {
    const x = single(inputs);
    if (!args.training || this.rate === 0) return x;
    const noiseShape = this.noiseShape?.map((d, i) => d ?? x.shape[i]);
    // A seeded layer still draws a new mask per call, reproducibly.
    const seed = this.seed === undefined ? undefined : this.seed + this.calls++;
    return dropout(x, this.rate, { seed, noiseShape });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed ?? null, noise_shape: this.noiseShape ?? null };
  }
}

/**
 * Flattens each sample to one dimension: `[batch, 28, 28]` -> `[batch, 784]`.
 * @example
 * ```ts
 * new Flatten({ inputShape: [28, 28] });
 * ```
 */
export class Flatten extends Layer {
  static override readonly className = 'Flatten';

  constructor(args: LayerArgs & { dataFormat?: 'channels_last' | 'channels_first' } = {}) {
    super(args);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    return reshape(x, [x.shape[0], -1]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    const rest = inputShape.slice(1);
    return [inputShape[0], rest.some((d) => d === null) ? null : rest.reduce<number>((a, b) => a * (b as number), 1)];
  }

  override getConfig() {
    return { ...super.getConfig(), data_format: 'channels_last' };
  }
}

/**
 * Reshapes each sample (the batch dimension is kept); one dimension may be -1.
 * @example
 * ```ts
 * new Reshape({ targetShape: [28, 28, 1] });
 * ```
 */
export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(args: LayerArgs & { targetShape: readonly number[] }) {
    super(args);
    this.targetShape = [...args.targetShape];
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    const size = inputShape.slice(1).reduce<number | null>((a, b) => (a === null || b === null ? null : a * b), 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (size !== null && (this.targetShape.includes(-1) ? size % known !== 0 : size !== known)) {
      throw new ShapeError(
        `${this.name}: cannot reshape samples of shape [${inputShape.slice(1).join(', ')}] (${size} values) into [${this.targetShape.join(', ')}]`,
      );
    }
    return [inputShape[0], ...this.targetShape.map((d) => (d === -1 ? (size === null ? null : size / known) : d))];
  }

  override getConfig() {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }
}

/**
 * Permutes the non-batch axes; `dims` are 1-based as in Keras (`[2, 1]` swaps the two).
 * @example
 * ```ts
 * new Permute({ dims: [2, 1], inputShape: [10, 64] });
 * ```
 */
export class Permute extends Layer {
  static override readonly className = 'Permute';
  readonly dims: readonly number[];

  constructor(args: LayerArgs & { dims: readonly number[] }) {
    super(args);
    const sorted = [...args.dims].sort((a, b) => a - b);
    if (sorted.some((d, i) => d !== i + 1)) {
      throw new ValueError(`${this.name}: dims must be a permutation of 1..${args.dims.length} but got [${args.dims.join(', ')}]`);
    }
    this.dims = [...args.dims];
  }

  call(inputs: Tensors): Tensor {
    return transpose(single(inputs), [0, ...this.dims]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  override getConfig() {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}

/**
 * Returns its input unchanged: a placeholder where a model needs a layer but no operation
 * (Keras's `Identity`).
 * @example
 * ```ts
 * const skip = useProjection ? new Dense({ units: 64 }) : new Identity();
 * ```
 */
export class Identity extends Layer {
  static override readonly className = 'Identity';

  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  call(inputs: Tensors): Tensors {
    return inputs;
  }
}
