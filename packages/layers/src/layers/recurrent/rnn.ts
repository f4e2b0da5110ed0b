import {
  getEngine,
  reshape,
  stack,
  tidy,
  unstack,
  variable,
  where,
  zeros,
  zerosLike,
  mul,
  ShapeError,
  ValueError,
  dispose,
  type Tensor,
  type Variable,
} from '@tessera/tensor';
import { Layer, type CallArgs, type LayerArgs, type Mask, type Tensors } from '../../engine/layer.js';
import type { LayerShape } from '../../engine/symbolic.js';
import { RecurrentCell } from './cells.js';
import { serializeNested } from './serialize.js';
import { StackedRNNCells } from './stacked.js';

/** Options of every recurrent layer (Keras's `RNN` arguments, camelCase). */
export interface RNNOptions extends LayerArgs {
  /** Return the output of every timestep `[batch, steps, units]` instead of the last `[batch, units]` (default false). */
  returnSequences?: boolean;
  /** Also return the final states: `[output, ...states]` (default false). */
  returnState?: boolean;
  /** Run over the sequence backwards; with `returnSequences` the outputs are in that reversed order (default false). */
  goBackwards?: boolean;
  /**
   * Keep the final states of a batch as the initial states of the next (the sample `i` of a
   * batch continues the sample `i` of the previous one) until `resetStates()`; needs a fixed batch size.
   */
  stateful?: boolean;
  /** Keras's loop unrolling: accepted; the loop is always unrolled here (same results). */
  unroll?: boolean;
  /** Output zeros at masked timesteps instead of the previous output (default false). */
  zeroOutputForMask?: boolean;
}

/** Options of {@link RNN}. */
export interface RNNArgs extends RNNOptions {
  /** The cell run at each timestep, or a list of cells (stacked as {@link StackedRNNCells}). */
  cell: RecurrentCell | RecurrentCell[];
}

function flag(value: unknown, arg: string, layer: string, fallback = false): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${layer}: expected \`${arg}\` to be a boolean but got ${JSON.stringify(value)}`);
  return value;
}

/**
 * A recurrent layer: runs a cell over the timesteps of `[batch, steps, features]` inputs
 * (Keras's `RNN`). The input part of every step is computed in one product before the loop;
 * gradients flow back through time on the tape. An LSTM cell, or a GRU cell with `resetAfter`
 * and a bias, with the default activations runs the whole sequence as one `lstmSequence` or
 * `gruSequence` op (one tape node, the recurrent kernel's gradient in one product) when there
 * is no mask, no state to return or keep and no recurrent dropout; the values are the same.
 * Masked timesteps (from Embedding's `maskZero` or Masking) keep the previous states and output.
 * Initial states can be given as `{initialState}` in the call arguments, or as extra inputs
 * `[x, ...states]`.
 * @example
 * ```ts
 * const layer = new RNN({ cell: new LSTMCell({ units: 32 }), returnSequences: true });
 * const y = layer.apply(x) as Tensor; // [batch, steps, 32]
 * ```
 */
export class RNN extends Layer {
  static override readonly className: string = 'RNN';
  readonly cell: RecurrentCell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly unroll: boolean;
  /** Set by Bidirectional to its `returnSequences`, as Keras does. */
  zeroOutputForMask: boolean;
  private stateVariables?: Variable[];
  /** The constructor's options, for {@link RNN.copy} (subclasses store theirs). */
  protected ctorArgs: Record<string, unknown>;

  constructor(args: RNNArgs) {
    super(args);
    this.ctorArgs = { ...args };
    const cell = Array.isArray(args.cell) ? new StackedRNNCells({ cells: args.cell }) : args.cell;
    if (!(cell instanceof RecurrentCell)) {
      throw new ValueError(`${this.name}: expected \`cell\` to be a recurrent cell (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells) or a list of them`);
    }
    this.cell = cell;
    this.returnSequences = flag(args.returnSequences, 'returnSequences', this.name);
    this.returnState = flag(args.returnState, 'returnState', this.name);
    this.goBackwards = flag(args.goBackwards, 'goBackwards', this.name);
    this.stateful = flag(args.stateful, 'stateful', this.name);
    this.unroll = flag(args.unroll, 'unroll', this.name);
    this.zeroOutputForMask = flag(args.zeroOutputForMask, 'zeroOutputForMask', this.name);
    this.supportsMasking = true;
  }

