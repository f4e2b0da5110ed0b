// The recurrent cells (Keras's SimpleRNNCell, LSTMCell, GRUCell): each holds its weights, projects
// a whole input sequence at once (`project`) and computes one timestep (`step`) with the functions
// of step.ts. The RNN layer runs them over time; called alone, a cell computes one step (Keras's
// `cell(inputs, states)`): `[x, ...states]` in, `[output, ...newStates]` out.
import {
  concat,
  dropout,
  fusedMatMul,
  gruSequence,
  lstmSequence,
  mul,
  ones,
  reshape,
  slice,
  squeeze,
  ShapeError,
  ValueError,
  type DType,
  type SequenceOptions,
  type Shape,
  type Tensor,
  type Variable,
} from '@tessera/tensor';
import { activationName, getActivation, type ActivationFn, type ActivationId } from '../../activations.js';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer.js';
import type { LayerShape } from '../../engine/symbolic.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../../initializers.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { fusable, gateColumns, gruStep, lstmStep, simpleRnnStep } from './step.js';

/** Options shared by the cells (Keras's arguments, camelCase). */
export interface CellArgs extends LayerArgs {
  /** Size of the output and of each state. */
  units: number;
  /** Activation of the candidate and output (default `'tanh'`). */
  activation?: ActivationId | ActivationFn | null;
  /** Whether the cell has a bias (default true). */
  useBias?: boolean;
  /** Initializer of `kernel` (default `'glorot_uniform'`). */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of `recurrent_kernel` (default `'orthogonal'`). */
  recurrentInitializer?: InitializerIdentifier;
  /** Initializer of `bias` (default `'zeros'`). */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  recurrentRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  /** Fraction of the inputs dropped while training (one mask for every timestep, as Keras). */
  dropout?: number;
  /** Fraction of the recurrent state dropped while training (one mask per gate for every timestep). */
  recurrentDropout?: number;
  /** Seed of the dropout masks. */
  seed?: number | null;
}

/** Options of cells with gates (LSTM, GRU). */
export interface GatedCellArgs extends CellArgs {
  /** Activation of the gates (default `'sigmoid'`). */
  recurrentActivation?: ActivationId | ActivationFn | null;
}

/** Options of {@link LSTMCell}. */
export interface LSTMCellArgs extends GatedCellArgs {
  /** Adds 1 to the forget gate's bias at initialization (default true, as Keras). */
  unitForgetBias?: boolean;
}

/** Options of {@link GRUCell}. */
export interface GRUCellArgs extends GatedCellArgs {
  /** Apply the reset gate after the recurrent product (default true, Keras 3's and CuDNN's layout, with a `[2, 3 * units]` bias). */
  resetAfter?: boolean;
}

/** Keras's `implementation` (1 or 2: how the gates are computed, same result) and Keras 2's keys that cells accept and ignore. */
interface LegacyCellArgs {
  implementation?: number;
}

