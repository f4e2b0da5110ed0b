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
