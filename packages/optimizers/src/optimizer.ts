import {
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  DisposedError,
  Variable,
  add,
  clipByValue,
  div,
  fill,
  getEngine,
  maximum,
  minimum,
  mul,
  reshape,
  scalar,
  sqrt,
  square,
  sub,
  sum,
  tensor,
  tidy,
  util,
  variable,
  variableGrads,
  type TensorLike,
} from '@tessera/tensor';
import { LearningRateSchedule, deserializeSchedule, serializeSchedule, type Config, type SerializedInput, type SerializedObject } from './schedules.js';
import { checkOptionalNonNegative, describe } from './validate.js';

/**
 * Options every optimizer takes (camelCase forms of Keras's base optimizer arguments).
 * @example
 * ```ts
 * const options: OptimizerOptions = { learningRate: 0.01, globalClipnorm: 1, weightDecay: 1e-4 };
 * const opt = new SGD({ ...options, momentum: 0.9 });
 * ```
 */
export interface OptimizerOptions {
  /** A number >= 0 or a {@link LearningRateSchedule}; each optimizer has its Keras default. */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay: before each update, `v -= v * weightDecay * learningRate`. */
  weightDecay?: number | null;
  /** Clips each gradient to this L2 norm (per tensor). */
  clipnorm?: number | null;
  /** Clips each gradient element to `[-clipvalue, clipvalue]`. */
  clipvalue?: number | null;
  /** Scales all gradients together so that their global L2 norm is at most this. */
  globalClipnorm?: number | null;
  /** Gradients are divided by this before anything else (the loss was multiplied by it). */
  lossScaleFactor?: number | null;
  /** Prefix of the slot variables' names; defaults to Keras's name for the class (`'adam'`, `'SGD'`, ...). */
  name?: string;
}

/**
 * The config keys every Keras 3 optimizer writes (subclasses add their own).
 * @example
 * ```ts
 * const config: OptimizerConfig = new SGD().getConfig();
 * config.learning_rate; // 0.01
 * ```
 */
export type OptimizerConfig = {
  name: string;
  learning_rate: number | SerializedObject;
  weight_decay: number | null;
  clipnorm: number | null;
  global_clipnorm: number | null;
  clipvalue: number | null;
  use_ema: boolean;
  ema_momentum: number;
  ema_overwrite_frequency: number | null;
  loss_scale_factor: number | null;
  gradient_accumulation_steps: number | null;
};

/**
 * One slot per variable that an optimizer keeps (Keras's "optimizer variables").
 * @example
 * ```ts
 * protected slotGroups(): SlotSpec[][] {
 *   return [[{ name: 'accumulator', initialValue: 0.1 }]];
 * }
 * ```
 */
export interface SlotSpec {
  /** Keras's name for it: `momentum`, `velocity`, ... */
  name: string;
  /** Initial value of every element (default 0). */
  initialValue?: number;
}

/**
 * A scalar of optimizer state kept as a JS number (saved with the weights).
 * @example
 * ```ts
 * protected override scalarState(): ScalarState[] {
 *   return [{ name: 'u_product', get: () => this.uProduct, set: (v) => (this.uProduct = v) }];
 * }
 * ```
 */
export interface ScalarState {
  name: string;
  get(): number;
  set(value: number): void;
}

/**
 * A `[gradient, variable]` pair; a missing gradient (null) skips its variable, as in Keras.
 * @example
 * ```ts
 * const pairs: GradientPair[] = [[gradKernel, kernel], [null, frozen]];
 * opt.applyGradients(pairs);
 * ```
 */
export type GradientPair = readonly [Tensor | null | undefined, Variable];

const BASE_KEYS = [
  'name',
  'learning_rate',
  'weight_decay',
  'clipnorm',
  'global_clipnorm',
  'clipvalue',
  'use_ema',
  'ema_momentum',
  'ema_overwrite_frequency',
  'loss_scale_factor',
  'gradient_accumulation_steps',
] as const;

