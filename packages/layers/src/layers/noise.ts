import { add, cast, greaterEqual, mul, Prng, randomNormal, randomSeed, randomUniform, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../engine/layer.js';
import { single } from './conv_utils.js';

/** SELU's constants, as Keras's `AlphaDropout` writes them. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * The base of the noise layers: the amount of noise (`stddev` or `rate`, in [0, 1]), a
 * seeded generator that gives each training call a new seed (so a seeded layer draws new
 * noise per step, reproducibly), and the identity at inference.
 */
abstract class NoiseLayer extends Layer {
  readonly seed?: number;
  /** The value of the `stddev` or `rate` argument. */
  protected readonly amount: number;
  private readonly rng: Prng;

  constructor(
    args: LayerArgs & { seed?: number | null },
    private readonly amountKey: 'stddev' | 'rate',
    amount: unknown,
  ) {
    super(args);
    if (typeof amount !== 'number' || !(amount >= 0 && amount <= 1)) {
      throw new ValueError(`${this.name}: expected \`${amountKey}\` to be a number between 0 and 1 but got ${JSON.stringify(amount)}`);
    }
    this.amount = amount;
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) {
      throw new ValueError(`${this.name}: expected an integer seed but got ${String(args.seed)}`);
    }
    this.seed = args.seed ?? undefined; // Python's None arrives as null: no seed
    // Unseeded layers follow the global generator (`setRandomSeed`) when one is set.
    this.rng = new Prng(this.seed ?? randomSeed());
  }

  /** A fresh seed for one call's noise. */
  protected nextSeed(): number {
    return Math.floor(this.rng.nextFloat() * 2 ** 31);
  }

  /** The noisy output of a training call. */
  protected abstract noisy(x: Tensor): Tensor;

  call(inputs: Tensors, args: CallArgs): Tensor {
    const x = single(inputs);
    return args.training && this.amount > 0 ? this.noisy(x) : x;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), [this.amountKey]: this.amount, seed: this.seed ?? null };
  }
}

/** Options of {@link GaussianNoise}. */
export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the noise, in [0, 1]. */
  stddev: number;
  /** Same seed, same sequence of noise (each training call draws new noise). */
  seed?: number | null;
}

/**
 * Adds zero-centered Gaussian noise of standard deviation `stddev` during training (a
 * regularizer, and a form of data augmentation); the identity at inference.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Dense({ units: 64, activation: 'relu', inputShape: [20] }),
 *   new GaussianNoise({ stddev: 0.1 }),
 *   new Dense({ units: 1 }),
 * ]);
 * ```
 */
export class GaussianNoise extends NoiseLayer {
  static override readonly className = 'GaussianNoise';

  constructor(args: GaussianNoiseArgs) {
    super(args, 'stddev', args.stddev);
    this.supportsMasking = true;
  }

  /** Standard deviation of the noise. */
  get stddev(): number {
    return this.amount;
  }

  protected noisy(x: Tensor): Tensor {
    return add(x, randomNormal(x.shape, { stddev: this.stddev, seed: this.nextSeed() }));
  }
}

/** Options of {@link GaussianDropout}. */
export interface GaussianDropoutArgs extends LayerArgs {
  /** Drop probability, in [0, 1]: the noise has standard deviation `sqrt(rate / (1 - rate))`. */
  rate: number;
  /** Same seed, same sequence of noise. */
  seed?: number | null;
}

/**
 * Multiplies the inputs by Gaussian noise of mean 1 and standard deviation
 * `sqrt(rate / (1 - rate))` during training; the identity at inference.
 * @example
 * ```ts
 * new GaussianDropout({ rate: 0.2 });
 * ```
 */
export class GaussianDropout extends NoiseLayer {
  static override readonly className = 'GaussianDropout';

  constructor(args: GaussianDropoutArgs) {
    super(args, 'rate', args.rate);
    this.supportsMasking = true;
  }

  /** The drop probability. */
  get rate(): number {
    return this.amount;
  }

  protected noisy(x: Tensor): Tensor {
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    return mul(x, randomNormal(x.shape, { mean: 1, stddev, seed: this.nextSeed() }));
  }

}

/** Options of {@link AlphaDropout}. */
export interface AlphaDropoutArgs extends LayerArgs {
  /** Drop probability, in [0, 1]. */
  rate: number;
  /** Shape of the keep mask, broadcast over the input; `null` entries take the input's size. */
  noiseShape?: ReadonlyArray<number | null> | null;
  /** Same seed, same sequence of masks. */
  seed?: number | null;
}

/**
 * Dropout that keeps the mean and variance of its inputs, for self-normalizing networks
 * (SELU activations): during training dropped units are set to SELU's negative
 * saturation value and the result is affinely rescaled. The identity at inference.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Dense({ units: 64, activation: 'selu', kernelInitializer: 'lecun_normal', inputShape: [20] }),
 *   new AlphaDropout({ rate: 0.1 }),
 *   new Dense({ units: 1 }),
 * ]);
 * ```
 */
export class AlphaDropout extends NoiseLayer {
  static override readonly className = 'AlphaDropout';
  readonly noiseShape?: ReadonlyArray<number | null>;

  constructor(args: AlphaDropoutArgs) {
    super(args, 'rate', args.rate);
    this.supportsMasking = true;
    const ns = args.noiseShape ?? undefined;
    if (ns !== undefined && !(Array.isArray(ns) && ns.every((d) => d === null || (Number.isInteger(d) && d > 0)))) {
      throw new ValueError(`${this.name}: expected \`noiseShape\` to be a list of positive integers or nulls but got ${JSON.stringify(ns)}`);
    }
    this.noiseShape = ns === undefined ? undefined : [...ns];
  }

  /** The drop probability. */
  get rate(): number {
    return this.amount;
  }

  protected noisy(x: Tensor): Tensor {
    const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]) : x.shape;
    if (shape.length !== x.rank) {
      throw new ValueError(`${this.name}: noiseShape [${this.noiseShape!.join(', ')}] has ${shape.length} axes but the input has ${x.rank}`);
    }
    const rate = this.rate;
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const kept = cast(greaterEqual(randomUniform(shape, { seed: this.nextSeed() }), rate), 'float32');
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    // x * kept + alphaP * (1 - kept), then a * (.) + b
    const dropped = add(mul(x, kept), mul(add(mul(kept, -1), 1), alphaP));
    return add(mul(dropped, a), b);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), noise_shape: this.noiseShape ? [...this.noiseShape] : null };
  }
}