/** Checks a dropout rate argument. */
function rate(value: unknown, arg: string, layer: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ValueError(`${layer}: expected \`${arg}\` to be a number in [0, 1] but got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The state of a cell while a sequence runs: its dropout masks. */
interface DropoutMasks {
  /** Input masks, one per gate (one in all when there is no recurrent dropout, as Keras's implementation 2). */
  input?: Tensor[];
  /** Recurrent masks on the state, one per gate. */
  recurrent?: Tensor[];
}

/**
 * The base of the recurrent cells: what `RNN` needs from a cell. `project` computes the input
 * part of every timestep in one product; `step` adds the recurrent part. Subclasses define
 * the weights and the step.
 */
export abstract class RecurrentCell extends Layer {
  /** The sizes of the states (`[units]`, or `[units, units]` for an LSTM). */
  abstract get stateSize(): number[];
  /** The size of the output. */
  abstract get outputSize(): number;

  /**
   * Which state Keras repeats as the output of a masked timestep (its `states[0]`, or for
   * nested states the last cell's first): the output itself for the standard cells.
   */
  get maskedOutputState(): number {
    return 0;
  }

  /**
   * The input part of the gates for every position: `[..., features]` to `[..., gates * units]`
   * (the input dropout of a training run applied first).
   */
  abstract project(x: Tensor): Tensor;

  /**
   * One timestep from the projected input `[batch, gates * units]` and the states.
   * @returns the output and the new states.
   */
  abstract step(xw: Tensor, states: Tensor[]): { output: Tensor; states: Tensor[] };

  /**
   * The whole sequence as one op, where this cell has one for its current options (no
   * recurrent dropout in this sequence): from `xw` (`project` of the inputs) and the initial
   * states, the last output (or with `returnSequences` every output, in the order computed);
   * undefined where the layer must loop over the steps. RNN calls it between
   * `beginSequence` and `endSequence`, when there is no mask and no state is returned or kept.
   */
  sequence(_xw: Tensor, _states: Tensor[], _options: SequenceOptions): Tensor | undefined {
    return undefined;
  }

  /** Draws the dropout masks of one sequence (when training with dropout); RNN calls it first. */
  abstract beginSequence(batch: number, inputDim: number, training: boolean): void;

  /** Forgets the masks of the sequence (the tape still holds what backward needs). */
  abstract endSequence(): void;

  /** A new, unbuilt cell with the same options and name (for Bidirectional's copies). */
  abstract copy(): RecurrentCell;

  /** One step, as Keras's `cell(inputs, states)`: `[x, ...states]` in, `[output, ...newStates]` out. */
  call(inputs: Tensors, args: CallArgs = {}): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const sizes = this.stateSize;
    if (list.length !== 1 + sizes.length) {
      throw new ValueError(`${this.name}: expected [inputs, ${sizes.map((_, i) => `state${i}`).join(', ')}] but got ${list.length} tensor(s)`);
    }
    const [x, ...states] = list;
    this.beginSequence(x.shape[0], x.shape[x.rank - 1], args.training ?? false);
    try {
      const { output, states: next } = this.step(this.project(x), states);
      return [output, ...next];
    } finally {
      this.endSequence();
    }
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape[] {
    const batch = (Array.isArray(inputShape[0]) ? (inputShape[0] as LayerShape)[0] : inputShape[0]) as number | null;
    return [[batch, this.outputSize], ...this.stateSize.map((s) => [batch, s] as LayerShape)];
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const x = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    this.buildCell(x);
    super.build(inputShape);
  }

  /** Creates the weights for a step input shape `[batch, features]`. */
  abstract buildCell(stepShape: LayerShape): void;
}

/** What the three Keras cells share: units, activation, initializers, regularizers, dropout. */
abstract class KerasCell extends RecurrentCell {
  readonly units: number;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed?: number;
  protected readonly activationId: ActivationId | ActivationFn | null | undefined;
  protected readonly activation: ActivationFn;
  protected readonly kernelInitializer: InitializerIdentifier;
  protected readonly recurrentInitializer: InitializerIdentifier;
  protected readonly biasInitializer: InitializerIdentifier;
  protected readonly kernelRegularizer?: Regularizer;
  protected readonly recurrentRegularizer?: Regularizer;
  protected readonly biasRegularizer?: Regularizer;
  kernel?: Variable;
  recurrentKernel?: Variable;
  bias?: Variable;
  protected masks: DropoutMasks = {};
  private draws = 0;
  private readonly ctorArgs: CellArgs;
  /** How many gates (column blocks of the kernels) the cell has. */
  protected abstract readonly gates: number;

  constructor(args: CellArgs & LegacyCellArgs) {
    super(args);
    this.ctorArgs = { ...args, name: this.name };
    if (typeof args.units !== 'number' || !Number.isInteger(args.units) || args.units <= 0) {
      throw new ValueError(`${this.name}: expected \`units\` to be a positive integer but got ${JSON.stringify(args.units)}`);
    }
    if (args.implementation !== undefined && args.implementation !== 1 && args.implementation !== 2) {
      throw new ValueError(`${this.name}: expected \`implementation\` to be 1 or 2 but got ${JSON.stringify(args.implementation)}`);
    }
    this.units = args.units;
    this.useBias = args.useBias ?? true;
    this.activationId = args.activation === undefined ? 'tanh' : args.activation;
    this.activation = getActivation(this.activationId);
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.recurrentInitializer = args.recurrentInitializer ?? 'orthogonal';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    for (const [key, id] of [['kernelInitializer', this.kernelInitializer], ['recurrentInitializer', this.recurrentInitializer], ['biasInitializer', this.biasInitializer]] as const) {
      try {
        getInitializer(id);
      } catch (e) {
        throw new ValueError(`${this.name}: \`${key}\`: ${(e as Error).message}`);
      }
    }
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.recurrentRegularizer = getRegularizer(args.recurrentRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.dropout = rate(args.dropout, 'dropout', this.name);
    this.recurrentDropout = rate(args.recurrentDropout, 'recurrentDropout', this.name);
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) {
      throw new ValueError(`${this.name}: expected \`seed\` to be an integer but got ${JSON.stringify(args.seed)}`);
    }
    this.seed = args.seed ?? undefined;
  }

  get outputSize(): number {
    return this.units;
  }

  copy(): RecurrentCell {
    return new (this.constructor as new (args: CellArgs) => RecurrentCell)({ ...this.ctorArgs });
  }

  buildCell(stepShape: LayerShape): void {
    const inDim = stepShape[stepShape.length - 1];
    if (inDim === null || inDim === undefined) {
      throw new ShapeError(`${this.name}: the last dimension of the input must be known but got shape [${stepShape.map((d) => d ?? '*').join(', ')}]`);
    }
    const cols = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inDim, cols], this.kernelInitializer, { regularizer: this.kernelRegularizer });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, cols], this.recurrentInitializer, { regularizer: this.recurrentRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', this.biasShape(), this.biasInit(), { regularizer: this.biasRegularizer });
  }

  /** Shape of `bias`. */
  protected biasShape(): Shape {
    return [this.gates * this.units];
  }

  /** The initializer of `bias` (LSTM's adds its forget-gate ones). */
  protected biasInit(): InitializerIdentifier {
    return this.biasInitializer;
  }

  /** The bias added to the input projection. */
  protected inputBias(): Tensor | undefined {
    return this.bias;
  }

  /** How many masks: Keras's implementation 1 (one per gate) with recurrent dropout, else one. */
  private maskCount(): number {
    return this.recurrentDropout > 0 ? this.gates : 1;
  }

  private draw(batch: number, dim: number, r: number, count: number): Tensor[] {
    const one = ones([batch, dim]);
    return Array.from({ length: count }, () => dropout(one, r, { seed: this.seed === undefined ? undefined : this.seed + this.draws++ }));
  }

  beginSequence(batch: number, inputDim: number, training: boolean): void {
    this.masks = {};
    if (!training) return;
    if (this.dropout > 0 && this.dropout < 1) this.masks.input = this.draw(batch, inputDim, this.dropout, this.maskCount());
    if (this.recurrentDropout > 0 && this.recurrentDropout < 1) this.masks.recurrent = this.draw(batch, this.units, this.recurrentDropout, this.gates);
  }

  endSequence(): void {
    this.masks = {};
  }

  project(x: Tensor): Tensor {
    const inDim = x.shape[x.rank - 1];
    const lead = x.shape.slice(0, -1);
    const input = this.masks.input;
    let y: Tensor;
    if (!input) {
      y = fusedMatMul(reshape(x, [-1, inDim]), this.kernel!, { bias: this.inputBias() });
    } else {
      // The same mask at every timestep: [batch, 1, features] against [batch, steps, features].
      const per = (m: Tensor) => reshape(mulMask(x, m), [-1, inDim]);
      y =
        input.length === 1
          ? fusedMatMul(per(input[0]), this.kernel!, { bias: this.inputBias() })
          : concat(
              input.map((m, g) => fusedMatMul(per(m), gateColumns(this.kernel!, g, this.units), {
                bias: this.inputBias() && slice(this.inputBias()!, [g * this.units], [this.units]),
              })),
              1,
            );
    }
    return reshape(y, [...lead, this.gates * this.units]);
  }

  /** Keras's config keys common to the cells, before the cell's own. */
  protected baseConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units, activation: activationName(this.activationId) };
  }

  protected weightConfig(): Record<string, unknown> {
    return {
      kernel_initializer: serializeInitializer(getInitializer(this.kernelInitializer)),
      recurrent_initializer: serializeInitializer(getInitializer(this.recurrentInitializer)),
      bias_initializer: serializeInitializer(getInitializer(this.biasInitializer)),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      recurrent_regularizer: serializeRegularizer(this.recurrentRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
    };
  }
}

