import { BackendError } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { adapterName, createWebGPUBackend, softwareAdapter } from '../src/index.js';

/** An adapter as requestAdapter() returns it, reduced to what the checks read. */
const adapter = (info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }) =>
  ({ info: { vendor: '', architecture: '', device: '', description: '', ...info }, features: new Set(), limits: {} }) as unknown as GPUAdapter;

describe('software adapters', () => {
  it('are told apart from hardware ones by the fallback flag and by name', () => {
    expect(softwareAdapter(adapter({ vendor: 'google', architecture: 'swiftshader' }))).toBe('google / swiftshader');
    expect(softwareAdapter(adapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 19.1.7, 256 bits)' }))).toBe('mesa / llvmpipe (LLVM 19.1.7, 256 bits)');
    expect(softwareAdapter(adapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }))).toBe('microsoft / Microsoft Basic Render Driver');
    expect(softwareAdapter(adapter({ vendor: 'acme', isFallbackAdapter: true }))).toBe('acme, a fallback adapter');
    expect(softwareAdapter(adapter({ vendor: 'nvidia', architecture: 'ampere' }))).toBeUndefined();
    expect(softwareAdapter(adapter({ vendor: 'apple', architecture: 'metal-3' }))).toBeUndefined();
    expect(adapterName(adapter({}).info)).toBe('an unnamed adapter');
  });

  it('are refused with hardwareOnly, before a device is made', async () => {
    let devices = 0;
    const software = adapter({ vendor: 'google', architecture: 'swiftshader' });
    (software as unknown as { requestDevice: () => void }).requestDevice = () => void devices++;
    const gpu = { requestAdapter: async () => software } as unknown as GPU;
    const refused = await createWebGPUBackend({ gpu, hardwareOnly: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackendError);
    expect((refused as Error).message).toBe(
      'webgpu: expected a hardware adapter but found a software one (google / swiftshader); it runs shaders on the CPU, ' +
        'slower than the CPU backend. Pass {hardwareOnly: false} to use it anyway.',
    );
    expect(devices).toBe(0);
  });
});
