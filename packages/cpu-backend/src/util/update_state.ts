import { ShapeError, TesseraError, util, type TensorInfo } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/**
 * The arrays of an optimizer update kernel (`ApplySGD`, `ApplyAdam`, `ApplyRMSProp`):
 * its inputs (variable, gradient, slots), checked to be `count` float32 tensors of the
 * variable's shape, and one new output array per input but the gradient.
 */
export interface UpdateArrays {
  /** The inputs' values, in input order (read only). */
  readonly inputs: Float32Array[];
  /** The new values of the variable and of each slot, in input order (every element is written). */
  readonly outputs: Float32Array[];
  /** Wraps the outputs as the kernel's result. */
  finish(): TensorInfo[];
}

/** Checks an update kernel's inputs and allocates its outputs (see {@link UpdateArrays}). */
export function updateArrays(kernelName: string, inputs: readonly TensorInfo[], count: number, backend: CpuBackend): UpdateArrays {
  if (inputs.length !== count) {
    throw new TesseraError(`${kernelName} (cpu): expected ${count} inputs (the variable, its gradient and its slots, as the attributes ask) but got ${inputs.length}`);
  }
  const shape = inputs[0].shape;
  for (const x of inputs) {
    backend.assertDType(kernelName, x, ['float32']);
    if (!util.shapesEqual(x.shape, shape)) {
      throw new ShapeError(`${kernelName} (cpu): expected every input of the variable's shape ${util.formatShape(shape)} but got ${util.formatShape(x.shape)}`);
    }
  }
  const n = util.sizeFromShape(shape);
  const values = inputs.map((x) => backend.values(x) as Float32Array);
  const outputs = inputs.slice(1).map(() => backend.alloc('float32', n) as Float32Array);
  return {
    inputs: values,
    outputs,
    finish: () => outputs.map((o) => backend.output(o, shape, 'float32')),
  };
}
