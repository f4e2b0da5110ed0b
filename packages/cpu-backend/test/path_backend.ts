import { registerBackend, registerKernel, type KernelConfig, type KernelName } from '@tessera/tensor';
import { CpuBackend, cpuKernelConfigs } from '../src/index.js';

/**
 * Registers a CPU backend under `name` with every CPU kernel, those that `forced` picks
 * (all when omitted) run inside `around` (which sets a path, runs the kernel, and restores
 * the setting): the conformance suite then runs that path under its own name, so the
 * coverage table shows a column for it.
 */
export function registerPathBackend(
  name: string,
  around: <T>(body: () => T) => T,
  forced: (kernel: KernelName) => boolean = () => true,
  make: () => CpuBackend = () => new CpuBackend(name),
): void {
  registerBackend(name, make, 0);
  for (const config of cpuKernelConfigs) {
    const k = config as KernelConfig;
    registerKernel({ ...k, backendName: name, kernelFunc: forced(k.kernelName) ? (args) => around(() => k.kernelFunc(args)) : k.kernelFunc });
  }
}
