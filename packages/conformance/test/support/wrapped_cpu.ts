import { CpuBackend } from '@tessera/cpu-backend';
import {
  getKernel,
  KERNEL_NAMES,
  registerBackend,
  registerKernel,
  type Backend,
  type DataId,
  type DType,
  type KernelName,
  type Shape,
  type TensorInfo,
  type TypedArray,
} from '@tessera/tensor';

/** The CPU backend's storage under another name; its kernels are the CPU's, some broken on purpose. */
export class WrappedCpu implements Backend {
  readonly cpu = new CpuBackend();
  readSync?: (dataId: DataId) => TypedArray;
  constructor(
    readonly name: string,
    sync: boolean,
  ) {
    if (sync) this.readSync = (dataId) => this.cpu.readSync(dataId);
  }
  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    return this.cpu.write(values, shape, dtype);
  }
  move(dataId: DataId, values: TypedArray, shape: Shape, dtype: DType): void {
    this.cpu.move(dataId, values, shape, dtype);
  }
  read(dataId: DataId): Promise<TypedArray> {
    return this.cpu.read(dataId);
  }
  disposeData(dataId: DataId): void {
    this.cpu.disposeData(dataId);
  }
  memory(): { numBytes: number } {
    return this.cpu.memory();
  }
}

/** A deliberate bug: rewrites a correct output (in place), or returns another one. */
export type Fault = (out: TypedArray, output: TensorInfo, inputs: TypedArray[], backend: WrappedCpu) => TensorInfo | void;

/**
 * Registers a backend (priority -1) whose kernels are the CPU's with `faults`
 * applied; without `sync` it has no `readSync`, like a GPU backend.
 */
export function registerWrappedCpu(name: string, options: { sync: boolean; faults?: Partial<Record<KernelName, Fault>> }): void {
  registerBackend(name, () => new WrappedCpu(name, options.sync), -1);
  for (const kernelName of KERNEL_NAMES) {
    const cpuKernel = getKernel(kernelName, 'cpu')!;
    const fault = options.faults?.[kernelName];
    registerKernel({
      kernelName,
      backendName: name,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const wrapped = backend as WrappedCpu;
        const output = cpuKernel.kernelFunc({ inputs, attrs, backend: wrapped.cpu }) as TensorInfo;
        if (!fault) return output;
        const values = inputs.map((t) => wrapped.cpu.readSync(t.dataId));
        return fault(wrapped.cpu.readSync(output.dataId), output, values, wrapped) ?? output;
      },
    });
  }
}
