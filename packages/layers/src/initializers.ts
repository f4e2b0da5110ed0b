import {
  Prng,
  ValueError,
  fill,
  getEngine,
  randomNormal,
  randomSeed,
  randomUniform,
  truncatedNormal,
  type DType,
  type Shape,
  type Tensor,
} from '@tessera/tensor';

/** Makes the initial value of a weight. */
export interface Initializer {
  /** Keras class name, e.g. `GlorotUniform`. */
  readonly className: string;
  call(shape: Shape, dtype?: DType): Tensor;
  getConfig(): Record<string, unknown>;
}

/** Fan-in and fan-out as Keras computes them (conv kernels: receptive field times channels). */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

class Constant implements Initializer {
  readonly className: string;
  constructor(readonly value: number, className = 'Constant') {
    this.className = className;
  }
  call(shape: Shape, dtype: DType = 'float32'): Tensor {
    return fill(shape, this.value, dtype);
  }
  getConfig(): Record<string, unknown> {
    return this.className === 'Constant' ? { value: this.value } : {};
  }
}

class RandomUniform implements Initializer {
  readonly className = 'RandomUniform';
  constructor(readonly minval = -0.05, readonly maxval = 0.05, readonly seed?: number) {}
  call(shape: Shape): Tensor {
    return randomUniform(shape, { minval: this.minval, maxval: this.maxval, seed: this.seed });
  }
  getConfig() {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed ?? null };
  }
}

class RandomNormal implements Initializer {
  readonly className: string = 'RandomNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, readonly seed?: number) {}
  call(shape: Shape): Tensor {
    return randomNormal(shape, { mean: this.mean, stddev: this.stddev, seed: this.seed });
  }
  getConfig() {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed ?? null };
  }
}

class TruncatedNormal extends RandomNormal {
  override readonly className = 'TruncatedNormal';
  override call(shape: Shape): Tensor {
    return truncatedNormal(shape, { mean: this.mean, stddev: this.stddev, seed: this.seed });
  }
}

type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
type Distribution = 'uniform' | 'truncated_normal' | 'untruncated_normal';

/** Keras's VarianceScaling, the family behind glorot, he and lecun. */
class VarianceScaling implements Initializer {
  constructor(
    readonly scale: number,
    readonly mode: FanMode,
    readonly distribution: Distribution,
    readonly seed?: number,
    readonly className = 'VarianceScaling',
  ) {}

  call(shape: Shape): Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return randomUniform(shape, { minval: -limit, maxval: limit, seed: this.seed });
    }
    if (this.distribution === 'truncated_normal') {
      // The stddev of a unit normal truncated to [-2, 2].
      return truncatedNormal(shape, { stddev: Math.sqrt(variance) / 0.8796256610342398, seed: this.seed });
    }
    return randomNormal(shape, { stddev: Math.sqrt(variance), seed: this.seed });
  }

  getConfig(): Record<string, unknown> {
    if (this.className !== 'VarianceScaling') return { seed: this.seed ?? null };
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed ?? null };
  }
}

/** Keras's Orthogonal: a random orthogonal matrix (QR of a normal matrix), times `gain`. */
class Orthogonal implements Initializer {
  readonly className = 'Orthogonal';
  constructor(readonly gain = 1, readonly seed?: number) {}

  call(shape: Shape): Tensor {
    if (shape.length < 2) throw new ValueError(`Orthogonal: expected a shape of rank >= 2 but got [${shape.join(', ')}]`);
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
    const rng = new Prng(this.seed ?? randomSeed());
    const a = Array.from({ length: m * n }, () => rng.nextNormal());
    const q = orthonormalColumns(a, m, n);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[i * cols + j] = this.gain * (rows < cols ? q[j * n + i] : q[i * n + j]);
    }
    return getEngine().makeTensor(out, shape, 'float32');
  }

  getConfig() {
    return { gain: this.gain, seed: this.seed ?? null };
  }
}

/** Modified Gram-Schmidt on the columns of an m x n (m >= n) row-major matrix, sign-fixed like QR with positive diag(R). */
function orthonormalColumns(a: number[], m: number, n: number): number[] {
  const q = a.slice();
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i * n + k] * q[i * n + j];
      for (let i = 0; i < m; i++) q[i * n + j] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) q[i * n + j] /= norm;
  }
  return q;
}

/** Options of the seeded initializers. */
export interface SeedOptions {
  seed?: number;
}

/**
 * The initializers by name, as `keras.initializers`.
 * @example
 * ```ts
 * const w = initializers.glorotUniform({ seed: 1 }).call([784, 10]);
 * ```
 */
