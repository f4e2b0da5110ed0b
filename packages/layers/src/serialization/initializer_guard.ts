import { zeros, type DType, type Shape, type Tensor } from '@tessera/tensor';
import { getInitializer, type Initializer } from '../initializers.js';
import { LayerConfigError } from './errors.js';
import { describeValue } from './keras_args.js';

/**
 * How many weight values a load may still create, shared by every layer of one model: a
 * file's weights bound it, so a corrupted config cannot allocate more than the file holds.
 */
export interface WeightBudget {
  /** Values left. */
  left: number;
  /** Create zeros instead of running initializers (the file's values replace them anyway). */
  zeros: boolean;
}

/**
 * An initializer that creates its weights only when the load's budget of values allows
 * it (and, when the budget says so, creates zeros); it serializes as the initializer it wraps.
 */
export class GuardedInitializer implements Initializer {
  readonly className: string;

  constructor(
    private readonly inner: Initializer,
    private readonly budget: WeightBudget,
  ) {
    this.className = inner.className;
  }

  call(shape: Shape, dtype?: DType): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    if (!Number.isFinite(size) || size < 0 || size > this.budget.left) {
      throw new LayerConfigError('bad_config', `the config asks for a weight of shape [${shape.join(', ')}], more values than the file holds`, {
        expected: `at most ${this.budget.left} more values`,
        found: `${size}`,
      });
    }
    this.budget.left -= size;
    return this.budget.zeros ? zeros(shape) : this.inner.call(shape, dtype);
  }

  getConfig(): Record<string, unknown> {
    return this.inner.getConfig();
  }
}

/** Resolves an initializer from a config value (falling back, with a warning, when unknown). */
export function resolveInitializer(id: unknown, fallback: string, warn: (m: string) => void): Initializer {
  if (id === null || id === undefined) return getInitializer(fallback);
  try {
    return getInitializer(id as never);
  } catch {
    warn(`initializer ${describeValue(id)} is not supported; '${fallback}' is used (it only matters for training from scratch)`);
    return getInitializer(fallback);
  }
}
