import { ValueError } from '@tessera/tensor';
import { checkBoolean, checkRange, describe } from './validate.js';

/**
 * A JSON value, as configs hold them.
 * @example
 * ```ts
 * const v: JsonValue = { boundaries: [10, 20], name: null };
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A config: a JSON object in Keras's shape (snake_case keys).
 * @example
 * ```ts
 * const c: Config = { learning_rate: 0.01, momentum: 0.9 };
 * SGD.fromConfig(c);
 * ```
 */
export type Config = { [key: string]: JsonValue };

/**
 * A serialized Keras object, as Keras 3 writes it in `.keras` files and in the
 * `learning_rate` of an optimizer's config.
 * @example
 * ```ts
 * const s: SerializedObject = serializeSchedule(new CosineDecay(0.1, 100));
 * s.class_name; // 'CosineDecay'
 * ```
 */
export type SerializedObject<C extends Config = Config> = {
  module: string | null;
  class_name: string;
  config: C;
  registered_name: string | null;
};

/**
 * What deserializers read: Keras 3's four keys, or Keras 2's `{class_name, config}`.
 * @example
 * ```ts
 * const s: SerializedInput = { class_name: 'Adam', config: { learning_rate: 0.01 } };
 * deserialize(s);
 * ```
 */
export type SerializedInput = {
  class_name: string;
  config?: Config;
  module?: string | null;
  registered_name?: string | null;
};

/**
 * Base class of learning-rate schedules: maps the optimizer's step count (its
 * `iterations` before the update) to a learning rate. Pass one as `learningRate`
 * to any optimizer. Subclass it for your own schedule, and register it with
 * {@link registerSchedule} to make it loadable from configs.
 *
 * @example
 * ```ts
 * class InverseTime extends LearningRateSchedule {
 *   static readonly className = 'InverseTime';
 *   constructor(readonly initial: number) { super(); }
 *   call(step: number) { return this.initial / (step + 1); }
 *   getConfig() { return { initial: this.initial }; }
 *   static fromConfig(c: Config) { return new InverseTime(c.initial as number); }
 * }
 * registerSchedule('InverseTime', InverseTime);
 * const opt = new SGD({ learningRate: new InverseTime(0.1) });
 * ```
 */
export abstract class LearningRateSchedule {
  /** The learning rate at optimizer step `step` (0 before the first update). */
  abstract call(step: number): number;

  /** The schedule's arguments, as Keras names them. */
  abstract getConfig(): Config;

  /** The class name written in configs (the class's static `className`, else its JS name). */
  get className(): string {
    return (this.constructor as { className?: string }).className ?? this.constructor.name;
  }
}

/**
 * What {@link registerSchedule} takes: a schedule class with a static `fromConfig`.
 * @example
 * ```ts
 * const cls: ScheduleClass = ExponentialDecay;
 * cls.fromConfig({ initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5 });
 * ```
 */
export interface ScheduleClass {
  fromConfig(config: Config): LearningRateSchedule;
}

/**
 * `initialLearningRate * decayRate ^ (step / decaySteps)`, the exponent floored when
 * `staircase` is true. Keras's `keras.optimizers.schedules.ExponentialDecay`.
 *
 * @example
 * ```ts
 * const s = new ExponentialDecay(0.1, 100, 0.96, true);
 * s.call(0);   // 0.1
 * s.call(250); // 0.1 * 0.96 ** 2
 * const opt = new SGD({ learningRate: s });
 * ```
 */
export class ExponentialDecay extends LearningRateSchedule {
  static readonly className = 'ExponentialDecay';

  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
    readonly name = 'ExponentialDecay',
  ) {
    super();
    checkRange('ExponentialDecay', 'initial_learning_rate', initialLearningRate, 0);
    checkPositive('ExponentialDecay', 'decay_steps', decaySteps);
    checkRange('ExponentialDecay', 'decay_rate', decayRate, 0);
    checkBoolean('ExponentialDecay', 'staircase', staircase);
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * Math.pow(this.decayRate, p);
  }

  getConfig(): Config {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }

  /** Rebuilds from {@link ExponentialDecay.getConfig}'s output (or a Keras config). */
  static fromConfig(config: Config): ExponentialDecay {
    const c = readConfig('ExponentialDecay', config, ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase', 'name']);
    return new ExponentialDecay(
      c.initial_learning_rate as number,
      c.decay_steps as number,
      c.decay_rate as number,
      (c.staircase as boolean | undefined) ?? false,
      (c.name as string | undefined) ?? 'ExponentialDecay',
    );
  }
}

