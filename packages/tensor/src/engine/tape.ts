import type { Tensor } from '../tensor.js';

/**
 * Computes the input gradients of one recorded op from the gradient of its output.
 * `needed[i]` is false when input `i`'s gradient would be thrown away (it depends on
 * no source): a gradient may return `null` there instead of computing it, which saves
 * e.g. the input gradient of a network's first convolution.
 */
export type GradFunc = (
  dy: Tensor,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: Readonly<Record<string, unknown>>,
  needed?: readonly boolean[],
) => ReadonlyArray<Tensor | null>;

/**
 * The gradient of a kernel of several outputs (see `KernelSpec.outputs`): one call gets
 * the gradient of every output at once, `null` for an output that no gradient reached
 * (read it as zeros), so a fused kernel's backward pass runs once, not once per output.
 */
export type OutputsGradFunc = (
  dys: ReadonlyArray<Tensor | null>,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>>,
  needed?: readonly boolean[],
) => ReadonlyArray<Tensor | null>;

/**
 * One op recorded while a gradient closure ran. Inputs and outputs are saved copies.
 * Most kernels have one output; a kernel of several (`runKernelOutputs`) is one node.
 */
export interface TapeNode {
  readonly kernelName: string;
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Set by `customGrad` (one output); otherwise the gradient registered for `kernelName` is used. */
  readonly gradFunc?: GradFunc;
}

/**
 * The record of one `grads`/`valueAndGrads` call: the ops whose inputs depend on the
 * sources, in execution order. Ops that do not touch a source are not recorded.
 */
export class Tape {
  readonly nodes: TapeNode[] = [];
  /** Ids of the sources and of every recorded op's output. */
  readonly tracked: Set<number>;

  constructor(sourceIds: Iterable<number>) {
    this.tracked = new Set(sourceIds);
  }

  dependsOnSource(inputs: readonly Tensor[]): boolean {
    for (let i = 0; i < inputs.length; i++) if (this.tracked.has(inputs[i].id)) return true;
    return false;
  }
}
