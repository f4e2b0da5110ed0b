import { add, concat, div, mul, reverse, ValueError, type Tensor } from '@tessera/tensor';
import { Layer, isShapeList, type CallArgs, type LayerArgs, type Mask, type Tensors } from '../../engine/layer.js';
import type { LayerShape } from '../../engine/symbolic.js';
import { RNN } from './rnn.js';
import { serializeNested } from './serialize.js';

/** How {@link Bidirectional} combines the two directions (`null`: return both). */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** Options of {@link Bidirectional}. */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer; a fresh copy of it runs forwards (its weights are not reused, as in Keras). */
  layer: RNN;
  /** `'concat'` (default), `'sum'`, `'mul'`, `'ave'`, or `null` for the two outputs as a list. */
  mergeMode?: MergeMode;
  /** The layer that runs backwards (default: a copy of `layer` with `goBackwards` flipped). */
  backwardLayer?: RNN;
}

const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

function withoutPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * Runs a recurrent layer over the sequence forwards and a copy backwards, and merges the two
 * outputs (Keras's `Bidirectional`). With `returnSequences`, the backward outputs are put back
 * in time order before merging. Initial states are the forward layer's, then the backward's.
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Embedding({ inputDim: 20000, outputDim: 128, inputShape: [200] }),
 *   new Bidirectional({ layer: new LSTM({ units: 64 }) }),
 *   new Dense({ units: 1, activation: 'sigmoid' }),
 * ]);
 * ```
 */
export class Bidirectional extends Layer {
  static override readonly className: string = 'Bidirectional';
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;

  constructor(args: BidirectionalArgs) {
    super(args);
    if (!(args.layer instanceof RNN)) throw new ValueError(`${this.name}: expected \`layer\` to be a recurrent layer (LSTM, GRU, SimpleRNN, RNN)`);
    if (args.backwardLayer !== undefined && !(args.backwardLayer instanceof RNN)) {
      throw new ValueError(`${this.name}: expected \`backwardLayer\` to be a recurrent layer (LSTM, GRU, SimpleRNN, RNN)`);
    }
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!MERGE_MODES.includes(mode)) {
      throw new ValueError(`${this.name}: expected \`mergeMode\` to be one of 'sum', 'mul', 'ave', 'concat' or null but got ${JSON.stringify(args.mergeMode)}`);
    }
    this.mergeMode = mode;
    const layer = args.layer;
    this.forwardLayer = layer.copy({ name: `forward_${withoutPrefix(layer.name, 'forward_')}` });
    this.backwardLayer =
      args.backwardLayer ?? layer.copy({ name: `backward_${withoutPrefix(layer.name, 'backward_')}`, goBackwards: !layer.goBackwards });
    const [f, b] = [this.forwardLayer, this.backwardLayer];
    if (f.goBackwards === b.goBackwards) {
      throw new ValueError(`${this.name}: the forward and backward layers must have different \`goBackwards\` but both have ${f.goBackwards}`);
    }
    for (const key of ['stateful', 'returnSequences', 'returnState'] as const) {
      if (f[key] !== b[key]) throw new ValueError(`${this.name}: the forward and backward layers must have the same \`${key}\` but got ${f[key]} and ${b[key]}`);
    }
    // As Keras: masked steps of returned sequences are zeros in each direction.
    f.zeroOutputForMask = f.returnSequences;
    b.zeroOutputForMask = b.returnSequences;
    this.supportsMasking = true;
  }

  override readonly statesAsInputs = true;

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  get stateful(): boolean {
    return this.forwardLayer.stateful;
  }

  protected override sublayers(): { layer: Layer; prefix?: string }[] {
    return [
      { layer: this.forwardLayer, prefix: this.forwardLayer.name },
      { layer: this.backwardLayer, prefix: this.backwardLayer.name },
    ];
  }

  override savedSublayers(): [string, Layer | Layer[]][] {
    return [
      ['backward_layer', this.backwardLayer],
      ['forward_layer', this.forwardLayer],
    ];
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    // Each direction is called on the sequence alone (the initial states go in its call arguments).
    const sequence = isShapeList(inputShape) ? inputShape[0] : inputShape;
    if (!this.forwardLayer.built) this.forwardLayer.build(sequence);
    if (!this.backwardLayer.built) this.backwardLayer.build(sequence);
    super.build(inputShape);
  }

  /** Zeroes the states of both directions of a stateful layer. */
  resetStates(): void {
    if (!this.stateful) throw new ValueError(`${this.name}: resetStates() needs a stateful layer`);
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  call(inputs: Tensors, args: CallArgs = {}): Tensors {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0];
    const initial = (args.initialState as Tensor[] | undefined) ?? (list.length > 1 ? list.slice(1) : undefined);
    const half = initial ? initial.length / 2 : 0;
    if (initial && (initial.length % 2 !== 0 || half === 0)) {
      throw new ValueError(`${this.name}: expected an even number of initial states (forward then backward) but got ${initial.length}`);
    }
    const run = (layer: RNN, states: Tensor[] | undefined) =>
      layer.apply(x, { training: args.training, mask: args.mask, initialState: states }) as Tensors;
    let y = run(this.forwardLayer, initial?.slice(0, half));
    let yRev = run(this.backwardLayer, initial?.slice(half));
    let states: Tensor[] = [];
    if (this.returnState) {
      const [fy, ...fs] = y as Tensor[];
      const [by, ...bs] = yRev as Tensor[];
      states = [...fs, ...bs];
      y = fy;
      yRev = by;
    }
    let back = yRev as Tensor;
    if (this.returnSequences) back = reverse(back, 1);
    const fwd = y as Tensor;
    let output: Tensor[];
    switch (this.mergeMode) {
      case 'concat':
        output = [concat([fwd, back], -1)];
        break;
      case 'sum':
        output = [add(fwd, back)];
        break;
      case 'ave':
        output = [div(add(fwd, back), 2)];
        break;
      case 'mul':
        output = [mul(fwd, back)];
        break;
      default:
        output = [fwd, back];
    }
    const all = [...output, ...states];
    return all.length === 1 ? all[0] : all;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const shapes = this.forwardLayer.computeOutputShape(isShapeList(inputShape) ? inputShape[0] : inputShape);
    let out = (this.returnState ? (shapes as LayerShape[])[0] : shapes) as LayerShape;
    const states = this.returnState ? (shapes as LayerShape[]).slice(1) : [];
    if (this.mergeMode === 'concat') out = [...out.slice(0, -1), (out[out.length - 1] as number) * 2];
    const outputs = this.mergeMode === null ? [out, out] : [out];
    const all = [...outputs, ...states, ...states];
    return all.length === 1 ? all[0] : all;
  }

  override computeMask(_inputs: Tensors, mask?: Mask): Mask {
    const m = Array.isArray(mask) ? mask[0] : mask;
    const out = this.returnSequences ? m : undefined;
    const outputs = this.mergeMode === null ? [out, out] : [out];
    const states = this.returnState ? this.forwardLayer.cell.stateSize.flatMap(() => [undefined, undefined]) : [];
    const all = [...outputs, ...states];
    return all.length === 1 ? all[0] : all;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: serializeNested(this.forwardLayer),
      backward_layer: serializeNested(this.backwardLayer),
    };
  }
}