/**
 * A step function: `values[0]` while `step <= boundaries[0]`, `values[i]` while
 * `boundaries[i-1] < step <= boundaries[i]`, and the last value after the last boundary.
 * Keras's `keras.optimizers.schedules.PiecewiseConstantDecay`.
 *
 * @example
 * ```ts
 * const s = new PiecewiseConstantDecay([1000, 2000], [0.1, 0.01, 0.001]);
 * s.call(1000); // 0.1
 * s.call(1001); // 0.01
 * ```
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  static readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(boundaries: readonly number[], values: readonly number[], readonly name = 'PiecewiseConstant') {
    super();
    if (!Array.isArray(boundaries) || !Array.isArray(values) || boundaries.length !== values.length - 1) {
      throw new ValueError(
        `PiecewiseConstantDecay: \`boundaries\` must have one element fewer than \`values\` but got ` +
          `boundaries=${describe(boundaries)} and values=${describe(values)}`,
      );
    }
    boundaries.forEach((b, i) => {
      checkRange('PiecewiseConstantDecay', `boundaries[${i}]`, b, -Infinity);
      if (i > 0 && !(b > boundaries[i - 1])) {
        throw new ValueError(`PiecewiseConstantDecay: \`boundaries\` must be strictly increasing but got ${describe(boundaries)}`);
      }
    });
    values.forEach((v, i) => checkRange('PiecewiseConstantDecay', `values[${i}]`, v, 0));
    this.boundaries = [...boundaries];
    this.values = [...values];
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.values.length - 1 : i];
  }

  getConfig(): Config {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }

  /** Rebuilds from {@link PiecewiseConstantDecay.getConfig}'s output (or a Keras config). */
  static fromConfig(config: Config): PiecewiseConstantDecay {
    const c = readConfig('PiecewiseConstantDecay', config, ['boundaries', 'values', 'name']);
    return new PiecewiseConstantDecay(
      c.boundaries as number[],
      c.values as number[],
      (c.name as string | undefined) ?? 'PiecewiseConstant',
    );
  }
}

/**
 * Cosine decay from `initialLearningRate` (or from `warmupTarget` after a linear warmup
 * of `warmupSteps`) down to `alpha` times that value over `decaySteps`, then constant.
 * Keras's `keras.optimizers.schedules.CosineDecay`.
 *
 * @example
 * ```ts
 * const s = new CosineDecay(0.1, 1000);
 * s.call(500); // 0.05
 * const warm = new CosineDecay(0, 1000, 0, 0.1, 100); // 0 -> 0.1 over 100 steps, then decay
 * ```
 */
export class CosineDecay extends LearningRateSchedule {
  static readonly className = 'CosineDecay';

  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly alpha = 0,
    readonly warmupTarget: number | null = null,
    readonly warmupSteps = 0,
    readonly name = 'CosineDecay',
  ) {
    super();
    checkRange('CosineDecay', 'initial_learning_rate', initialLearningRate, 0);
    checkPositive('CosineDecay', 'decay_steps', decaySteps);
    checkRange('CosineDecay', 'alpha', alpha, 0, 1);
    if (warmupTarget !== null && warmupTarget !== undefined) checkRange('CosineDecay', 'warmup_target', warmupTarget, 0);
    checkRange('CosineDecay', 'warmup_steps', warmupSteps, 0);
  }

  call(step: number): number {
    if (this.warmupTarget === null || this.warmupTarget === undefined) {
      return this.decayed(Math.min(step, this.decaySteps), this.initialLearningRate);
    }
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decayed(s - this.warmupSteps, this.warmupTarget);
  }

  private decayed(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Config {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget ?? null,
      warmup_steps: this.warmupSteps,
    };
  }

  /** Rebuilds from {@link CosineDecay.getConfig}'s output (or a Keras config). */
  static fromConfig(config: Config): CosineDecay {
    const c = readConfig('CosineDecay', config, ['initial_learning_rate', 'decay_steps', 'alpha', 'name', 'warmup_target', 'warmup_steps']);
    return new CosineDecay(
      c.initial_learning_rate as number,
      c.decay_steps as number,
      (c.alpha as number | undefined) ?? 0,
      (c.warmup_target as number | null | undefined) ?? null,
      (c.warmup_steps as number | undefined) ?? 0,
      (c.name as string | undefined) ?? 'CosineDecay',
    );
  }
}

