import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, type KernelName, type Tensor } from '@tessera/tensor';
import { concatRef, gruCellGradRef, gruCellRef, gruSequenceRef, lstmCellGradRef, lstmCellRef, lstmSequenceRef, type RefTensor } from '../reference/index.js';
import { ints, rand } from './inputs.js';
import { ACCUMULATION_TOLERANCE } from './matmul.js';
import type { ErrorCase, GradCase, InputSpec, KernelCases, ValueCase } from './types.js';

/** The kernels the composite fallbacks of the cells and of their gradients run. */
const COMPOSITE: readonly KernelName[] = ['MatMul', 'Add', 'Sub', 'Mul', 'Square', 'Sigmoid', 'Tanh', 'Slice', 'Concat'];
/** The kernels a cell's gradient runs besides its gradient kernel (the products for h and the kernel, the bias sum). */
const GRAD_NEEDS: readonly KernelName[] = ['MatMul', 'Add', 'Sum', 'Slice', 'Concat'];

/** Gate pre-activations of moderate size: every gate away from saturation, so gradients are informative. */
const r = (shape: number[]) => rand(shape, [-1, 1]);

/** Inputs of an LSTM step of `batch` rows and `units` units: xw, h, c, recurrentKernel. */
const lstmInputs = (batch: number, units: number, xw: InputSpec = r([batch, 4 * units])): InputSpec[] => [
  xw,
  r([batch, units]),
  rand([batch, units], [-2, 2]),
  r([units, 4 * units]),
];

/** Inputs of a GRU step: xw, h, recurrentKernel, recurrentBias. */
const gruInputs = (batch: number, units: number, xw: InputSpec = r([batch, 3 * units])): InputSpec[] => [
  xw,
  r([batch, units]),
  r([units, 3 * units]),
  r([3 * units]),
];

type LstmOutput = 'both' | 'h' | 'c';

/** An lstmCell case; the op returns `[h', c']` joined along axis 1 (or one of them). */
function lstm(name: string, inputs: InputSpec[], output: LstmOutput = 'both', needs: readonly KernelName[] = ['Concat']): GradCase {
  return {
    name,
    inputs,
    tolerance: ACCUMULATION_TOLERANCE,
    op: (xw: Tensor, h: Tensor, c: Tensor, k: Tensor) => {
      const [hNext, cNext] = tf.lstmCell(xw, h, c, k);
      return output === 'both' ? tf.concat([hNext, cNext], 1) : output === 'h' ? hNext : cNext;
    },
    ref: (xw: RefTensor, h: RefTensor, c: RefTensor, k: RefTensor) => {
      const out = lstmCellRef(xw, h, c, k);
      return output === 'both' ? concatRef([out.h, out.c], 1) : output === 'h' ? out.h : out.c;
    },
    needs,
  };
}

function gru(name: string, inputs: InputSpec[], needs?: readonly KernelName[]): GradCase {
  return {
    name,
    inputs,
    tolerance: ACCUMULATION_TOLERANCE,
    op: (xw: Tensor, h: Tensor, k: Tensor, b: Tensor) => tf.gruCell(xw, h, k, b),
    ref: (xw: RefTensor, h: RefTensor, k: RefTensor, b: RefTensor) => gruCellRef(xw, h, k, b).h,
    needs,
  };
}

/**
 * A case of a sequence op (the cell's kernel at every step; its gradient the cell's gradient
 * kernel back through time and one product, and for the GRU one sum, for the recurrent
 * weights) against its float64 step-by-step reference.
 */
