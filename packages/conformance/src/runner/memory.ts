import { expect } from 'vitest';
import { memory } from '@tessera/tensor';

/** What the suite compares before and after a case. */
export interface MemorySnapshot {
  readonly numTensors: number;
  readonly numDataBuffers: number;
  readonly backendBytes: number;
}

/** Live tensors, buffers, and the bytes the given backend reports. */
export function snapshot(backendName: string): MemorySnapshot {
  const m = memory();
  return { numTensors: m.numTensors, numDataBuffers: m.numDataBuffers, backendBytes: m.backends[backendName]?.numBytes ?? 0 };
}

/** Asserts that memory is back to `before`: nothing leaked, in the engine or in the backend. */
export function expectNoLeak(before: MemorySnapshot, backendName: string, what: string): void {
  const after = snapshot(backendName);
  expect(after.numTensors, `${what}: live tensors`).toBe(before.numTensors);
  expect(after.numDataBuffers, `${what}: data buffers`).toBe(before.numDataBuffers);
  expect(after.backendBytes, `${what}: bytes held by backend '${backendName}'`).toBe(before.backendBytes);
}
