import { reshape, tile, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer.js';
import type { LayerShape } from '../engine/symbolic.js';
import { assertInputRank, single } from './conv_utils.js';

/** Options of {@link RepeatVector}. */
export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat each sample. */
  n: number;
}

/**
 * Repeats each sample `n` times: `[batch, features]` becomes `[batch, n, features]` (the
 * bridge from a vector to a sequence, as in an encoder-decoder).
 * @example
 * ```ts
 * const model = new Sequential([new Dense({ units: 32, inputShape: [32] }), new RepeatVector({ n: 3 })]);
 * // output shape [null, 3, 32]
 * ```
 */
export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    if (typeof args.n !== 'number' || !Number.isInteger(args.n) || args.n <= 0) {
      throw new ValueError(`${this.name}: expected \`n\` to be a positive integer but got ${JSON.stringify(args.n)}`);
    }
    this.n = args.n;
  }

  override build(inputShape: LayerShape): void {
    assertInputRank(inputShape, 2, this.name, '(batch, features)');
    super.build(inputShape);
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    return tile(reshape(x, [x.shape[0], 1, x.shape[1]]), [1, this.n, 1]);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return [inputShape[0], this.n, inputShape[1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}
