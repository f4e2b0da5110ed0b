import { afterEach, describe, expect, it, vi } from 'vitest';
import { version } from '../package.json';

type Lib = typeof import('../src/index.js');
const ROOT = Symbol.for('@tessera/tensor');
const copies = () => (globalThis as unknown as Record<symbol, { versions: Record<string, unknown> }>)[ROOT];

/** A second copy of the package: the same source evaluated again as fresh modules (as a second bundle or install would be). */
async function loadCopy(): Promise<Lib> {
  vi.resetModules();
  return import('../src/index.js');
}

describe('two copies of @tessera/tensor in one process', () => {
  afterEach(() => {
    delete copies().versions['0.0.1-other'];
  });

  it('share one engine, one kernel registry and tensors when they are the same version', async () => {
    const a = await loadCopy();
    const b = await loadCopy();
    expect(a.Tensor).not.toBe(b.Tensor); // two module instances
    expect(b.getEngine()).toBe(a.getEngine());
    a.registerBackend('two-copies', () => ({}) as never, -100);
    expect(b.getEngine().backendNames()).toContain('two-copies');
    a.getEngine().removeBackend('two-copies');
    const config = { kernelName: 'Neg', backendName: 'two-copies', kernelFunc: () => [] } as const;
    a.registerKernel(config);
    expect(b.getKernel('Neg', 'two-copies')).toBe(config);
    a.unregisterKernel('Neg', 'two-copies');
    // tensors and variables of one copy are tensors and variables for the other
    const t = new a.Tensor([2], 'float32', {});
    const v = new a.Variable(t, 'two_copies_v', true);
    expect(t instanceof b.Tensor && v instanceof b.Tensor && v instanceof b.Variable).toBe(true);
    expect(t instanceof b.Variable || new b.Tensor([1], 'int32', {}) instanceof a.Variable).toBe(false);
    expect({} instanceof b.Tensor || (null as unknown as object) instanceof a.Tensor).toBe(false);
  });

  it('refuses a second version, naming both versions', async () => {
    await loadCopy();
    copies().versions['0.0.1-other'] = {};
    await expect(loadCopy()).rejects.toThrow(
      new RegExp(`two different copies of @tessera/tensor are loaded in this process: 0\\.0\\.1-other \\(loaded first\\) and ${version.replace(/\./g, '\\.')}\\.`),
    );
  });
});
