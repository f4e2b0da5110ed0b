import {
  BackendError,
  DTypeError,
  TesseraError,
  util,
  type Backend,
  type DataId,
  type DType,
  type Shape,
  type TensorInfo,
  type TypedArray,
} from '@tessera/tensor';
import { ARENA_MIN_LENGTH, getArena, tensorArena } from './util/arena.js';

/** Below this many elements an array is cheap to make: not worth recycling. */
const POOL_MIN_LENGTH = 1024;
/**
 * At most this many bytes of freed arrays are kept for reuse: a training step of a small
 * CNN frees about 70 MB of large arrays and needs them again in the next step.
 */
const POOL_MAX_BYTES = 128 * 1024 * 1024;

/** A kernel's note about an input buffer (see {@link CpuBackend.note}): an array from {@link CpuBackend.alloc}. */
export type NoteValues = Int32Array | Float32Array | Uint8Array;

/** What the CPU backend stores per buffer. */
export interface CpuTensorData {
  /** The storage array of `dtype`; kept as written, never mutated. */
  readonly values: TypedArray;
  /** The shape the buffer was written with (a reshape may view it under another shape). */
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * The CPU backend: tensor values live in typed arrays in a `Map`, and every kernel is
 * plain TypeScript over those arrays (so it runs in Node and in browsers alike).
 *
 * Importing `@tessera/cpu-backend` registers it under the name `'cpu'`, with all its
 * kernels; you rarely construct one yourself.
 *
 * Kernels read inputs with {@link CpuBackend.values} and return outputs with
 * {@link CpuBackend.output}. Input arrays are shared with the tensors that own them,
 * so kernels must never write into them, and an output must always be a new array:
 * from {@link CpuBackend.alloc} (a recycled one, for kernels that write every element)
 * or `util.makeTypedArray` (zeros).
 *
 * @example
 * ```ts
 * import { getEngine } from '@tessera/tensor';
 * import { CpuBackend } from '@tessera/cpu-backend';
 *
 * const cpu = getEngine().findBackend('cpu') as CpuBackend | undefined;
 * cpu?.memory(); // { numBytes: ... }
 * ```
 */
export class CpuBackend implements Backend {
  /** Bytes of freed arrays kept for reuse at most. */
  private readonly poolBytes: number;
  /** Arrays of at least this many elements are made in the WebAssembly memory (where tensors live there). */
  private readonly wasmMinLength: number;

  /**
   * @param name - the name it is registered under, which its kernels name as their
   *   `backendName` (`'cpu'` for the one the import registers)
   * @param options - `poolBytes`: how many bytes of freed kernel outputs to keep for reuse
   *   (default 128 MiB; 0 keeps none); `wasmMinLength`: outputs of at least this many
   *   elements are made in the shared WebAssembly memory where tensors live there (see
   *   `setTensorMemory`; default 256: smaller arrays are cheaper as ordinary ones)
   */
  constructor(
    readonly name: string = 'cpu',
    options: { poolBytes?: number; wasmMinLength?: number } = {},
  ) {
    this.poolBytes = options.poolBytes ?? POOL_MAX_BYTES;
    this.wasmMinLength = Math.max(1, options.wasmMinLength ?? ARENA_MIN_LENGTH);
  }

  private readonly store = new Map<DataId, CpuTensorData>();
  /** Arrays made by {@link CpuBackend.alloc}: only these are recycled (never a caller's). */
  private readonly owned = new WeakSet<TypedArray>();
  /** Freed arrays of {@link CpuBackend.alloc}, by dtype and length, for the next output of that size. */
  private readonly pool = new Map<DType, Map<number, TypedArray[]>>();
  private pooledBytes = 0;
  /** The pooled arrays with their dtypes, oldest first: the first to go when the pool is full. */
  private readonly pooledOrder = new Map<TypedArray, DType>();
  /** What a kernel noted about an input buffer for a later kernel (see {@link CpuBackend.note}). */
  private readonly notes = new Map<DataId, { key: string; values: NoteValues }>();