function sequenceCase(cell: 'lstm' | 'gru', name: string, inputs: InputSpec[], returnSequences: boolean, goBackwards: boolean): GradCase {
  const options = { returnSequences, goBackwards };
  const lstm = cell === 'lstm';
  return {
    name: `${lstm ? 'lstmSequence' : 'gruSequence'}: ${name}`,
    inputs,
    tolerance: ACCUMULATION_TOLERANCE,
    op: (xw: Tensor, a: Tensor, b: Tensor, c: Tensor) => (lstm ? tf.lstmSequence(xw, a, b, c, options) : tf.gruSequence(xw, a, b, c, options)),
    ref: (xw: RefTensor, a: RefTensor, b: RefTensor, c: RefTensor) =>
      lstm ? lstmSequenceRef(xw, a, b, c, returnSequences, goBackwards) : gruSequenceRef(xw, a, b, c, returnSequences, goBackwards),
    needs: [lstm ? 'LSTMCellGrad' : 'GRUCellGrad', ...GRAD_NEEDS, 'Reverse'],
  };
}

/** An lstmSequence case of `steps` steps of `batch` rows and `units` units. */
const lstmSeq = (name: string, batch: number, units: number, steps: number, returnSequences = false, goBackwards = false) =>
  sequenceCase('lstm', name, lstmInputs(batch, units, r([batch, steps, 4 * units])), returnSequences, goBackwards);

/** A gruSequence case of `steps` steps of `batch` rows and `units` units. */
const gruSeq = (name: string, batch: number, units: number, steps: number, returnSequences = false, goBackwards = false) =>
  sequenceCase('gru', name, gruInputs(batch, units, r([batch, steps, 3 * units])), returnSequences, goBackwards);

/** An lstmCellGrad case on gates of an actual step (so they lie in the activations' ranges). */
function lstmGrad(name: string, batch: number, units: number): ValueCase {
  return {
    name,
    inputs: [r([batch, units]), r([batch, units]), rand([batch, units], [-2, 2]), rand([batch, 4 * units], [0.05, 0.95]), rand([batch, units], [-2, 2])],
    op: (dh: Tensor, dc: Tensor, c: Tensor, gates: Tensor, cNext: Tensor) => tf.concat(tf.lstmCellGrad(dh, dc, c, gates, cNext), 1),
    ref: (dh: RefTensor, dc: RefTensor, c: RefTensor, gates: RefTensor, cNext: RefTensor) => {
      const out = lstmCellGradRef(dh, dc, c, gates, cNext);
      return concatRef([out.dz, out.dc], 1);
    },
    needs: ['Concat'],
  };
}

function gruGrad(name: string, batch: number, units: number): ValueCase {
  return {
    name,
    inputs: [r([batch, units]), r([batch, units]), rand([batch, 4 * units], [0.05, 0.95])],
    op: (dh: Tensor, h: Tensor, gates: Tensor) => tf.concat(tf.gruCellGrad(dh, h, gates), 1),
    ref: (dh: RefTensor, h: RefTensor, gates: RefTensor) => {
      const out = gruCellGradRef(dh, h, gates);
      return concatRef([out.dxw, out.dhz, out.dh], 1);
    },
    needs: ['Concat'],
  };
}

/**
 * The value cases both cells run, from `make(name, batch, units, xw)` (`xw` given for
 * saturated gates, else drawn as usual): one unit; sizes off any tile; units in whole
 * 4-lane vectors and not; more rows and gate columns than one 32-wide tile; no rows.
 */
function cellValues(make: (name: string, batch: number, units: number, xw?: InputSpec) => ValueCase, gates: number): ValueCase[] {
  const sizes: Array<[string, number, number]> = [
    ['batch 2, 3 units', 2, 3],
    ['batch 1, 1 unit', 1, 1],
    ['batch 5, 9 units (off any tile)', 5, 9],
    ['batch 3, 8 units (whole 4-lane vectors)', 3, 8],
    [`batch 34, 12 units (past one 32-row tile, ${gates * 12} gate columns)`, 34, 12],
    ['no rows: batch 0, 3 units', 0, 3],
  ];
  return [
    ...sizes.map(([name, batch, units]) => make(name, batch, units)),
    make('saturated gates stay finite', 3, 2, rand([3, gates * 2], [-40, 40])),
    make('saturated gates stay finite, 4 units', 2, 4, rand([2, gates * 4], [-100, 100])),
  ];
}

