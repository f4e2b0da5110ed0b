import type { Backend } from './backend.js';
import { KERNELS, type KernelAttrs, type KernelName } from './kernel_names.js';
import { TesseraError } from './errors.js';
import type { TensorInfo } from './types.js';
import { shared } from './global_state.js';

/** What a kernel function receives. */
export interface KernelArgs<K extends KernelName = KernelName, B extends Backend = Backend> {
  readonly inputs: readonly TensorInfo[];
  readonly attrs: Readonly<KernelAttrs[K]>;
  readonly backend: B;
}

/** A kernel: computes outputs from inputs, allocating them with `backend.write`. */
export type KernelFunc<K extends KernelName = KernelName, B extends Backend = Backend> = (
  args: KernelArgs<K, B>,
) => TensorInfo | TensorInfo[];

/**
 * One kernel of one backend: `{kernelName, backendName, kernelFunc}`.
 *
 * @example
 * ```ts
 * export const negConfig: KernelConfig<'Neg', CpuBackend> = {
 *   kernelName: 'Neg', backendName: 'cpu',
 *   kernelFunc: ({ inputs: [x], backend }) => backend.mapFloat(x, (v) => -v),
 * };
 * ```
 */
export interface KernelConfig<K extends KernelName = KernelName, B extends Backend = Backend> {
  readonly kernelName: K;
  readonly backendName: string;
  readonly kernelFunc: KernelFunc<K, B>;
}

/**
 * Per backend, its kernels by name: two lookups and no key string to build, since the engine
 * finds a kernel on every op. Shared with every copy of this version of the package (see
 * global_state.ts).
 */
const registry = shared('kernelsByBackend', () => new Map<string, Map<string, KernelConfig>>());

/** Registers a kernel. Registering the same name twice for one backend is an error. */
export function registerKernel<K extends KernelName, B extends Backend>(config: KernelConfig<K, B>): void {
  if (!(config.kernelName in KERNELS)) {
    throw new TesseraError(
      `registerKernel: '${config.kernelName}' is not in the kernel list (see KERNEL_NAMES in @tessera/tensor)`,
    );
  }
  let kernels = registry.get(config.backendName);
  if (!kernels) registry.set(config.backendName, (kernels = new Map()));
  if (kernels.has(config.kernelName)) {
    throw new TesseraError(`registerKernel: '${config.kernelName}' is already registered for backend '${config.backendName}'`);
  }
  kernels.set(config.kernelName, config as unknown as KernelConfig);
}

/** A config of any one kernel: the element type of a backend's kernel list. */
export type AnyKernelConfig<B extends Backend = Backend> = { [K in KernelName]: KernelConfig<K, B> }[KernelName];

/**
 * Registers a backend's kernel list, skipping kernels already registered for their
 * backend, so registering twice (a package imported twice) is harmless.
 *
 * @example
 * ```ts
 * registerKernels([negConfig, addConfig]);
 * ```
 */
export function registerKernels<B extends Backend>(configs: readonly AnyKernelConfig<B>[]): void {
  for (const config of configs) {
    // registerKernel<K> takes the config of one name K; each element of the union is one.
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config as KernelConfig<KernelName, B>);
  }
}

/** Removes a kernel (for tests and for backends that replace one). */
export function unregisterKernel(kernelName: KernelName, backendName: string): void {
  registry.get(backendName)?.delete(kernelName);
}

/** The kernel registered under that name for that backend, if any. */
export function getKernel(kernelName: KernelName, backendName: string): KernelConfig | undefined {
  return registry.get(backendName)?.get(kernelName);
}

/** The manifest of a backend: every kernel name it has registered. */
export function getKernelsForBackend(backendName: string): KernelName[] {
  return [...(registry.get(backendName)?.keys() ?? [])] as KernelName[];
}