  /** Keeps `values` (no copy) and returns a new key for them. */
  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    const dataId = {};
    this.store.set(dataId, { values, shape, dtype });
    return dataId;
  }

  /** Stores values moved here from another backend under their existing key. */
  move(dataId: DataId, values: TypedArray, shape: Shape, dtype: DType): void {
    this.dropNote(dataId);
    this.store.set(dataId, { values, shape, dtype });
  }

  /** The stored array itself (the engine copies it before handing it out). */
  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  /** The stored array itself (the engine copies it before handing it out). */
  readSync(dataId: DataId): TypedArray {
    return this.entry(dataId).values;
  }

  disposeData(dataId: DataId): void {
    const d = this.store.get(dataId);
    if (!d) return;
    this.store.delete(dataId);
    this.dropNote(dataId);
    this.recycle(d.values, d.dtype);
  }

  /**
   * Keeps an array made by {@link CpuBackend.alloc} for the next output of its size. When
   * the pool would pass its limit, the arrays pooled longest ago make room: a size that
   * stopped coming back (the data of a finished epoch) does not hold the pool forever.
   */
  private recycle(v: TypedArray, dtype: DType): void {
    // A block of the shared WebAssembly memory goes back to its allocator, which reuses it by size.
    const arena = getArena();
    if (arena?.owns(v)) return arena.releaseArray(v);
    if (v.length < POOL_MIN_LENGTH || !this.owned.has(v) || v.byteLength > this.poolBytes) return;
    for (const [old, oldDType] of this.pooledOrder) {
      if (this.pooledBytes + v.byteLength <= this.poolBytes) break;
      const list = this.pool.get(oldDType)!.get(old.length)!;
      list.splice(list.indexOf(old), 1);
      this.pooledOrder.delete(old);
      this.pooledBytes -= old.byteLength;
    }
    let byLength = this.pool.get(dtype);
    if (!byLength) this.pool.set(dtype, (byLength = new Map()));
    const list = byLength.get(v.length);
    if (list) list.push(v);
    else byLength.set(v.length, [v]);
    this.pooledOrder.set(v, dtype);
    this.pooledBytes += v.byteLength;
  }

  /**
   * Notes `values` (an int32, float32 or bool array from {@link CpuBackend.alloc}) about the
   * buffer of `input` under `key`, for a later kernel on the same buffer: MaxPool notes
   * where each window's maximum is, and MaxPoolGrad, which autodiff runs on the same input,
   * reads it instead of searching every window again; Conv2D notes its im2col patches for
   * Conv2DBackpropFilter. A buffer holds one note (a new one replaces
   * it); the note goes when the buffer is freed or replaced. Values are immutable, so a
   * note stays true while its buffer lives.
   */
  note(input: TensorInfo, key: string, values: NoteValues): void {
    this.dropNote(input.dataId);
    this.notes.set(input.dataId, { key, values });
  }

  /** The note about `input`'s buffer under `key` (see {@link CpuBackend.note}), if there is one. */
  recall(input: TensorInfo, key: string): NoteValues | undefined {
    const n = this.notes.get(input.dataId);
    return n && n.key === key ? n.values : undefined;
  }

  /**
   * Drops the note about `input`'s buffer, if any, so that its array can serve the next
   * {@link CpuBackend.alloc}: a kernel about to note the same buffer again calls this
   * before allocating (the same input twice in a loop would otherwise hold two arrays).
   */
  forget(input: TensorInfo): void {
    this.dropNote(input.dataId);
  }

  private dropNote(dataId: DataId): void {
    const n = this.notes.get(dataId);
    if (!n) return;
    this.notes.delete(dataId);
    this.recycle(n.values, n.values instanceof Int32Array ? 'int32' : n.values instanceof Uint8Array ? 'bool' : 'float32');
  }

