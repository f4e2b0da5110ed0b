// SimpleRNN, LSTM and GRU: an RNN with its Keras cell built from the layer's own arguments;
// their configs are flat (the cell's keys beside the RNN's), as Keras writes them.
import type { LayerArgs } from '../../engine/layer.js';
import { GRUCell, LSTMCell, SimpleRNNCell, type CellArgs, type GRUCellArgs, type LSTMCellArgs } from './cells.js';
import { RNN, cellKeys, type RNNOptions } from './rnn.js';

const LAYER_KEYS = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype'] as const;
const RNN_KEYS = ['returnSequences', 'returnState', 'goBackwards', 'stateful', 'unroll', 'zeroOutputForMask'] as const;

/** The options of a layer that belong to its cell. */
function cellPart<T extends CellArgs>(args: T & RNNOptions, name: string): T {
  const out = { ...args, name, trainable: args.trainable } as unknown as Record<string, unknown>;
  for (const k of [...LAYER_KEYS, ...RNN_KEYS]) if (k !== 'name' && k !== 'trainable') delete out[k];
  return out as T;
}

/** The options of a layer that belong to the RNN. */
function rnnPart(args: RNNOptions & LayerArgs): RNNOptions {
  const out: Record<string, unknown> = {};
  for (const k of [...LAYER_KEYS, ...RNN_KEYS]) if ((args as Record<string, unknown>)[k] !== undefined) out[k] = (args as Record<string, unknown>)[k];
  return out as RNNOptions;
}

/** A recurrent layer around one Keras cell, whose config is flat: the RNN's keys, then the cell's. */
abstract class CellLayer<C extends SimpleRNNCell | LSTMCell | GRUCell> extends RNN {
  declare readonly cell: C;

  /** Size of the output and of each state. */
  get units(): number {
    return this.cell.units;
  }

  override getConfig(): Record<string, unknown> {
    return withActivityRegularizer({ ...this.rnnConfig(), ...cellKeys(this.cell.getConfig()) });
  }
}

/** Options of {@link SimpleRNN}. */
export interface SimpleRNNArgs extends CellArgs, RNNOptions {}
/** Options of {@link LSTM}. */
export interface LSTMArgs extends LSTMCellArgs, RNNOptions {}
/** Options of {@link GRU}. */
export interface GRUArgs extends GRUCellArgs, RNNOptions {}

/**
 * A fully connected recurrent layer: `h_t = activation(x_t · kernel + h_{t-1} · recurrent_kernel + bias)`
 * (Keras's `SimpleRNN`; weights `kernel [features, units]`, `recurrent_kernel [units, units]`, `bias [units]`).
 * @example
 * ```ts
 * const model = new Sequential([new SimpleRNN({ units: 16, inputShape: [10, 3] }), new Dense({ units: 1 })]);
 * ```
 */
export class SimpleRNN extends CellLayer<SimpleRNNCell> {
  static override readonly className: string = 'SimpleRNN';

  constructor(args: SimpleRNNArgs) {
    super({ ...rnnPart(args), cell: new SimpleRNNCell(cellPart(args, 'simple_rnn_cell')) });
    this.ctorArgs = { ...args, name: this.name };
  }

  override getConfig(): Record<string, unknown> {
    // Keras's SimpleRNN takes a seed but does not write it.
    const { seed: _seed, ...config } = super.getConfig();
    return config;
  }
}

/**
 * Long short-term memory (Keras's `LSTM`): gates i, f, c, o in the `[features, 4 * units]`
 * kernel, `[units, 4 * units]` recurrent kernel and `[4 * units]` bias; states `[h, c]`.
 * @example
 * ```ts
 * // MNIST read row by row: 28 steps of 28 pixels.
 * const model = new Sequential([new LSTM({ units: 128, inputShape: [28, 28] }), new Dense({ units: 10, activation: 'softmax' })]);
 * ```
 */
export class LSTM extends CellLayer<LSTMCell> {
  static override readonly className: string = 'LSTM';

  constructor(args: LSTMArgs) {
    super({ ...rnnPart(args), cell: new LSTMCell(cellPart(args, 'lstm_cell')) });
    this.ctorArgs = { ...args, name: this.name };
  }
}

/**
 * Gated recurrent unit (Keras's `GRU`): gates z, r, h; with `resetAfter` (default) the
 * bias is `[2, 3 * units]` (input and recurrent rows), as Keras 3 and CuDNN; without it, `[3 * units]`.
 * @example
 * ```ts
 * const layer = new GRU({ units: 32, returnSequences: true });
 * ```
 */
export class GRU extends CellLayer<GRUCell> {
  static override readonly className: string = 'GRU';

  constructor(args: GRUArgs) {
    super({ ...rnnPart(args), cell: new GRUCell(cellPart(args, 'gru_cell')) });
    this.ctorArgs = { ...args, name: this.name };
  }
}

/** Keras's layers write `activity_regularizer` after the bias regularizer. */
function withActivityRegularizer(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    out[k] = v;
    if (k === 'bias_regularizer') out.activity_regularizer = null;
  }
  return out;
}
