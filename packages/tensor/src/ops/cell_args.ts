// The argument checks of the recurrent cell and sequence ops (recurrent.ts, lstm_sequence.ts,
// gru_sequence.ts): shapes named in sizes of the first argument, `[batch, units]`.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../util/shape.js';
import { assertDType, toTensor, type TensorOrLike } from './convert.js';

/** An axis of a cell argument, in sizes of the first argument `[batch, units]`. */
export type Dim = 'batch' | 'units' | '3 * units' | '4 * units';

/**
 * Converts float32 arguments and checks their shapes: the first is `[batch, units]` and
 * fixes both; each other must have its `dims` in those sizes, or a ShapeError names it.
 */
export function checkArgs(opName: string, args: ReadonlyArray<readonly [name: string, value: TensorOrLike, dims: readonly Dim[]]>): Tensor[] {
  const tensors = args.map(([name, value]) => {
    const t = toTensor(value, name, opName);
    assertDType(t, ['float32'], name, opName);
    return t;
  });
  const [first] = tensors;
  if (first.rank !== 2) {
    throw new ShapeError(`${opName}: expected ${args[0][0]} of shape [batch, units] but got ${formatShape(first.shape)}`);
  }
  const [batch, units] = first.shape;
  const size: Record<Dim, number> = { batch, units, '3 * units': 3 * units, '4 * units': 4 * units };
  args.forEach(([name, , dims], i) => {
    const shape = dims.map((d) => size[d]);
    const t = tensors[i];
    if (t.rank !== shape.length || t.shape.some((d, axis) => d !== shape[axis])) {
      throw new ShapeError(
        `${opName}: expected ${name} of shape [${dims.join(', ')}] = ${formatShape(shape)} ` +
          `(batch and units from ${args[0][0]} ${formatShape(first.shape)}) but got ${formatShape(t.shape)}`,
      );
    }
  });
  return tensors;
}