/** Keys older Keras versions wrote that mean nothing here; configs that hold them still load. */
const LEGACY_KEYS = ['decay', 'is_legacy_optimizer', 'jit_compile'];

/**
 * Base class of optimizers, the Keras 3 `Optimizer` in TypeScript.
 *
 * A step (`applyGradients`) does what Keras does, in Keras's order: divide the gradients
 * by `lossScaleFactor`; clip them (`clipnorm` per tensor, else `globalClipnorm` across all,
 * else `clipvalue` per element); apply decoupled weight decay `v -= v * weightDecay * lr`;
 * run the subclass's `updateStep` per variable; then count the step in `iterations`.
 * `lr` is the learning rate at `iterations` (a schedule is evaluated before the step).
 *
 * Slot variables (moments, accumulators) are created the first time a variable is seen,
 * keyed by the `Variable` object, and named `<optimizer name>/<variable name with '/'
 * replaced by '_'>_<slot>` — Keras 3's optimizer-variable paths, e.g. `adam/dense_kernel_momentum`
 * (a `_1`, `_2`... suffix is added if another optimizer already holds that name). They are
 * non-trainable variables updated in place with `assign` inside `tidy`: a step leaks nothing.
 *
 * Subclasses declare their slots (`slotGroups`) and the update of one variable (`updateStep`).
 *
 * @example
 * ```ts
 * class PlainSGD extends Optimizer {
 *   static readonly className = 'PlainSGD';
 *   constructor(options: OptimizerOptions = {}) { super(options, { learningRate: 0.01, name: 'plain_sgd' }); }
 *   protected slotGroups() { return []; }
 *   protected updateStep(g: Tensor, v: Variable, _slots: Record<string, Variable>, lr: number) {
 *     v.assign(sub(v, mul(g, lr)));
 *   }
 *   static fromConfig(config: Config) { return new PlainSGD(Optimizer.baseOptions('PlainSGD', config)); }
 * }
 * ```
 */
export abstract class Optimizer {
  /** Prefix of the slot variables' names, and the `name` of the config. */
  readonly name: string;
  /** Number of steps applied so far (Keras's `optimizer.iterations`). */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly lossScaleFactor: number | null;

  private lr: number | LearningRateSchedule;
  private readonly slotsOf = new Map<Variable, Record<string, Variable>>();
  /** Every slot in creation order: the order of `variables()` and `getWeights()`. */
  private readonly slotOrder: Variable[] = [];
  private readonly decayExcludedVars = new Set<Variable>();
  private decayExcludedNames: string[] = [];
  private disposedFlag = false;

  /**
   * @param options - the user's options.
   * @param defaults - the subclass's Keras defaults for the learning rate and the name.
   */
  protected constructor(options: OptimizerOptions, defaults: { learningRate: number; name: string }) {
    const owner = this.className;
    if (typeof options !== 'object' || options === null) {
      throw new ValueError(`${owner}: expected an options object but got ${describe(options)}`);
    }
    this.name = options.name ?? defaults.name;
    if (typeof this.name !== 'string' || this.name.length === 0) {
      throw new ValueError(`${owner}: \`name\` must be a non-empty string but got ${describe(options.name)}`);
    }
    this.lr = checkLearningRate(owner, options.learningRate ?? defaults.learningRate);
    this.weightDecay = checkOptionalNonNegative(owner, 'weight_decay', options.weightDecay);
    this.clipnorm = checkOptionalNonNegative(owner, 'clipnorm', options.clipnorm);
    this.clipvalue = checkOptionalNonNegative(owner, 'clipvalue', options.clipvalue);
    this.globalClipnorm = checkOptionalNonNegative(owner, 'global_clipnorm', options.globalClipnorm);
    this.lossScaleFactor = checkOptionalNonNegative(owner, 'loss_scale_factor', options.lossScaleFactor);
    if (this.lossScaleFactor === 0) throw new ValueError(`${owner}: \`loss_scale_factor\` must be > 0 but got 0`);
    const clips = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length;
    if (clips > 1) {
      throw new ValueError(
        `${owner}: only one of \`clipnorm\`, \`clipvalue\` and \`global_clipnorm\` can be set but got ` +
          `clipnorm=${this.clipnorm}, clipvalue=${this.clipvalue}, global_clipnorm=${this.globalClipnorm}`,
      );
    }
  }

