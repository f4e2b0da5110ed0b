import { describe, expect, it } from 'vitest';
import {
  BackendError,
  KERNELS,
  KERNEL_NAMES,
  TesseraError,
  getKernelsForBackend,
  registerKernel,
  tensor,
  unregisterKernel,
} from '../src/index.js';

// This file loads no backend: it checks the registry and the engine's errors alone.
describe('kernel list and registry', () => {
  it('lists every kernel once with its spec', () => {
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    // Every kernel takes an input but DropoutMask, whose output comes from its attributes alone.
    for (const name of KERNEL_NAMES) if (name !== 'DropoutMask') expect(KERNELS[name].inputs.length, name).toBeGreaterThan(0);
    expect(KERNELS.DropoutMask.inputs).toEqual([]);
  });

  it('rejects kernels outside the list and duplicates', () => {
    const kernelFunc = () => {
      throw new Error('unused');
    };
    expect(() => registerKernel({ kernelName: 'Nope' as 'Add', backendName: 'x', kernelFunc })).toThrow(/not in the kernel list/);
    registerKernel({ kernelName: 'Add', backendName: 'x', kernelFunc });
    expect(getKernelsForBackend('x')).toEqual(['Add']);
    expect(() => registerKernel({ kernelName: 'Add', backendName: 'x', kernelFunc })).toThrow(TesseraError);
    unregisterKernel('Add', 'x');
    expect(getKernelsForBackend('x')).toEqual([]);
  });

  it('says how to get a backend when none is registered', () => {
    expect(() => tensor([1, 2])).toThrow(BackendError);
    expect(() => tensor([1, 2])).toThrow(/import "@tessera\/cpu-backend"/);
  });
});