export const initializers = {
  zeros: (): Initializer => new Constant(0, 'Zeros'),
  ones: (): Initializer => new Constant(1, 'Ones'),
  constant: (o: { value?: number } = {}): Initializer => new Constant(o.value ?? 0),
  randomUniform: (o: SeedOptions & { minval?: number; maxval?: number } = {}): Initializer =>
    new RandomUniform(o.minval, o.maxval, o.seed),
  randomNormal: (o: SeedOptions & { mean?: number; stddev?: number } = {}): Initializer =>
    new RandomNormal(o.mean, o.stddev, o.seed),
  truncatedNormal: (o: SeedOptions & { mean?: number; stddev?: number } = {}): Initializer =>
    new TruncatedNormal(o.mean, o.stddev, o.seed),
  glorotUniform: (o: SeedOptions = {}): Initializer => new VarianceScaling(1, 'fan_avg', 'uniform', o.seed, 'GlorotUniform'),
  glorotNormal: (o: SeedOptions = {}): Initializer =>
    new VarianceScaling(1, 'fan_avg', 'truncated_normal', o.seed, 'GlorotNormal'),
  heUniform: (o: SeedOptions = {}): Initializer => new VarianceScaling(2, 'fan_in', 'uniform', o.seed, 'HeUniform'),
  heNormal: (o: SeedOptions = {}): Initializer => new VarianceScaling(2, 'fan_in', 'truncated_normal', o.seed, 'HeNormal'),
  lecunUniform: (o: SeedOptions = {}): Initializer => new VarianceScaling(1, 'fan_in', 'uniform', o.seed, 'LecunUniform'),
  lecunNormal: (o: SeedOptions = {}): Initializer =>
    new VarianceScaling(1, 'fan_in', 'truncated_normal', o.seed, 'LecunNormal'),
  varianceScaling: (
    o: SeedOptions & { scale?: number; mode?: FanMode; distribution?: Distribution } = {},
  ): Initializer => new VarianceScaling(o.scale ?? 1, o.mode ?? 'fan_in', o.distribution ?? 'truncated_normal', o.seed),
  orthogonal: (o: SeedOptions & { gain?: number } = {}): Initializer => new Orthogonal(o.gain, o.seed),
};

const BY_ID: Record<string, () => Initializer> = {
  zeros: initializers.zeros,
  ones: initializers.ones,
  constant: () => initializers.constant(),
  random_uniform: () => initializers.randomUniform(),
  random_normal: () => initializers.randomNormal(),
  // Keras 3's short aliases (Embedding's default is 'uniform').
  uniform: () => initializers.randomUniform(),
  normal: () => initializers.randomNormal(),
  truncated_normal: () => initializers.truncatedNormal(),
  glorot_uniform: () => initializers.glorotUniform(),
  glorot_normal: () => initializers.glorotNormal(),
  he_uniform: () => initializers.heUniform(),
  he_normal: () => initializers.heNormal(),
  lecun_uniform: () => initializers.lecunUniform(),
  lecun_normal: () => initializers.lecunNormal(),
  variance_scaling: () => initializers.varianceScaling(),
  orthogonal: () => initializers.orthogonal(),
};

const BY_CLASS: Record<string, (c: Record<string, unknown>) => Initializer> = {
  Zeros: () => initializers.zeros(),
  Ones: () => initializers.ones(),
  Constant: (c) => initializers.constant({ value: c.value as number }),
  RandomUniform: (c) => initializers.randomUniform(withSeed(c, { minval: c.minval as number, maxval: c.maxval as number })),
  RandomNormal: (c) => initializers.randomNormal(withSeed(c, { mean: c.mean as number, stddev: c.stddev as number })),
  TruncatedNormal: (c) => initializers.truncatedNormal(withSeed(c, { mean: c.mean as number, stddev: c.stddev as number })),
  GlorotUniform: (c) => initializers.glorotUniform(withSeed(c, {})),
  GlorotNormal: (c) => initializers.glorotNormal(withSeed(c, {})),
  HeUniform: (c) => initializers.heUniform(withSeed(c, {})),
  HeNormal: (c) => initializers.heNormal(withSeed(c, {})),
  LecunUniform: (c) => initializers.lecunUniform(withSeed(c, {})),
  LecunNormal: (c) => initializers.lecunNormal(withSeed(c, {})),
  VarianceScaling: (c) =>
    initializers.varianceScaling(
      withSeed(c, { scale: c.scale as number, mode: c.mode as FanMode, distribution: normalizeDist(c.distribution) }),
    ),
  Orthogonal: (c) => initializers.orthogonal(withSeed(c, { gain: c.gain as number })),
};

function withSeed<T extends object>(c: Record<string, unknown>, o: T): T & SeedOptions {
  return typeof c.seed === 'number' ? { ...o, seed: c.seed } : o;
}

// Keras 2 wrote 'normal' for what Keras 3 calls 'truncated_normal'.
function normalizeDist(d: unknown): Distribution {
  return d === 'normal' ? 'truncated_normal' : ((d as Distribution) ?? 'truncated_normal');
}

/** Anything `getInitializer` resolves. */
export type InitializerIdentifier = string | Initializer | { class_name: string; config?: Record<string, unknown> };

/**
 * Resolves an initializer from a Keras id (`'glorot_uniform'`), a serialized
 * `{class_name, config}` or an instance.
 * @example
 * ```ts
 * getInitializer('he_normal').call([3, 3, 1, 32]);
 * ```
 */
export function getInitializer(id: InitializerIdentifier): Initializer {
  if (typeof id === 'string') {
    const make = BY_ID[id] ?? BY_ID[id.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()] ?? (BY_CLASS[id] && (() => BY_CLASS[id]({})));
    if (!make) throw new ValueError(`Unknown initializer '${id}'. Valid: ${Object.keys(BY_ID).join(', ')}`);
    return make();
  }
  if ('call' in id && typeof id.call === 'function') return id as Initializer;
  const spec = id as { class_name: string; config?: Record<string, unknown> };
  const make = BY_CLASS[spec.class_name];
  if (!make) throw new ValueError(`Unknown initializer class '${spec.class_name}'. Valid: ${Object.keys(BY_CLASS).join(', ')}`);
  return make(spec.config ?? {});
}

/** `{class_name, config}` as Keras writes it. */
export function serializeInitializer(init: Initializer): { class_name: string; config: Record<string, unknown> } {
  return { class_name: init.className, config: init.getConfig() };
}