  // ------------------------------------------------------- what subclasses write

  /**
   * The slots each variable gets, in groups: Keras creates a group's slots variable by
   * variable (`m0, v0, m1, v1` for `[[momentum, velocity]]`), group after group.
   * Called when variables are first seen, so it may depend on the hyperparameters.
   */
  protected abstract slotGroups(): ReadonlyArray<readonly SlotSpec[]>;

  /**
   * Updates one variable (and its slots) in place with `assign`. Runs inside `tidy`;
   * `this.iterations` is the number of steps before this one.
   */
  protected abstract updateStep(gradient: Tensor, variable: Variable, slots: Readonly<Record<string, Variable>>, learningRate: number): void;

  /** Runs once per step, before the per-variable updates (Nadam advances its momentum cache here). */
  protected beforeUpdates(_learningRate: number): void {}

  /** Scalar state kept beside the slots (saved after them by `getWeights`). */
  protected scalarState(): ScalarState[] {
    return [];
  }

  // ------------------------------------------------------------ learning rate

  /**
   * The current learning rate: the number, or the schedule's value at `iterations`.
   * Set a number (or a schedule) to change it, as Keras's `optimizer.learning_rate = ...`;
   * an optimizer made with a schedule only accepts another schedule.
   * @example
   * ```ts
   * const opt = new SGD({ learningRate: 0.1 });
   * opt.learningRate = opt.learningRate * 0.5; // what ReduceLROnPlateau does
   * ```
   */
  get learningRate(): number {
    return this.currentLearningRate();
  }

  set learningRate(value: number | LearningRateSchedule) {
    const next = checkLearningRate(this.className, value);
    if (this.lr instanceof LearningRateSchedule && !(next instanceof LearningRateSchedule)) {
      throw new ValueError(
        `${this.className}: this optimizer was created with a LearningRateSchedule, so its learning rate cannot be ` +
          `set to a number (${next}); create it with a number learningRate to change it during training`,
      );
    }
    this.lr = next;
  }

  /**
   * The learning rate the next step uses (a schedule evaluated at `iterations`).
   * @example
   * ```ts
   * new SGD({ learningRate: new ExponentialDecay(0.1, 10, 0.5) }).currentLearningRate(); // 0.1
   * ```
   */
  currentLearningRate(): number {
    return this.lr instanceof LearningRateSchedule ? this.lr.call(this.iterations) : this.lr;
  }

  /**
   * The schedule, when the learning rate is one (else null).
   * @example
   * ```ts
   * new Adam().learningRateSchedule; // null
   * ```
   */
  get learningRateSchedule(): LearningRateSchedule | null {
    return this.lr instanceof LearningRateSchedule ? this.lr : null;
  }

  // -------------------------------------------------------------------- steps

