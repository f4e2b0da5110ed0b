import type { DType } from '@tessera/tensor';
import type { Layer } from './layer.js';

/** A layer shape: `null` marks the batch (or any unknown) dimension, as Keras's `None`. */
export type LayerShape = ReadonlyArray<number | null>;

/** One call of a layer in a functional graph: which symbolic tensors went in. */
export interface Node {
  readonly layer: Layer;
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  /**
   * The mask given to the call (Keras's `mask` keyword argument), as Keras 3 records it in
   * functional configs: it then replaces the mask the inputs carry. One per input for a
   * layer of several inputs (`undefined` for an unmasked one).
   */
  readonly mask?: SymbolicMask;
}

/** An explicit mask of a symbolic call: one tensor, or one per input. */
export type SymbolicMask = SymbolicTensor | (SymbolicTensor | undefined)[];

let nextId = 0;

/**
 * A placeholder flowing through layers while a functional model is defined: it has a
 * shape (with `null` for the batch) but no values.
 * @example
 * ```ts
 * const x = Input({ shape: [784] });        // SymbolicTensor (None, 784)
 * const h = new Dense({ units: 64 }).apply(x);
 * ```
 */
export class SymbolicTensor {
  readonly id = nextId++;
  /** The call that produced it (`undefined` only while being created). */
  node!: Node;

  constructor(
    readonly shape: LayerShape,
    readonly dtype: DType,
    readonly name: string,
  ) {}

  /** The layer whose call produced it. */
  get sourceLayer(): Layer {
    return this.node.layer;
  }
}

/** `(None, 512)` as Keras prints shapes. */
export function formatLayerShape(shape: LayerShape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}
