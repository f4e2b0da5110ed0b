/**
 * Tessera on its CPU backend, as a bench implementation: `tessera` with the backend's
 * defaults (WebAssembly SIMD GEMM, the second thread where the runtime has it) and
 * `tessera-1t` with the GEMM's thread switched off (`--compare-threads`), to show what
 * the second core brings in the same run.
 */
import { gemmThreadsReady, setGemmThreads } from '@tessera/cpu-backend';
import { setBackend } from '@tessera/tensor';
import type { ImplName } from './harness.js';

/** Wraps `run` so that it executes with the thread setting of `impl`, restoring the default after. */
export function withThreads(impl: ImplName, run: () => void | Promise<void>): () => Promise<void> {
  if (impl !== 'tessera-1t') return async () => run();
  return async () => {
    const before = setGemmThreads('off');
    try {
      await run();
    } finally {
      setGemmThreads(before);
    }
  };
}

/** Activates the CPU backend and waits until its GEMM worker (if any) is ready. */
export async function initTessera(): Promise<{ threads: boolean }> {
  await setBackend('cpu');
  return { threads: await gemmThreadsReady() };
}

export const isTessera = (impl: ImplName) => impl === 'tessera' || impl === 'tessera-1t';