  /**
   * Applies one step, as Keras's `apply_gradients(zip(grads, vars))`. The gradients stay
   * owned by the caller. Pairs with a null gradient are skipped.
   *
   * @returns `iterations` after the step.
   * @throws ShapeError when a gradient's shape differs from its variable's;
   *   DTypeError when a variable or gradient is not float32; ValueError when no pair has a gradient.
   * @example
   * ```ts
   * const w = variable(tensor([1, 2]), { name: 'w' });
   * const opt = new Adam({ learningRate: 0.01 });
   * opt.applyGradients([[tensor([0.1, -0.2]), w]]);
   * ```
   */
  applyGradients(gradsAndVars: ReadonlyArray<GradientPair>): number {
    this.assertUsable('applyGradients');
    if (!Array.isArray(gradsAndVars)) {
      throw new ValueError(`${this.className}.applyGradients: expected an array of [gradient, variable] pairs but got ${describe(gradsAndVars)}`);
    }
    const pairs = gradsAndVars.filter(([g]) => g !== null && g !== undefined) as ReadonlyArray<readonly [Tensor, Variable]>;
    if (pairs.length === 0) throw new ValueError(`${this.className}.applyGradients: no gradients provided for any variable`);
    const vars = pairs.map(([g, v]) => this.checkPair(g, v));
    if (new Set(vars).size !== vars.length) {
      const dup = vars.find((v, i) => vars.indexOf(v) !== i)!;
      throw new ValueError(`${this.className}.applyGradients: variable '${dup.name}' appears more than once; sum its gradients first`);
    }
    this.build(vars);
    const lr = this.currentLearningRate();
    tidy(() => {
      let grads = pairs.map(([g]) => g);
      if (this.lossScaleFactor !== null) grads = grads.map((g) => div(g, this.lossScaleFactor!));
      grads = this.clipGradients(grads);
      this.applyWeightDecay(vars, lr);
      this.beforeUpdates(lr);
      vars.forEach((v, i) => tidy(() => this.updateStep(grads[i], v, this.slotsOf.get(v)!, lr)));
    });
    return ++this.iterations;
  }

  /**
   * Computes the gradients of `lossFn` with respect to `varList` (default: every trainable
   * variable the loss depends on) and applies them. Reads the loss synchronously.
   *
   * @returns the loss value before the step.
   * @example
   * ```ts
   * const w = variable(tensor([3]), { name: 'w' });
   * const opt = new SGD({ learningRate: 0.1 });
   * const loss = opt.minimize(() => sum(square(w)), [w]); // 9; w is now 2.4
   * ```
   */
  minimize(lossFn: () => Tensor, varList?: readonly Variable[]): number {
    const { value, grads } = variableGrads(lossFn, varList);
    try {
      const registered = getEngine().registeredVariables();
      const byName = new Map((varList ?? []).map((v) => [v.name, v]));
      const pairs = Object.entries(grads).map(([name, g]): GradientPair => [g, byName.get(name) ?? registered.get(name)!]);
      if (pairs.length > 0) this.applyGradients(pairs);
      return value.dataSync()[0];
    } finally {
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    }
  }

  /**
   * Creates the slots of variables not seen before (steps do it on their own; call it
   * before `setWeights` to restore a saved state into a fresh optimizer).
   * @example
   * ```ts
   * opt.build(model.trainableWeights);
   * opt.setWeights(saved);
   * ```
   */
  build(varList: readonly Variable[]): void {
    this.assertUsable('build');
    const fresh = [...new Set(varList)].filter((v) => !this.slotsOf.has(this.checkVariable(v, 'build')));
    if (fresh.length === 0) return;
    for (const v of fresh) this.slotsOf.set(v, {});
    tidy(() => {
      for (const group of this.slotGroups()) {
        for (const v of fresh) {
          for (const spec of group) {
            const slot = variable(fill(v.shape, spec.initialValue ?? 0), { name: this.slotName(v, spec.name), trainable: false });
            this.slotsOf.get(v)![spec.name] = slot;
            this.slotOrder.push(slot);
          }
        }
      }
    });
  }

  /**
   * True once some variable has slots.
   * @example
   * ```ts
   * opt.build([w]);
   * opt.built; // true
   * ```
   */
  get built(): boolean {
    return this.slotsOf.size > 0;
  }

  /**
   * Excludes variables from weight decay: those listed, and those whose name contains one
   * of `names` (Keras's `exclude_from_weight_decay(var_list, var_names)`).
   * @example
   * ```ts
   * const opt = new AdamW();
   * opt.excludeFromWeightDecay({ names: ['bias'] });
   * ```
   */
  excludeFromWeightDecay(options: { variables?: readonly Variable[]; names?: readonly string[] }): void {
    for (const v of options.variables ?? []) this.decayExcludedVars.add(v);
    this.decayExcludedNames = [...this.decayExcludedNames, ...(options.names ?? [])];
  }

  // ------------------------------------------------------------------- state

