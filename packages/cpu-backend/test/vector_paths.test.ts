// The optimizer updates' two implementations: the WebAssembly SIMD module (built from
// src/wasm/vector.wat, checked fresh here) and the TypeScript loops. The conformance
// suite's update cases (values, memory, errors) run on each, forced, as a CPU backend
// registered under its own name whose update kernels switch the implementation around
// each call; test/optimizer_updates.test.ts checks their bits against the op-by-op update.
//
// @tessera/conformance is imported by path (see gemm_paths.test.ts for why).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { registerBackend, registerKernel, type KernelConfig, type KernelName } from '@tessera/tensor';
import { describeBackend } from '../../conformance/src/index.js';
import { buildVector } from '../scripts/build-wasm.mjs';
import {
  CpuBackend,
  cpuKernelConfigs,
  getVectorImplementation,
  setVectorImplementation,
  wasmVectorAvailable,
  type VectorImplementation,
} from '../src/index.js';

const UPDATE_KERNELS: readonly KernelName[] = ['ApplySGD', 'ApplyAdam', 'ApplyRMSProp'];
const PATHS: Record<string, VectorImplementation> = { 'cpu-vector-js': 'js', 'cpu-vector-wasm': 'wasm' };

for (const [name, impl] of Object.entries(PATHS)) {
  registerBackend(name, () => new CpuBackend(name), 0);
  for (const config of cpuKernelConfigs) {
    const k = config as KernelConfig;
    if (!UPDATE_KERNELS.includes(k.kernelName)) continue;
    registerKernel({
      ...k,
      backendName: name,
      kernelFunc: (args) => {
        const before = setVectorImplementation(impl);
        try {
          return k.kernelFunc(args);
        } finally {
          setVectorImplementation(before);
        }
      },
    });
  }
  describe(`optimizer updates on ${name}`, () => {
    describeBackend(name, { kernels: UPDATE_KERNELS });
  });
}

describe('the vector module', () => {
  it('is built from vector.wat: the committed bytes equal a fresh assembly', async () => {
    const committed = await readFile(new URL('../src/wasm/vector_wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await buildVector());
  });

  it('runs in Node (WebAssembly SIMD), is the default there, and the choice is checked', () => {
    expect(wasmVectorAvailable()).toBe(true);
    expect(getVectorImplementation()).toBe('wasm');
    expect(() => setVectorImplementation('gpu' as VectorImplementation)).toThrow(/expected 'js' or 'wasm' but got gpu/);
    expect(setVectorImplementation('js')).toBe('wasm');
    expect(setVectorImplementation('wasm')).toBe('js');
  });
});