  override readonly statesAsInputs = true;

  protected override sublayers(): { layer: Layer; prefix?: string }[] {
    return [{ layer: this.cell }];
  }

  override savedSublayers(): [string, Layer | Layer[]][] {
    return [['cell', this.cell]];
  }

  /**
   * A new, unbuilt layer with the same options and some changed (Bidirectional makes its
   * forward and backward layers so, as Keras copies through the config).
   */
  copy(overrides: RNNOptions): RNN {
    const args: Record<string, unknown> = { ...this.ctorArgs, ...overrides };
    if ('cell' in this.ctorArgs) args.cell = this.cell.copy();
    return new (this.constructor as new (a: unknown) => RNN)(args);
  }

  /** The current states of a stateful layer (undefined before its first call). */
  get states(): Tensor[] | undefined {
    return this.stateVariables;
  }

  private sequenceShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    if (shape.length !== 3) {
      throw new ShapeError(`${this.name} expects input of rank 3 [batch, timesteps, features] but got [${shape.map((d) => d ?? '*').join(', ')}]`);
    }
    return shape;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = this.sequenceShape(inputShape);
    if (!this.cell.built) this.cell.build([shape[0], shape[2]]);
    if (this.stateful && typeof shape[0] === 'number') this.createStates(shape[0]);
    super.build(inputShape);
  }

  private createStates(batch: number): void {
    if (this.stateVariables) return;
    this.stateVariables = this.cell.stateSize.map((s, i) =>
      tidy(() => variable(zeros([batch, s]), { name: uniqueVariable(`${this.name}/rnn_state_${i}`), trainable: false })),
    );
  }

  /**
   * Zeroes the states of a stateful layer (Keras's `reset_states`), or sets them to `states`.
   * @example
   * ```ts
   * const lstm = new LSTM({ units: 8, stateful: true, batchInputShape: [4, 10, 3] });
   * // ... predict on consecutive chunks of the same sequences, then:
   * lstm.resetStates();
   * ```
   */
  resetStates(states?: Tensor[]): void {
    if (!this.stateful) throw new ValueError(`${this.name}: resetStates() needs a stateful layer (created with stateful: true)`);
    if (!this.stateVariables) return;
    if (states && states.length !== this.stateVariables.length) {
      throw new ValueError(`${this.name}.resetStates: expected ${this.stateVariables.length} states but got ${states.length}`);
    }
    tidy(() => this.stateVariables!.forEach((v, i) => v.assign(states ? states[i] : zerosLike(v))));
  }

  /** Keras 3's name for {@link RNN.resetStates}. */
  resetState(): void {
    this.resetStates();
  }

  call(inputs: Tensors, args: CallArgs = {}): Tensors {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    if (x.rank !== 3) throw new ShapeError(`${this.name} expects input of rank 3 [batch, timesteps, features] but got [${x.shape.join(', ')}]`);
    const [batch, steps, features] = x.shape;
    const initial = (args.initialState as Tensor[] | undefined) ?? (list.length > 1 ? list.slice(1) : undefined);
    const states = this.initialStates(batch, initial);
    const mask = args.mask;
    if (mask && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps)) {
      throw new ShapeError(`${this.name}: expected a mask of shape [${batch}, ${steps}] but got [${mask.shape.join(', ')}]`);
    }
    this.cell.beginSequence(batch, features, args.training ?? false);
    let result: { outputs: Tensor[]; states: Tensor[] };
    try {
      const xw = this.cell.project(x);
      // The whole sequence as one op where the cell has one (no mask, no state to return or keep).
      const whole = mask || this.returnState || this.stateful
        ? undefined
        : this.cell.sequence(xw, states, { returnSequences: this.returnSequences, goBackwards: this.goBackwards });
      if (whole) return whole;
      result = this.loop(xw, states, mask);
    } finally {
      this.cell.endSequence();
    }
    const { outputs, states: last } = result;
    if (this.stateful) this.stateVariables!.forEach((v, i) => v.assign(last[i]));
    const output = this.returnSequences ? stack(outputs, 1) : outputs[outputs.length - 1];
    return this.returnState ? [output, ...last] : output;
  }

  private initialStates(batch: number, given: Tensor[] | undefined): Tensor[] {
    const sizes = this.cell.stateSize;
    if (given) {
      if (given.length !== sizes.length) {
        throw new ValueError(`${this.name}: expected ${sizes.length} initial state(s) (\`initialState\`) but got ${given.length}`);
      }
      given.forEach((s, i) => {
        if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== sizes[i]) {
          throw new ShapeError(`${this.name}: expected initial state ${i} of shape [${batch}, ${sizes[i]}] but got [${s.shape.join(', ')}]`);
        }
      });
      return given;
    }
    if (this.stateful) {
      this.createStates(batch);
      const expected = this.stateVariables![0].shape[0];
      if (expected !== batch) {
        throw new ShapeError(`${this.name} is stateful for batches of ${expected} samples but got a batch of ${batch}`);
      }
      // Copies: the loop's tape must not see the variables change when the new states are assigned.
      return this.stateVariables!.map((v) => mul(v, 1));
    }
    return sizes.map((s) => zeros([batch, s]));
  }

  /** The loop over time; masked steps keep the states and repeat the previous output (or give zeros). */
  private loop(xw: Tensor, initial: Tensor[], mask: Tensor | undefined): { outputs: Tensor[]; states: Tensor[] } {
    const stepsIn = unstack(xw, 1);
    const masks = mask ? unstack(reshape(mask, [mask.shape[0], mask.shape[1], 1]), 1) : undefined;
    const order = stepsIn.map((_, t) => (this.goBackwards ? stepsIn.length - 1 - t : t));
    let states = initial;
    let previous: Tensor | undefined;
    const outputs: Tensor[] = [];
    const repeated = this.cell.maskedOutputState;
    for (const t of order) {
      const r = this.cell.step(stepsIn[t], states);
      let output = r.output;
      let next = r.states;
      if (masks) {
        const keep = masks[t];
        next = next.map((s, i) => where(keep, s, states[i]));
        output = where(keep, output, this.maskedOutput(output, states[repeated], previous));
      }
      states = next;
      previous = output;
      outputs.push(output);
    }
    return { outputs, states };
  }

  /**
   * The output of a masked timestep, as Keras computes it: zeros with `zeroOutputForMask`;
   * unrolled, the previous output (zeros at first); else the state Keras repeats (for the
   * standard cells, the previous output, or the initial state at the first step).
   */
  private maskedOutput(output: Tensor, state: Tensor, previous: Tensor | undefined): Tensor {
    if (this.zeroOutputForMask) return zerosLike(output);
    if (this.unroll || state.shape[1] !== output.shape[1]) return previous ?? zerosLike(output);
    return state;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const [batch, steps] = this.sequenceShape(inputShape);
    const out: LayerShape = this.returnSequences ? [batch, steps, this.cell.outputSize] : [batch, this.cell.outputSize];
    return this.returnState ? [out, ...this.cell.stateSize.map((s) => [batch, s] as LayerShape)] : out;
  }

  override computeMask(_inputs: Tensors, mask?: Mask): Mask {
    const m = Array.isArray(mask) ? mask[0] : mask;
    const out = this.returnSequences ? m : undefined;
    return this.returnState ? [out, ...this.cell.stateSize.map(() => undefined)] : out;
  }

  /** The keys of Keras's `RNN.get_config` before the cell's. */
  protected rnnConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
    };
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.rnnConfig(), cell: serializeNested(this.cell) };
  }

  override dispose(): void {
    dispose(this.stateVariables ?? []);
    this.stateVariables = undefined;
    super.dispose();
  }
}

/** A variable name no live variable has. */
function uniqueVariable(base: string): string {
  const vars = getEngine().registeredVariables();
  let name = base;
  for (let i = 1; vars.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** Drops a cell config's base keys (a layer's config carries its own name, trainable and dtype). */
export function cellKeys(config: Record<string, unknown>): Record<string, unknown> {
  const { name: _n, trainable: _t, dtype: _d, ...rest } = config;
  return rest;
}