  /**
   * The slot variables (moments, accumulators), in the order Keras 3 creates them.
   * They belong to the optimizer: `dispose()` frees them.
   * @example
   * ```ts
   * opt.variables().map((v) => v.name); // ['adam/w_momentum', 'adam/w_velocity']
   * ```
   */
  variables(): Variable[] {
    return [...this.slotOrder];
  }

  /**
   * Names of the entries of `getWeights()`, as Keras 3 paths: `<name>/iteration`, then
   * `<name>/learning_rate` (unless the learning rate is a schedule), then the slots,
   * then any scalar state (Nadam's `<name>/u_product`).
   * @example
   * ```ts
   * new SGD({ momentum: 0.9 }).weightNames(); // ['SGD/iteration', 'SGD/learning_rate'] before any step
   * ```
   */
  weightNames(): string[] {
    return [
      `${this.name}/iteration`,
      ...(this.lr instanceof LearningRateSchedule ? [] : [`${this.name}/learning_rate`]),
      ...this.slotOrder.map((s) => s.name),
      ...this.scalarState().map((s) => `${this.name}/${s.name}`),
    ];
  }

  /**
   * The optimizer's state as new tensors (the caller disposes them), in the order of Keras 3's
   * `optimizer.variables` (what a `.keras` file stores as `optimizer/vars/0..n`): the iteration
   * count (int32 scalar), the learning rate (float32 scalar, omitted for a schedule), the slots,
   * then scalar state. {@link Optimizer.weightNames} names them.
   * @example
   * ```ts
   * const state = opt.getWeights();
   * other.build(vars);
   * other.setWeights(state);
   * dispose(state);
   * ```
   */
  getWeights(): Tensor[] {
    this.assertUsable('getWeights');
    return [
      scalar(this.iterations, 'int32'),
      ...(this.lr instanceof LearningRateSchedule ? [] : [scalar(this.lr)]),
      // A reshape shares the buffer: a snapshot, since `assign` moves a variable to a new buffer.
      ...this.slotOrder.map((s) => reshape(s, s.shape)),
      ...this.scalarState().map((s) => scalar(s.get())),
    ];
  }

  /**
   * Restores state saved by {@link Optimizer.getWeights} (tensors, or plain values:
   * numbers, nested arrays, typed arrays). The slots must exist: call `build(vars)` first
   * on a fresh optimizer. Scalars given as tensors are read synchronously.
   * @throws ValueError when the count differs; ShapeError when a slot's shape differs.
   * @example
   * ```ts
   * const opt = new Adam();
   * opt.build([w]);
   * opt.setWeights(savedWeights);
   * ```
   */
  setWeights(weights: ReadonlyArray<Tensor | TensorLike>): void {
    this.assertUsable('setWeights');
    const names = this.weightNames();
    if (!Array.isArray(weights) || weights.length !== names.length) {
      const got = Array.isArray(weights) ? `${weights.length}` : describe(weights);
      throw new ValueError(
        `${this.className}.setWeights: expected ${names.length} weights (${names.join(', ')}) but got ${got}` +
          (this.built ? '' : '; the optimizer has no slots yet: call build(variables) first'),
      );
    }
    const hasLr = !(this.lr instanceof LearningRateSchedule);
    const nSlots = this.slotOrder.length;
    const slotStart = hasLr ? 2 : 1;
    const scalars = this.scalarState();
    tidy(() => {
      // Convert and check everything before changing anything.
      const iterations = readScalar(this.className, names[0], weights[0]);
      if (!Number.isInteger(iterations) || iterations < 0) {
        throw new ValueError(`${this.className}.setWeights: '${names[0]}' must be a non-negative integer but got ${iterations}`);
      }
      const lr = hasLr ? checkLearningRate(this.className, readScalar(this.className, names[1], weights[1])) : null;
      const slotValues = this.slotOrder.map((slot, i) => toSlotValue(this.className, slot, weights[slotStart + i]));
      const scalarValues = scalars.map((s, i) => readScalar(this.className, names[slotStart + nSlots + i], weights[slotStart + nSlots + i]));
      this.iterations = iterations;
      if (lr !== null) this.lr = lr;
      this.slotOrder.forEach((slot, i) => slot.assign(slotValues[i]));
      scalars.forEach((s, i) => s.set(scalarValues[i]));
    });
  }

