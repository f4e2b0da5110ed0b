/** The element types a tensor can hold. `bool` is stored as 0/1 bytes. */
export type DType = 'float32' | 'int32' | 'bool';

/** A tensor's dimensions, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/** The typed array that stores each dtype. */
export interface DTypeArrayMap {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Any of the typed arrays a backend stores tensor data in. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * An opaque key for a buffer that a backend owns. Backends create them in `write`;
 * the engine counts references to them, so several tensors (a reshape, a saved tape
 * input) can share one buffer.
 */
export type DataId = object;

/** What a kernel sees of a tensor: where its data lives and how to read it. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Nested JS arrays of numbers or booleans, as accepted by `tensor()`. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Values that ops accept wherever a tensor is expected. */
export type TensorLike = TypedArray | NestedArray;
