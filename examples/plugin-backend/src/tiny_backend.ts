import { util, type Backend, type DataId, type DType, type Shape, type TypedArray } from '@tessera/tensor';

/**
 * The memory half of the plugin: typed arrays in a `Map`. This is the whole
 * `Backend` interface; kernels are registered separately (see `kernels.ts`).
 */
export class TinyBackend implements Backend {
  readonly name = 'tiny';
  private readonly store = new Map<DataId, TypedArray>();

  write(values: TypedArray): DataId {
    const id = {};
    this.store.set(id, values);
    return id;
  }

  move(dataId: DataId, values: TypedArray): void {
    this.store.set(dataId, values);
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    const values = this.store.get(dataId);
    if (!values) throw new Error('tiny backend: unknown or disposed buffer');
    return values;
  }

  disposeData(dataId: DataId): void {
    this.store.delete(dataId);
  }

  memory(): { numBytes: number } {
    let numBytes = 0;
    for (const v of this.store.values()) numBytes += v.byteLength;
    return { numBytes };
  }

  /** Allocates an output of `dtype` filled by `fill(out)` and stores it: what every kernel returns. */
  output(shape: Shape, dtype: DType, fill: (out: TypedArray) => void): { dataId: DataId; shape: Shape; dtype: DType } {
    const out = util.makeTypedArray(dtype, util.sizeFromShape(shape));
    fill(out);
    return { dataId: this.write(out), shape, dtype };
  }
}
