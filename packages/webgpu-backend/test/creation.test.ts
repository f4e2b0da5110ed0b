// Starting the backend: what happens without WebGPU, without an adapter, and with a device handed in.
import { gpu } from './setup.js';
import { BackendError, getBackend, ready, setBackend, tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { createWebGPUBackend } from '../src/index.js';

describe('createWebGPUBackend', () => {
  it('without an adapter throws a BackendError saying how to get one', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const error = await createWebGPUBackend({ gpu: noAdapter }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    const message = (error as Error).message;
    expect(message).toMatch(/found no GPU adapter/);
    expect(message).toMatch(/--enable-unsafe-webgpu/);
    expect(message).toMatch(/webgpu@0\.6\.2/);
    expect(message).toMatch(/create\(\[\]\)/);
    expect(message).toMatch(/libvulkan1/);
    expect(message).toMatch(/VK_ICD_FILENAMES/);
  });

  it('without navigator.gpu or options.gpu throws a BackendError (Node without the webgpu package)', async () => {
    await expect(createWebGPUBackend()).rejects.toThrow(BackendError);
    await expect(createWebGPUBackend()).rejects.toThrow(/no WebGPU \(no navigator\.gpu and no options\.gpu\)/);
  });

  it('wraps a device handed in, and never destroys it', async () => {
    const adapter = await gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    const backend = await createWebGPUBackend({ device });
    expect(backend.device).toBe(device);
    const id = backend.write(new Int32Array([4, -5]), [2], 'int32');
    expect(Array.from(await backend.read(id))).toEqual([4, -5]);
    backend.disposeData(id);
    backend.dispose();
    // Still usable: the caller owns it.
    const b = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    b.destroy();
    device.destroy();
  });

  it('is what the engine starts by priority (2, above the CPU)', async () => {
    expect(await ready()).toBe('webgpu');
    expect(getBackend()).toBe('webgpu');
    await setBackend('webgpu');
    const t = tensor([1, 2, 3]);
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
    t.dispose();
  });
});
