import { broadcastTo, cast, concat, expandDims, fill, mul, reshape, sum, tidy, type Tensor } from '@tessera/tensor';

/**
 * A metric accumulated over an epoch. Each batch yields a small tensor of statistics
 * (e.g. `[correct, count]`); `fit` reads all of them in one transfer per batch and
 * folds them in on the host, so metrics cost no extra synchronization.
 */
export interface Metric {
  /** The name in logs (`accuracy`, `val_accuracy`, ...). */
  readonly name: string;
  /**
   * Statistics of one batch as a 1-D float32 tensor. `mask` is the Keras mask of `yPred`
   * (false at padded timesteps), if it carries one.
   */
  batchStats(yTrue: Tensor, yPred: Tensor, mask?: Tensor): Tensor;
  /** Folds a batch's statistics in. */
  accumulate(stats: ArrayLike<number>): void;
  /** The value so far. */
  result(): number;
  /** Starts a new epoch. */
  reset(): void;
  /** Keras's `{name, ...}` config. */
  getConfig(): Record<string, unknown>;
}

/** A metric whose value is the mean of per-sample values (accuracy, mse, ...). */
export class MeanMetric implements Metric {
  private total = 0;
  private count = 0;

  /**
   * @param name - name in logs.
   * @param fn - per-sample values (every element counts once).
   */
  constructor(
    readonly name: string,
    private readonly fn: (yTrue: Tensor, yPred: Tensor) => Tensor,
  ) {}

  /** `[sum, count]` of the per-sample values; masked values (Keras's mask of `yPred`) count for nothing. */
  batchStats(yTrue: Tensor, yPred: Tensor, mask?: Tensor): Tensor {
    return tidy(() => {
      const values = cast(this.fn(yTrue, yPred), 'float32');
      if (!mask) return concat([reshape(sum(values), [1]), fill([1], values.size)]);
      let m = cast(mask, 'float32');
      while (m.rank < values.rank) m = expandDims(m, -1);
      m = broadcastTo(m, values.shape);
      return concat([reshape(sum(mul(values, m)), [1]), reshape(sum(m), [1])]);
    });
  }

  accumulate(stats: ArrayLike<number>): void {
    this.total += stats[0];
    this.count += stats[1];
  }

  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: 'float32' };
  }
}
