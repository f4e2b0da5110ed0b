import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, ValueError, type Tensor } from '@tessera/tensor';
import { dropoutMaskRef, elementwise, type RefTensor } from '../reference/index.js';
import { ints, rand } from './inputs.js';
import type { InputSpec, KernelCases, ValueCase } from './types.js';

/** `dropout(x, rate, { seed, noiseShape })` against x times the reference mask (of noiseShape, broadcast). */
function drop(name: string, x: InputSpec, rate: number, seed: number, noiseShape?: readonly number[]): ValueCase {
  return {
    name,
    inputs: [x],
    op: (t: Tensor) => tf.dropout(t, rate, { seed, noiseShape }),
    ref: (t: RefTensor) => elementwise([t, dropoutMaskRef(seed, rate, noiseShape ?? t.shape)], 'float32', (v, m) => v * m),
    needs: ['Mul'],
  };
}

/**
 * Cases of DropoutMask, through `dropout` (the mask times x): the kept elements of a seed
 * are the reference generator's, on sizes around the CPU's chunks (16384) and lanes.
 */
export const DROPOUT_CASES: { DropoutMask: KernelCases } = {
  DropoutMask: {
    op: 'dropout',
    values: [
      drop('[4, 5] rate 0.3 seed 7', rand([4, 5]), 0.3, 7),
      drop('[3, 4099] rate 0.5 seed 2^32 - 1', rand([3, 4099]), 0.5, 0xffffffff),
      drop('[70000] rate 0.2 seed 0', rand([70000]), 0.2, 0),
      drop('rate 0.999 drops about all', rand([64]), 0.999, 11),
      drop('rate 2^-40 keeps about all', rand([33]), 2 ** -40, 12),
      drop('rate 1 - 2^-40 drops all', rand([40]), 1 - 2 ** -40, 13),
      drop('noiseShape [2, 1, 3] over [2, 4, 3]', rand([2, 4, 3]), 0.4, 5, [2, 1, 3]),
      drop('size-0', rand([0, 3]), 0.5, 1),
      drop('scalar', rand([]), 0.5, 3),
    ],
    grads: [],
    errors: [
      { name: 'rate 1 throws ValueError', inputs: [rand([2])], run: (x: Tensor) => tf.dropout(x, 1), error: ValueError },
      { name: 'an int32 x throws DTypeError', inputs: [ints([2])], run: (x: Tensor) => tf.dropout(x, 0.5), error: DTypeError },
      {
        name: 'a noiseShape that does not broadcast throws ShapeError',
        inputs: [rand([2, 3])],
        run: (x: Tensor) => tf.dropout(x, 0.5, { noiseShape: [3, 3] }),
        error: ShapeError,
      },
    ],
    // The op without the kernel draws the mask on the host (Prng.fillMask): no other kernel.
    composite: [],
  },
};