const misuse = (name: string, inputs: InputSpec[], run: (...xs: Tensor[]) => unknown, error: ErrorCase['error']): ErrorCase => ({ name, inputs, run, error });
const lstmOf = (xw: Tensor, h: Tensor, c: Tensor, k: Tensor) => tf.lstmCell(xw, h, c, k);
const gruOf = (xw: Tensor, h: Tensor, k: Tensor, b: Tensor) => tf.gruCell(xw, h, k, b);
const lstmSeqOf = (xw: Tensor, h: Tensor, c: Tensor, k: Tensor) => tf.lstmSequence(xw, h, c, k);
const gruSeqOf = (xw: Tensor, h: Tensor, k: Tensor, b: Tensor) => tf.gruSequence(xw, h, k, b);

/**
 * Cases of the recurrent cells and their gradient kernels: batch and unit counts and
 * saturated gates ({@link cellValues}), gradients for every input (with both outputs
 * used, or one), and shape and dtype errors. Each kernel's op falls back to separate ops where a backend
 * lacks it; the suite runs these cases that way too (see `KernelSpec.fallback`).
 */
export const RECURRENT_CASES: Record<'LSTMCell' | 'LSTMCellGrad' | 'GRUCell' | 'GRUCellGrad', KernelCases> = {
  LSTMCell: {
    op: 'lstmCell',
    composite: COMPOSITE,
    values: [
      ...cellValues((name, batch, units, xw) => lstm(name, lstmInputs(batch, units, xw)), 4),
      lstmSeq('batch 5, 9 units, 6 steps, every output', 5, 9, 6, true),
      lstmSeq('batch 34, 8 units, 5 steps backwards, the last output', 34, 8, 5, false, true),
    ],
    grads: [
      lstm("batch 2, 3 units, h' and c' both used", lstmInputs(2, 3), 'both', GRAD_NEEDS),
      lstm("batch 3, 2 units, only h' used", lstmInputs(3, 2), 'h', GRAD_NEEDS),
      lstm("batch 2, 2 units, only c' used", lstmInputs(2, 2), 'c', GRAD_NEEDS),
      lstm("batch 2, 4 units, h' and c' both used", lstmInputs(2, 4), 'both', GRAD_NEEDS),
      lstmSeq('batch 2, 3 units, 4 steps, the last output', 2, 3, 4),
      lstmSeq('batch 3, 4 units, 3 steps, every output', 3, 4, 3, true),
      lstmSeq('batch 2, 2 units, 3 steps backwards, every output', 2, 2, 3, true, true),
      lstmSeq('batch 2, 2 units, one step', 2, 2, 1),
    ],
    errors: [
      misuse('xw [2, 10] for 3 units throws ShapeError', [r([2, 10]), r([2, 3]), r([2, 3]), r([3, 12])], lstmOf, ShapeError),
      misuse('c of another batch throws ShapeError', [r([2, 12]), r([2, 3]), r([3, 3]), r([3, 12])], lstmOf, ShapeError),
      misuse('recurrentKernel [3, 9] throws ShapeError', [r([2, 12]), r([2, 3]), r([2, 3]), r([3, 9])], lstmOf, ShapeError),
      misuse('h of rank 1 throws ShapeError', [r([12]), r([3]), r([3]), r([3, 12])], lstmOf, ShapeError),
      misuse('int32 h throws DTypeError', [r([2, 12]), ints([2, 3]), r([2, 3]), r([3, 12])], lstmOf, DTypeError),
      { ...misuse('lstmSequence: xw of rank 2 throws ShapeError', [r([2, 12]), r([2, 3]), r([2, 3]), r([3, 12])], lstmSeqOf, ShapeError), op: 'lstmSequence' },
      { ...misuse('lstmSequence: xw of another batch throws ShapeError', [r([3, 4, 12]), r([2, 3]), r([2, 3]), r([3, 12])], lstmSeqOf, ShapeError), op: 'lstmSequence' },
      { ...misuse('lstmSequence: no steps throws ShapeError', [r([2, 0, 12]), r([2, 3]), r([2, 3]), r([3, 12])], lstmSeqOf, ShapeError), op: 'lstmSequence' },
      { ...misuse('lstmSequence: int32 xw throws DTypeError', [ints([2, 4, 12]), r([2, 3]), r([2, 3]), r([3, 12])], lstmSeqOf, DTypeError), op: 'lstmSequence' },
    ],
  },
  LSTMCellGrad: {
    op: 'lstmCellGrad',
    composite: COMPOSITE,
    values: [lstmGrad('batch 2, 3 units', 2, 3), lstmGrad('batch 5, 9 units', 5, 9), lstmGrad('no rows', 0, 2)],
    grads: [],
    errors: [
      misuse(
        'gates [2, 6] for 2 units throw ShapeError',
        [r([2, 2]), r([2, 2]), r([2, 2]), r([2, 6]), r([2, 2])],
        (dh, dc, c, g, cn) => tf.lstmCellGrad(dh, dc, c, g, cn),
        ShapeError,
      ),
    ],
  },
  GRUCell: {
    op: 'gruCell',
    composite: COMPOSITE,
    values: [
      ...cellValues((name, batch, units, xw) => gru(name, gruInputs(batch, units, xw)), 3),
      gruSeq('batch 5, 9 units, 6 steps, every output', 5, 9, 6, true),
      gruSeq('batch 34, 8 units, 5 steps backwards, the last output', 34, 8, 5, false, true),
    ],
    grads: [
      gru('batch 2, 3 units', gruInputs(2, 3), GRAD_NEEDS),
      gru('batch 3, 1 unit', gruInputs(3, 1), GRAD_NEEDS),
      gru('batch 2, 4 units', gruInputs(2, 4), GRAD_NEEDS),
      gruSeq('batch 2, 3 units, 4 steps, the last output', 2, 3, 4),
      gruSeq('batch 3, 4 units, 3 steps, every output', 3, 4, 3, true),
      gruSeq('batch 2, 2 units, 3 steps backwards, every output', 2, 2, 3, true, true),
      gruSeq('batch 2, 2 units, one step', 2, 2, 1),
    ],
    errors: [
      misuse('xw [2, 8] for 3 units throws ShapeError', [r([2, 8]), r([2, 3]), r([3, 9]), r([9])], gruOf, ShapeError),
      misuse('recurrentBias [2, 9] (the whole Keras bias) throws ShapeError', [r([2, 9]), r([2, 3]), r([3, 9]), r([2, 9])], gruOf, ShapeError),
      misuse('recurrentKernel [9, 3] throws ShapeError', [r([2, 9]), r([2, 3]), r([9, 3]), r([9])], gruOf, ShapeError),
      misuse('int32 recurrentBias throws DTypeError', [r([2, 9]), r([2, 3]), r([3, 9]), ints([9])], gruOf, DTypeError),
      { ...misuse('gruSequence: xw of rank 2 throws ShapeError', [r([2, 9]), r([2, 3]), r([3, 9]), r([9])], gruSeqOf, ShapeError), op: 'gruSequence' },
      { ...misuse('gruSequence: xw [2, 4, 12] for 3 units throws ShapeError', [r([2, 4, 12]), r([2, 3]), r([3, 9]), r([9])], gruSeqOf, ShapeError), op: 'gruSequence' },
      { ...misuse('gruSequence: recurrentBias [2, 9] throws ShapeError', [r([2, 4, 9]), r([2, 3]), r([3, 9]), r([2, 9])], gruSeqOf, ShapeError), op: 'gruSequence' },
    ],
  },
  GRUCellGrad: {
    op: 'gruCellGrad',
    composite: COMPOSITE,
    values: [gruGrad('batch 2, 3 units', 2, 3), gruGrad('batch 5, 9 units', 5, 9), gruGrad('no rows', 0, 2)],
    grads: [],
    errors: [
      misuse('h of another batch throws ShapeError', [r([2, 2]), r([3, 2]), r([2, 8])], (dh, h, g) => tf.gruCellGrad(dh, h, g), ShapeError),
    ],
  },
};
