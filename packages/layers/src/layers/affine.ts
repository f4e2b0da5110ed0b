import type { Variable } from '@tessera/tensor';
import { Layer, type LayerArgs } from '../engine/layer.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

/** Keras's `center` / `scale` options of a normalization layer. */
export interface AffineArgs {
  /** Learn an offset `beta` (default true). */
  center?: boolean;
  /** Learn a scale `gamma` (default true). */
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier | null;
  gammaRegularizer?: RegularizerIdentifier | null;
}

/**
 * The base of the normalization layers that end with a learned scale `gamma` and offset
 * `beta` (Keras's `center` / `scale` options): the options, the weights (made in Keras's
 * order, `gamma` first) and their config keys.
 */
export abstract class AffineNormalization extends Layer {
  readonly center: boolean;
  readonly scale: boolean;
  gamma?: Variable;
  beta?: Variable;
  private readonly betaInitializer: InitializerIdentifier;
  private readonly gammaInitializer: InitializerIdentifier;
  private readonly betaRegularizer?: Regularizer;
  private readonly gammaRegularizer?: Regularizer;

  constructor(args: LayerArgs & AffineArgs) {
    super(args);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = args.betaInitializer ?? 'zeros';
    this.gammaInitializer = args.gammaInitializer ?? 'ones';
    // Unknown ids fail here, naming the initializer, rather than when the layer builds.
    getInitializer(this.betaInitializer);
    getInitializer(this.gammaInitializer);
    this.betaRegularizer = getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer);
  }

  /** Creates `gamma` (if `scale`) and `beta` (if `center`) of `shape`. */
  protected buildAffine(shape: number[]): void {
    if (this.scale) this.gamma = this.addWeight('gamma', shape, this.gammaInitializer, { regularizer: this.gammaRegularizer });
    if (this.center) this.beta = this.addWeight('beta', shape, this.betaInitializer, { regularizer: this.betaRegularizer });
  }

  /** The config keys of the affine options, as Keras writes them. */
  protected affineConfig(): Record<string, unknown> {
    return {
      beta_initializer: serializeInitializer(getInitializer(this.betaInitializer)),
      gamma_initializer: serializeInitializer(getInitializer(this.gammaInitializer)),
      beta_regularizer: serializeRegularizer(this.betaRegularizer),
      gamma_regularizer: serializeRegularizer(this.gammaRegularizer),
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
}
