import { div, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../engine/layer.js';
import { regularizers, type Regularizer } from '../regularizers.js';
import { single } from './conv_utils.js';

/** Options of {@link ActivityRegularization}. */
export interface ActivityRegularizationArgs extends LayerArgs {
  /** Factor of the L1 penalty `l1 * sum(|x|)` (default 0). */
  l1?: number;
  /** Factor of the L2 penalty `l2 * sum(x²)` (default 0). */
  l2?: number;
}

/**
 * Passes its input through unchanged and adds `(l1 * sum(|x|) + l2 * sum(x²)) / batchSize`
 * to the model's loss, in `fit` and `evaluate` (as Keras 3, which divides an activity
 * penalty by the batch size).
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Dense({ units: 32, activation: 'relu', inputShape: [16] }),
 *   new ActivityRegularization({ l1: 1e-4 }), // pushes the activations towards sparsity
 *   new Dense({ units: 1 }),
 * ]);
 * ```
 */
export class ActivityRegularization extends Layer {
  static override readonly className = 'ActivityRegularization';
  readonly l1: number;
  readonly l2: number;
  private readonly penalty: Regularizer;

  constructor(args: ActivityRegularizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    for (const key of ['l1', 'l2'] as const) {
      const v = args[key];
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0))) {
        throw new ValueError(`${this.name}: expected \`${key}\` to be a non-negative number but got ${JSON.stringify(v)}`);
      }
    }
    this.l1 = args.l1 ?? 0;
    this.l2 = args.l2 ?? 0;
    this.penalty = regularizers.l1l2({ l1: this.l1, l2: this.l2 });
  }

  call(inputs: Tensors, args: CallArgs): Tensor {
    const x = single(inputs);
    if (args.losses && (this.l1 || this.l2)) {
      const batch = x.rank > 0 ? x.shape[0] : 1;
      args.losses.push(batch > 0 ? div(this.penalty.call(x), batch) : this.penalty.call(x));
    }
    return x;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}