  /**
   * A new output array of `dtype` and `length` for a kernel that writes every element:
   * where tensors live in WebAssembly memory (see `setTensorMemory`) and it has at least
   * 256 elements, a block of that memory (the WebAssembly kernels then read and write it in
   * place); else a freed output of the same size when there is one (its old values still
   * in it), else a fresh array. Recycling spares training loops, which free and make the same sizes
   * every step, most of the allocation and garbage collection of large typed arrays.
   * Kernels that rely on zeros must use `util.makeTypedArray` instead.
   */
  alloc(dtype: DType, length: number): TypedArray {
    if (length >= this.wasmMinLength) {
      const v = tensorArena()?.array(dtype, length);
      if (v) return v;
    }
    if (length >= POOL_MIN_LENGTH) {
      const v = this.pool.get(dtype)?.get(length)?.pop();
      if (v) {
        this.pooledOrder.delete(v);
        this.pooledBytes -= v.byteLength;
        return v;
      }
    }
    const v = util.makeTypedArray(dtype, length);
    this.owned.add(v);
    return v;
  }

  /** Bytes held by all live buffers (freed arrays kept for reuse are not counted). */
  memory(): { numBytes: number } {
    let numBytes = 0;
    for (const d of this.store.values()) numBytes += d.values.byteLength;
    return { numBytes };
  }

  dispose(): void {
    const arena = getArena();
    for (const d of [...this.store.values(), ...this.notes.values()]) {
      if (arena?.owns(d.values)) arena.releaseArray(d.values);
    }
    this.store.clear();
    this.notes.clear();
    this.pool.clear();
    this.pooledOrder.clear();
    this.pooledBytes = 0;
  }

  /**
   * The values of a kernel input, flat and row-major in `info.shape` (which may differ
   * from the shape the buffer was written with, after a reshape). Read only.
   */
  values(info: TensorInfo): TypedArray {
    return this.entry(info.dataId).values;
  }

  /**
   * Wraps a freshly computed array as a kernel output: stores it and returns the
   * {@link TensorInfo} the engine turns into a tensor.
   *
   * @param values - a new array (never an input's), of `dtype`'s storage type
   * @param shape - the output shape; `values.length` must equal its size
   * @param dtype - the output dtype
   * @returns the output's `TensorInfo`
   */
  output(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    if (!util.isTypedArrayOf(values, dtype)) {
      throw new TesseraError(`cpu backend: an output of dtype ${dtype} got a ${values.constructor.name}`);
    }
    if (values.length !== util.sizeFromShape(shape)) {
      throw new TesseraError(
        `cpu backend: an output of shape ${util.formatShape(shape)} needs ${util.sizeFromShape(shape)} values but got ${values.length}`,
      );
    }
    const outShape = [...shape];
    return { dataId: this.write(values, outShape, dtype), shape: outShape, dtype };
  }

  /**
   * Throws a {@link DTypeError} naming the kernel unless `info.dtype` is one of `allowed`.
   * Ops validate dtypes before calling kernels; this guards direct `runKernel` calls.
   */
  assertDType(kernelName: string, info: TensorInfo, allowed: readonly DType[], what = 'input'): void {
    if (!allowed.includes(info.dtype)) {
      throw new DTypeError(`${kernelName} (cpu): expected ${what} of dtype ${allowed.join(' or ')} but got ${info.dtype}`);
    }
  }

  /** Throws a {@link DTypeError} naming the kernel unless `dtype` (an attribute) is a known dtype. */
  assertKnownDType(kernelName: string, dtype: DType): void {
    if (!util.DTYPES.includes(dtype)) {
      throw new DTypeError(`${kernelName} (cpu): expected attrs.dtype float32, int32 or bool but got ${String(dtype)}`);
    }
  }

  private entry(dataId: DataId): CpuTensorData {
    const d = this.store.get(dataId);
    if (!d) throw new BackendError('cpu backend: no data for this tensor (it was disposed, or belongs to another backend)');
    return d;
  }
}