  /**
   * Frees the slot variables. The optimizer then refuses every use with a `DisposedError`
   * (a step would otherwise restart from fresh slots, silently losing its state); a
   * second `dispose()` does nothing.
   * @example
   * ```ts
   * opt.dispose();
   * ```
   */
  dispose(): void {
    for (const slot of this.slotOrder) slot.dispose();
    this.slotOrder.length = 0;
    this.slotsOf.clear();
    this.disposedFlag = true;
  }

  /** True once `dispose()` ran. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  private assertUsable(what: string): void {
    if (this.disposedFlag) {
      throw new DisposedError(`optimizer '${this.name}' was disposed; it cannot ${what} (create a new optimizer, or compile the model again)`);
    }
  }

  // ------------------------------------------------------------------ configs

  /**
   * The name of the class in configs (the class's static `className`, else its JS name).
   * @example
   * ```ts
   * new AdamW().className; // 'AdamW'
   * ```
   */
  get className(): string {
    return (this.constructor as { className?: string }).className ?? this.constructor.name;
  }

  /**
   * The optimizer's arguments in Keras 3's JSON shape (snake_case keys); a schedule is
   * serialized as `{module, class_name, config, registered_name}` in `learning_rate`.
   * @example
   * ```ts
   * new Adam().getConfig(); // {name: 'adam', learning_rate: 0.001, ..., beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false}
   * ```
   */
  getConfig(): OptimizerConfig {
    return {
      name: this.name,
      learning_rate: this.lr instanceof LearningRateSchedule ? serializeSchedule(this.lr) : this.lr,
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: this.lossScaleFactor,
      gradient_accumulation_steps: null,
    };
  }

