import type { DataId, DType, Shape, TypedArray } from './types.js';

/**
 * The whole memory contract a backend implements. Kernels are registered separately
 * (see {@link registerKernel}); this interface is only about where the bytes live.
 *
 * @example
 * ```ts
 * class MyBackend implements Backend {
 *   readonly name = 'mine';
 *   private store = new Map<DataId, TypedArray>();
 *   write(values: TypedArray) { const id = {}; this.store.set(id, values); return id; }
 *   move(id: DataId, values: TypedArray) { this.store.set(id, values); }
 *   async read(id: DataId) { return this.readSync(id); }
 *   readSync(id: DataId) { return this.store.get(id)!; }
 *   disposeData(id: DataId) { this.store.delete(id); }
 *   memory() { let n = 0; for (const v of this.store.values()) n += v.byteLength; return { numBytes: n }; }
 * }
 * ```
 */
export interface Backend {
  /** The name kernels are registered under (`'cpu'`, `'webgpu'`). */
  readonly name: string;
  /** Stores `values` (the typed array of `dtype`, length = size of `shape`); returns a new key. The backend may keep the array. */
  write(values: TypedArray, shape: Shape, dtype: DType): DataId;
  /** Stores `values` under an existing key: used when the engine moves a tensor from another backend. */
  move(dataId: DataId, values: TypedArray, shape: Shape, dtype: DType): void;
  /** Reads the values; the caller must not mutate the result. */
  read(dataId: DataId): Promise<TypedArray>;
  /** Reads synchronously, where the backend can (the CPU can, a GPU cannot). */
  readSync?(dataId: DataId): TypedArray;
  /** Frees the buffer. Called once, when the last tensor sharing it is disposed. */
  disposeData(dataId: DataId): void;
  /** Bytes held now. */
  memory(): { numBytes: number };
  /** Releases everything (called when the backend is removed). */
  dispose?(): void;
}

/** What `registerBackend` takes to create a backend when it is first needed. */
export type BackendFactory = () => Backend | Promise<Backend>;
