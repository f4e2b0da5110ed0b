import { ShapeError, TesseraError, util, type TensorInfo } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { tensorArena } from './arena.js';

/**
 * The arrays of an optimizer update kernel (`ApplySGD`, `ApplyAdam`, `ApplyRMSProp`):
 * its inputs (variable, gradient, slots), checked to be `count` float32 tensors of the
 * variable's shape, and one output array per input but the gradient: new arrays, or with
 * `inPlace` the inputs' own (see {@link updateArrays}).
 */
export interface UpdateArrays {
  /** The inputs' values, in input order (read only, but where they are the outputs). */
  readonly inputs: Float32Array[];
  /** The new values of the variable and of each slot, in input order (every element is written). */
  readonly outputs: Float32Array[];
  /** Wraps the outputs as the kernel's result. */
  finish(): TensorInfo[];
}

/**
 * Checks an update kernel's inputs and makes its outputs (see {@link UpdateArrays}). With
 * `inPlace` (the op allows it only where nothing else shares those buffers) the outputs are
 * the variable's and slots' own arrays and the result their own buffers, so the pass reads
 * and writes the same memory: each element is read before it is written, on one thread or
 * in disjoint chunks on two. Not where a buffer sits in ordinary memory while the WebAssembly
 * tensor memory is on: a new array there moves the variable into it (its first update), so
 * the products after it read it where it is.
 */
export function updateArrays(kernelName: string, inputs: readonly TensorInfo[], count: number, backend: CpuBackend, inPlace = false): UpdateArrays {
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
  if (inPlace) {
    const arena = tensorArena();
    const own = values.filter((_, i) => i !== 1);
    if (own.every((v) => !arena || arena.owns(v))) {
      const written = inputs.filter((_, i) => i !== 1);
      return {
        inputs: values,
        outputs: own,
        finish: () => written.map((x) => ({ dataId: x.dataId, shape: [...shape], dtype: 'float32' as const })),
      };
    }
  }
  const outputs = inputs.slice(1).map(() => backend.alloc('float32', n) as Float32Array);
  return {
    inputs: values,
    outputs,
    finish: () => outputs.map((o) => backend.output(o, shape, 'float32')),
  };
}
