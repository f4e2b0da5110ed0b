import { describe, expect, it, vi } from 'vitest';

describe('pickBackend', () => {
  it('never picks a software WebGPU adapter: the CPU backend runs, and the reason names the adapter', async () => {
    const requestAdapter = vi.fn(async () => ({
      info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' },
      features: new Set<string>(),
      limits: {},
    }));
    vi.stubGlobal('navigator', { gpu: { requestAdapter } });
    try {
      const { pickBackend, getBackend } = await import('../src/index.js');
      const choice = await pickBackend();
      expect(requestAdapter).toHaveBeenCalledTimes(1);
      expect(choice.name).toBe('cpu');
      expect(getBackend()).toBe('cpu');
      expect(choice.reason).toBe(
        'the CPU backend runs because expected a hardware adapter but found a software one (google / swiftshader); ' +
          'it runs shaders on the CPU, slower than the CPU backend. Pass {hardwareOnly: false} to use it anyway.',
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the umbrella and an explicit WebGPU registration', () => {
  it('gives way to registerWebGPUBackend (Node passes its own GPU object)', async () => {
    const { getEngine, setBackend } = await import('../src/index.js');
    const { registerWebGPUBackend } = await import('@tessera/webgpu-backend');
    expect(getEngine().backendNames()).toContain('webgpu');
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    registerWebGPUBackend({ gpu });
    // The new factory runs: it asks the GPU object it was given.
    await expect(setBackend('webgpu')).rejects.toThrow('webgpu: requestAdapter() found no GPU adapter');
  });
});