/** `x * mask`, the mask `[batch, features]` broadcast over the timesteps of a sequence. */
function mulMask(x: Tensor, mask: Tensor): Tensor {
  const m = x.rank === 3 ? reshape(mask, [mask.shape[0], 1, mask.shape[1]]) : mask;
  return mul(x, m);
}

/**
 * The cell of {@link SimpleRNN}: `output = activation(x · kernel + h · recurrent_kernel + bias)`.
 * @example
 * ```ts
 * const rnn = new RNN({ cell: new SimpleRNNCell({ units: 8 }) });
 * ```
 */
export class SimpleRNNCell extends KerasCell {
  static override readonly className: string = 'SimpleRNNCell';
  protected readonly gates = 1;

  constructor(args: CellArgs) {
    super(args);
  }

  get stateSize(): number[] {
    return [this.units];
  }

  step(xw: Tensor, states: Tensor[]): { output: Tensor; states: Tensor[] } {
    const h = simpleRnnStep(xw, states[0], this.recurrentKernel!, this.activation, this.masks.recurrent?.[0]);
    return { output: h, states: [h] };
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), use_bias: this.useBias, ...this.weightConfig(), seed: this.seed ?? null };
  }
}

/** Gate activations of the gated cells. */
abstract class GatedCell extends KerasCell {
  protected readonly recurrentActivationId: ActivationId | ActivationFn | null | undefined;
  protected readonly recurrentActivation: ActivationFn;