  /**
   * Reads the base keys of a config into options (a schedule in `learning_rate` is
   * deserialized), checking that no key outside `BASE_KEYS` and `ownKeys` is present.
   * For subclasses' `fromConfig`.
   * @example
   * ```ts
   * static fromConfig(config: Config) { return new PlainSGD(Optimizer.baseOptions('PlainSGD', config)); }
   * ```
   */
  static baseOptions(owner: string, config: Config, ownKeys: readonly string[] = []): OptimizerOptions {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ValueError(`${owner}.fromConfig: expected a config object but got ${describe(config)}`);
    }
    const known = [...BASE_KEYS, ...ownKeys];
    const unknown = Object.keys(config).filter((k) => !known.includes(k) && !LEGACY_KEYS.includes(k));
    if (unknown.length > 0) {
      throw new ValueError(`${owner}.fromConfig: unknown config key(s) ${unknown.join(', ')}; expected some of ${known.join(', ')}`);
    }
    if (config.use_ema === true) throw new ValueError(`${owner}.fromConfig: use_ema=true is not supported by Tessera yet`);
    if (config.gradient_accumulation_steps !== null && config.gradient_accumulation_steps !== undefined) {
      throw new ValueError(`${owner}.fromConfig: gradient_accumulation_steps is not supported by Tessera yet`);
    }
    const lr = config.learning_rate;
    return {
      name: config.name as string | undefined,
      learningRate: typeof lr === 'object' && lr !== null ? deserializeSchedule(lr as SerializedInput) : (lr as number | undefined),
      weightDecay: config.weight_decay as number | null | undefined,
      clipnorm: config.clipnorm as number | null | undefined,
      clipvalue: config.clipvalue as number | null | undefined,
      globalClipnorm: config.global_clipnorm as number | null | undefined,
      lossScaleFactor: config.loss_scale_factor as number | null | undefined,
    };
  }

  // ----------------------------------------------------------------- private

  private clipGradients(grads: Tensor[]): Tensor[] {
    if (this.clipnorm) {
      const c = this.clipnorm;
      return grads.map((g) => div(mul(g, c), maximum(sqrt(sum(square(g))), c)));
    }
    if (this.globalClipnorm) {
      const c = this.globalClipnorm;
      const norm = sqrt(grads.map((g) => sum(square(g))).reduce((a, b) => add(a, b)));
      // Keras's form: 1 for norms <= c, c / norm above, and NaN (norm - norm) for inf/NaN norms.
      const scale = add(mul(minimum(div(1, norm), 1 / c), c), sub(norm, norm));
      return grads.map((g) => mul(g, scale));
    }
    if (this.clipvalue) {
      const c = this.clipvalue;
      return grads.map((g) => clipByValue(g, -c, c));
    }
    return grads;
  }

  private applyWeightDecay(vars: readonly Variable[], lr: number): void {
    if (this.weightDecay === null) return;
    const factor = this.weightDecay * lr;
    for (const v of vars) {
      if (this.decayExcludedVars.has(v) || this.decayExcludedNames.some((n) => v.name.includes(n))) continue;
      // Its own scope: the op's output handle goes at once, so the variable is the one handle to
      // its new buffer and the fused update after it may write over it (`inPlace`).
      tidy(() => v.assign(sub(v, mul(v, factor))));
    }
  }

  private checkPair(g: Tensor, v: Variable): Variable {
    this.checkVariable(v, 'applyGradients');
    if (!(g instanceof Tensor)) {
      throw new ValueError(`${this.className}.applyGradients: the gradient of '${v.name}' must be a Tensor but got ${describe(g)}`);
    }
    if (g.dtype !== 'float32') {
      throw new DTypeError(`${this.className}.applyGradients: the gradient of '${v.name}' must be float32 but got ${g.dtype}`);
    }
    if (!util.shapesEqual(g.shape, v.shape)) {
      throw new ShapeError(
        `${this.className}.applyGradients: variable '${v.name}' has shape ${util.formatShape(v.shape)} ` +
          `but its gradient has shape ${util.formatShape(g.shape)}`,
      );
    }
    return v;
  }

  private checkVariable(v: Variable, op: string): Variable {
    if (!(v instanceof Variable)) {
      throw new ValueError(`${this.className}.${op}: expected a Variable but got ${(v as unknown) instanceof Tensor ? 'a Tensor' : describe(v)}`);
    }
    if (v.dtype !== 'float32') {
      throw new DTypeError(`${this.className}.${op}: variable '${v.name}' has dtype ${v.dtype}; optimizers update float32 variables only`);
    }
    return v;
  }

  private slotName(v: Variable, slot: string): string {
    const base = `${this.name}/${v.name.replace(/\//g, '_')}_${slot}`;
    const taken = getEngine().registeredVariables();
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    return name;
  }
}

function checkLearningRate(owner: string, value: unknown): number | LearningRateSchedule {
  if (value instanceof LearningRateSchedule) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`${owner}: \`learning_rate\` must be a number >= 0 or a LearningRateSchedule but got ${describe(value)}`);
  }
  return value;
}

function readScalar(owner: string, name: string, w: Tensor | TensorLike): number {
  if (typeof w === 'number') return w;
  const values = w instanceof Tensor ? w.dataSync() : tidy(() => tensor(w).dataSync());
  if (values.length !== 1) throw new ShapeError(`${owner}.setWeights: '${name}' must be a scalar but got ${values.length} values`);
  return values[0];
}

function toSlotValue(owner: string, slot: Variable, w: Tensor | TensorLike): Tensor {
  if (!(w instanceof Tensor)) return tensor(w, slot.shape, 'float32');
  if (w.dtype !== 'float32') throw new DTypeError(`${owner}.setWeights: '${slot.name}' must be float32 but got ${w.dtype}`);
  if (!util.shapesEqual(w.shape, slot.shape)) {
    throw new ShapeError(`${owner}.setWeights: '${slot.name}' has shape ${util.formatShape(slot.shape)} but the weight has ${util.formatShape(w.shape)}`);
  }
  return w;
}
