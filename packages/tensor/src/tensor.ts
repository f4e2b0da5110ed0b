import { getEngine } from './engine/engine.js';
import { DTypeError, ShapeError } from './errors.js';
import { formatShape, shapesEqual, sizeFromShape } from './util/shape.js';
import type { DataId, DType, NestedArray, Shape, TensorInfo, TypedArray } from './types.js';
import { shared } from './global_state.js';

/** Tensor ids are unique across every copy of this version of the package (see global_state.ts). */
const tensorIds = shared('tensorIds', () => ({ next: 0 }));

/** @internal Allocates the id of a new tensor handle. */
export function newTensorId(): number {
  return tensorIds.next++;
}

/** Brands of tensors and variables: `instanceof` holds for the instances of every copy of this version. */
const TENSOR_BRAND = Symbol.for('@tessera/tensor.Tensor');
const VARIABLE_BRAND = Symbol.for('@tessera/tensor.Variable');

function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * An immutable n-dimensional array. A tensor is a handle: it holds shape, dtype and
 * a `dataId`; the values live in the backend that owns them. Read them with
 * `await t.data()` (everywhere) or `t.dataSync()` (backends that can answer at once).
 *
 * @example
 * ```ts
 * const t = tensor([[1, 2], [3, 4]]);
 * t.shape; // [2, 2]
 * await t.data(); // Float32Array [1, 2, 3, 4]
 * t.dispose();
 * ```
 */
export class Tensor implements TensorInfo {
  /** Unique per tensor (saved autodiff copies share the id of their original). */
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal The backend key of the values; a Variable's changes on `assign`. */
  dataId: DataId;
  /** @internal Set by `keep()`: no `tidy` disposes this tensor. */
  kept = false;
  /** @internal A handle that lives as long as this tensor (see `Engine.attach`): a layer's Keras mask. */
  attached: Tensor | undefined = undefined;
  private disposedFlag = false;

  /**
   * `t instanceof Tensor` holds for tensors made by any copy of this version of the package
   * (they share one engine), not only by this copy's class.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const cls: unknown = this;
    return cls === Tensor ? hasBrand(value, TENSOR_BRAND) : cls === Variable && hasBrand(value, VARIABLE_BRAND);
  }

  /** @internal Tensors are made by ops and creation functions, not by `new`. */
  constructor(shape: Shape, dtype: DType, dataId: DataId, id?: number) {
    // A frozen shape (another tensor's: a saved autodiff copy, a reshape to the same shape) is shared.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeFromShape(shape);
    this.dataId = dataId;
    this.id = id ?? newTensorId();
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True after `dispose()` (or after the `tidy` that owned it ended). */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** @internal Called by the engine only. */
  markDisposed(): void {
    this.disposedFlag = true;
  }

  /** The values, flat, row-major, as a fresh typed array of the dtype. */
  async data(): Promise<TypedArray> {
    return getEngine().read(this);
  }

  /** The values synchronously; throws on backends that cannot read synchronously (WebGPU). */
  dataSync(): TypedArray {
    return getEngine().readSync(this);
  }

  /** The values as nested arrays (booleans for `bool`). */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  /** Synchronous {@link Tensor.array}. */
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /** Frees the tensor's memory (shared buffers are freed with their last tensor). Idempotent. */
  dispose(): void {
    getEngine().disposeTensor(this);
  }

  /** A short description with the values when readable synchronously. */
  toString(): string {
    const head = `Tensor ${formatShape(this.shape)} ${this.dtype}`;
    if (this.isDisposed) return `${head} (disposed)`;
    try {
      return `${head}\n${JSON.stringify(this.arraySync())}`;
    } catch {
      return head;
    }
  }
}

/**
 * A mutable tensor that holds a model's weights. Variables are not disposed by
 * `tidy`; `assign` swaps their value in place and autodiff can differentiate with
 * respect to them (`variableGrads`).
 *
 * @example
 * ```ts
 * const w = variable(zeros([2, 2]), { name: 'w' });
 * w.assign(ones([2, 2]));
 * ```
 */
export class Variable extends Tensor {
  readonly name: string;
  /** Whether optimizers update it and `variableGrads` differentiates with respect to it. */
  trainable: boolean;

  /** @internal Use `variable()`. */
  constructor(initial: Tensor, name: string, trainable: boolean) {
    super(initial.shape, initial.dtype, initial.dataId);
    this.name = name;
    this.trainable = trainable;
  }

  /** Replaces the value. The new value must have the same shape and dtype; it is not consumed. */
  assign(value: Tensor): void {
    if (!shapesEqual(value.shape, this.shape)) {
      throw new ShapeError(
        `Variable.assign: '${this.name}' has shape ${formatShape(this.shape)} but the new value has ${formatShape(value.shape)}`,
      );
    }
    if (value.dtype !== this.dtype) {
      throw new DTypeError(`Variable.assign: '${this.name}' has dtype ${this.dtype} but the new value has ${value.dtype}`);
    }
    getEngine().assignVariable(this, value);
  }
}

function toNested(values: TypedArray, shape: Shape, dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(values[0]);
  const build = (dim: number, offset: number): NestedArray => {
    const n = shape[dim];
    const out: NestedArray[] = [];
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out.push(conv(values[offset + i]));
      return out;
    }
    const stride = sizeFromShape(shape.slice(dim + 1));
    for (let i = 0; i < n; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

(Tensor.prototype as unknown as Record<symbol, boolean>)[TENSOR_BRAND] = true;
(Variable.prototype as unknown as Record<symbol, boolean>)[VARIABLE_BRAND] = true;