  constructor(args: GatedCellArgs) {
    super(args);
    this.recurrentActivationId = args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation;
    this.recurrentActivation = getActivation(this.recurrentActivationId);
  }

  protected override baseConfig(): Record<string, unknown> {
    return { ...super.baseConfig(), recurrent_activation: activationName(this.recurrentActivationId), use_bias: this.useBias };
  }

  protected get fns() {
    return { activation: this.activation, recurrentActivation: this.recurrentActivation };
  }
}

/**
 * The cell of {@link LSTM}: gates i, f, c, o in Keras's order in the `[input, 4 * units]`
 * kernel, `[units, 4 * units]` recurrent kernel and `[4 * units]` bias; states `[h, c]`.
 * @example
 * ```ts
 * const rnn = new RNN({ cell: new LSTMCell({ units: 16 }), returnSequences: true });
 * ```
 */
export class LSTMCell extends GatedCell {
  static override readonly className: string = 'LSTMCell';
  protected readonly gates = 4;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMCellArgs) {
    super(args);
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  get stateSize(): number[] {
    return [this.units, this.units];
  }

  protected override biasInit(): InitializerIdentifier {
    if (!this.unitForgetBias) return this.biasInitializer;
    const inner = getInitializer(this.biasInitializer);
    const units = this.units;
    // Keras: [init(units), ones(units), init(2 * units)].
    const forget: Initializer = {
      className: inner.className,
      call: (_shape: Shape, dtype?: DType) => concat([inner.call([units], dtype), ones([units]), inner.call([2 * units], dtype)]),
      getConfig: () => inner.getConfig(),
    };
    return forget;
  }

  /** One `lstmSequence` op with the default activations and no recurrent dropout (its gradient makes one product for the recurrent kernel). */
  override sequence(xw: Tensor, states: Tensor[], options: SequenceOptions): Tensor | undefined {
    if (this.masks.recurrent || !fusable(this.fns)) return undefined;
    return lstmSequence(xw, states[0], states[1], this.recurrentKernel!, options);
  }

  step(xw: Tensor, states: Tensor[]): { output: Tensor; states: Tensor[] } {
    const [h, c] = lstmStep(xw, states[0], states[1], this.recurrentKernel!, this.fns, this.masks.recurrent);
    return { output: h, states: [h, c] };
  }

  override getConfig(): Record<string, unknown> {
    const w = this.weightConfig();
    return {
      ...this.baseConfig(),
      unit_forget_bias: this.unitForgetBias,
      ...w,
      seed: this.seed ?? null,
    };
  }
}

