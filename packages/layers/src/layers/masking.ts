import { any, cast, mul, notEqual, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, type LayerArgs, type Mask, type Tensors } from '../engine/layer.js';
import { single } from './conv_utils.js';

/** Options of {@link Masking}. */
export interface MaskingArgs extends LayerArgs {
  /** Timesteps whose features all equal it are masked (default 0). */
  maskValue?: number;
}

/**
 * Masks the timesteps of `[batch, steps, features]` inputs whose features all equal
 * `maskValue` (Keras's `Masking`): their outputs are zeros and the layers after it (LSTM,
 * GRU, the loss) skip them.
 * @example
 * ```ts
 * const model = new Sequential([new Masking({ maskValue: 0, inputShape: [10, 8] }), new LSTM({ units: 32 })]);
 * ```
 */
export class Masking extends Layer {
  static override readonly className: string = 'Masking';
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const v = args.maskValue ?? 0;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`${this.name}: expected \`maskValue\` to be a number but got ${JSON.stringify(args.maskValue)}`);
    this.maskValue = v;
    this.supportsMasking = true;
  }

  call(inputs: Tensors): Tensor {
    const x = single(inputs);
    return mul(x, cast(any(notEqual(x, this.maskValue), -1, true), 'float32'));
  }

  override computeMask(inputs: Tensors): Mask {
    return any(notEqual(single(inputs), this.maskValue), -1);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mask_value: this.maskValue };
  }
}
