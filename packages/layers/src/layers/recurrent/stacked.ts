import { ValueError, type Tensor } from '@tessera/tensor';
import type { Layer, LayerArgs } from '../../engine/layer.js';
import type { LayerShape } from '../../engine/symbolic.js';
import { RecurrentCell } from './cells.js';
import { serializeNested } from './serialize.js';

/** Options of {@link StackedRNNCells}. */
export interface StackedRNNCellsArgs extends LayerArgs {
  /** The cells, first to last: each one's output is the next one's input at every step. */
  cells: RecurrentCell[];
}

/**
 * Several cells run as one (Keras's `StackedRNNCells`, what `RNN` makes of a list of cells):
 * at each timestep the output of a cell is the input of the next. Its states are the cells'
 * states, one after the other; its output is the last cell's.
 * @example
 * ```ts
 * const rnn = new RNN({ cell: new StackedRNNCells({ cells: [new LSTMCell({ units: 8 }), new GRUCell({ units: 4 })] }) });
 * ```
 */
export class StackedRNNCells extends RecurrentCell {
  static override readonly className: string = 'StackedRNNCells';
  readonly cells: RecurrentCell[];

  constructor(args: StackedRNNCellsArgs) {
    super(args);
    if (!Array.isArray(args.cells) || args.cells.length === 0 || !args.cells.every((c) => c instanceof RecurrentCell)) {
      throw new ValueError(`${this.name}: expected \`cells\` to be a non-empty list of recurrent cells (SimpleRNNCell, LSTMCell, GRUCell, ...)`);
    }
    this.cells = [...args.cells];
  }

  copy(): StackedRNNCells {
    return new StackedRNNCells({ name: this.name, trainable: this.trainable, cells: this.cells.map((c) => c.copy()) });
  }

  get stateSize(): number[] {
    return this.cells.flatMap((c) => c.stateSize);
  }

  get outputSize(): number {
    return this.cells[this.cells.length - 1].outputSize;
  }

  /** Keras's states of stacked cells are nested per cell: at a masked step it repeats the last cell's first state. */
  override get maskedOutputState(): number {
    return this.cells.slice(0, -1).reduce((n, c) => n + c.stateSize.length, 0);
  }

  protected override sublayers(): { layer: Layer; prefix?: string }[] {
    return this.cells.map((layer) => ({ layer, prefix: layer.name }));
  }

  override savedSublayers(): [string, Layer | Layer[]][] {
    return [['cells', this.cells]];
  }

  buildCell(stepShape: LayerShape): void {
    let shape = stepShape;
    for (const cell of this.cells) {
      if (!cell.built) cell.build(shape);
      shape = [shape[0], cell.outputSize];
    }
  }

  beginSequence(batch: number, inputDim: number, training: boolean): void {
    let dim = inputDim;
    for (const cell of this.cells) {
      cell.beginSequence(batch, dim, training);
      dim = cell.outputSize;
    }
  }

  endSequence(): void {
    for (const cell of this.cells) cell.endSequence();
  }

  project(x: Tensor): Tensor {
    return this.cells[0].project(x);
  }

  step(xw: Tensor, states: Tensor[]): { output: Tensor; states: Tensor[] } {
    let offset = 0;
    let output: Tensor | undefined;
    const next: Tensor[] = [];
    this.cells.forEach((cell, i) => {
      const n = cell.stateSize.length;
      const r = cell.step(i === 0 ? xw : cell.project(output!), states.slice(offset, offset + n));
      offset += n;
      output = r.output;
      next.push(...r.states);
    });
    return { output: output!, states: next };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cells: this.cells.map(serializeNested) };
  }
}
