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

/** Shared with every copy of this version of the package (see global_state.ts). */
const registry = shared('kernels', () => new Map<string, KernelConfig>());
const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/** Registers a kernel. Registering the same name twice for one backend is an error. */
export function registerKernel<K extends KernelName, B extends Backend>(config: KernelConfig<K, B>): void {
  if (!(config.kernelName in KERNELS)) {
    throw new TesseraError(
      `registerKernel: '${config.kernelName}' is not in the kernel list (see KERNEL_NAMES in @tessera/tensor)`,
    );
  }
  const k = key(config.kernelName, config.backendName);
  if (registry.has(k)) {
    throw new TesseraError(`registerKernel: '${config.kernelName}' is already registered for backend '${config.backendName}'`);
  }
  registry.set(k, config as unknown as KernelConfig);
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
  registry.delete(key(kernelName, backendName));
}

/** The kernel registered under that name for that backend, if any. */
export function getKernel(kernelName: KernelName, backendName: string): KernelConfig | undefined {
  return registry.get(key(kernelName, backendName));
}

/** The manifest of a backend: every kernel name it has registered. */
export function getKernelsForBackend(backendName: string): KernelName[] {
  const out: KernelName[] = [];
  for (const config of registry.values()) if (config.backendName === backendName) out.push(config.kernelName);
  return out;
}
