// Device loss: every later call throws a BackendError with the reason, and reads that
// were waiting reject instead of hanging.
import './setup.js';
import { add, BackendError, exp, setBackend, tensor, tidy } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { webgpu } from './helpers.js';

describe('device loss', () => {
  it('rejects pending and later reads, and throws on later kernels and writes, naming the loss', async () => {
    await setBackend('webgpu');
    const backend = webgpu();
    const x = tensor(new Float32Array(100_000).fill(1), [100_000]);
    const y = tidy(() => exp(add(x, x)));
    const pending = y.data(); // submitted, waiting for the GPU
    backend.device.destroy();
    await expect(pending).rejects.toThrow(BackendError);
    await expect(pending).rejects.toThrow(/device was lost \(destroyed/);
    await expect(x.data()).rejects.toThrow(/device was lost/);
    expect(backend.isLost).toBe(true);
    expect(() => add(x, x)).toThrow(BackendError);
    expect(() => add(x, x)).toThrow(/webgpu: kernel: the GPU device was lost/);
    expect(() => tensor([1, 2])).toThrow(/webgpu: write: the GPU device was lost/);
    // Disposing still works (nothing to free on a lost device), so cleanup code does not throw.
    x.dispose();
    y.dispose();
  });
});