function checkPositive(owner: string, arg: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new ValueError(`${owner}: \`${arg}\` must be a number > 0 but got ${describe(value)}`);
  }
}

/** Checks that a config is an object with only `known` keys; returns it. */
export function readConfig(owner: string, config: unknown, known: readonly string[], ignored: readonly string[] = []): Config {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ValueError(`${owner}.fromConfig: expected a config object but got ${describe(config)}`);
  }
  const unknown = Object.keys(config).filter((k) => !known.includes(k) && !ignored.includes(k));
  if (unknown.length > 0) {
    throw new ValueError(`${owner}.fromConfig: unknown config key(s) ${unknown.join(', ')}; expected some of ${known.join(', ')}`);
  }
  return config as Config;
}

// ------------------------------------------------------------------ registry

const BUILT_IN: readonly ScheduleClass[] = [ExponentialDecay, PiecewiseConstantDecay, CosineDecay];
const schedules = new Map<string, ScheduleClass>([
  [ExponentialDecay.className, ExponentialDecay],
  [PiecewiseConstantDecay.className, PiecewiseConstantDecay],
  [CosineDecay.className, CosineDecay],
]);

/**
 * Makes a custom schedule class loadable by {@link deserializeSchedule} (and so from
 * optimizer configs) under `className`.
 *
 * @example
 * ```ts
 * registerSchedule('InverseTime', InverseTime);
 * ```
 */
export function registerSchedule(className: string, cls: ScheduleClass): void {
  if (typeof className !== 'string' || className.length === 0) {
    throw new ValueError(`registerSchedule: expected a non-empty class name but got ${describe(className)}`);
  }
  if (typeof cls?.fromConfig !== 'function') {
    throw new ValueError(`registerSchedule: '${className}' must have a static fromConfig(config)`);
  }
  schedules.set(className, cls);
}

/**
 * A schedule as Keras 3 serializes it: `{module, class_name, config, registered_name}`.
 *
 * @example
 * ```ts
 * serializeSchedule(new ExponentialDecay(0.1, 100, 0.9));
 * // {module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay', config: {...}, registered_name: null}
 * ```
 */
export function serializeSchedule(schedule: LearningRateSchedule): SerializedObject {
  const builtIn = BUILT_IN.includes(schedule.constructor as unknown as ScheduleClass);
  return {
    module: builtIn ? 'keras.optimizers.schedules' : null,
    class_name: schedule.className,
    config: schedule.getConfig(),
    registered_name: builtIn ? null : schedule.className,
  };
}

/**
 * Rebuilds a schedule from `{class_name, config}` (what {@link serializeSchedule} and Keras write).
 *
 * @example
 * ```ts
 * const s = deserializeSchedule({ class_name: 'CosineDecay', config: { initial_learning_rate: 0.1, decay_steps: 100 } });
 * ```
 */
export function deserializeSchedule(serialized: SerializedInput): LearningRateSchedule {
  if (typeof serialized !== 'object' || serialized === null || typeof serialized.class_name !== 'string') {
    throw new ValueError(`deserializeSchedule: expected {class_name, config} but got ${describe(serialized)}`);
  }
  const registered = serialized.registered_name;
  const cls = schedules.get(serialized.class_name) ?? (registered ? schedules.get(registered) : undefined);
  if (!cls) {
    throw new ValueError(
      `Unknown learning rate schedule '${serialized.class_name}'. Valid: ${[...schedules.keys()].join(', ')} ` +
        '(register custom ones with registerSchedule)',
    );
  }
  return cls.fromConfig(serialized.config ?? {});
}