/**
 * The cell of {@link GRU}: gates z, r, h in Keras's order. With `resetAfter` (default) the
 * bias is `[2, 3 * units]` (input and recurrent biases, CuDNN's layout); without it `[3 * units]`.
 * @example
 * ```ts
 * const rnn = new RNN({ cell: new GRUCell({ units: 16 }) });
 * ```
 */
export class GRUCell extends GatedCell {
  static override readonly className: string = 'GRUCell';
  protected readonly gates = 3;
  readonly resetAfter: boolean;

  constructor(args: GRUCellArgs) {
    super(args);
    this.resetAfter = args.resetAfter ?? true;
    if (typeof this.resetAfter !== 'boolean') throw new ValueError(`${this.name}: expected \`resetAfter\` to be a boolean but got ${JSON.stringify(args.resetAfter)}`);
  }

  get stateSize(): number[] {
    return [this.units];
  }

  protected override biasShape(): Shape {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override inputBias(): Tensor | undefined {
    if (!this.bias || !this.resetAfter) return this.bias;
    return squeeze(slice(this.bias, [0, 0], [1, 3 * this.units]), 0);
  }

  private recurrentBias(): Tensor | undefined {
    if (!this.bias || !this.resetAfter) return undefined;
    return squeeze(slice(this.bias, [1, 0], [1, 3 * this.units]), 0);
  }

  /** The recurrent bias row while a sequence runs, sliced at its first step: a slice a step would pad its gradient back each step. */
  private sequenceBias?: { value?: Tensor };

  override beginSequence(batch: number, inputDim: number, training: boolean): void {
    super.beginSequence(batch, inputDim, training);
    this.sequenceBias = {};
  }

  override endSequence(): void {
    super.endSequence();
    this.sequenceBias = undefined;
  }

  /** One `gruSequence` op (reset-after with a bias, the default activations, no recurrent dropout): the recurrent kernel's and bias's gradients in one product and one sum. */
  override sequence(xw: Tensor, states: Tensor[], options: SequenceOptions): Tensor | undefined {
    if (!this.resetAfter || !this.bias || this.masks.recurrent || !fusable(this.fns)) return undefined;
    return gruSequence(xw, states[0], this.recurrentKernel!, this.recurrentBias()!, options);
  }

  step(xw: Tensor, states: Tensor[]): { output: Tensor; states: Tensor[] } {
    const bias = this.sequenceBias ? (this.sequenceBias.value ??= this.recurrentBias()) : this.recurrentBias();
    const h = gruStep(xw, states[0], this.recurrentKernel!, bias, this.fns, this.resetAfter, this.masks.recurrent);
    return { output: h, states: [h] };
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), ...this.weightConfig(), reset_after: this.resetAfter, seed: this.seed ?? null };
  }
}
