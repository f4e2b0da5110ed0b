import { defineConfig } from 'vite';

/**
 * Cross-origin isolation: with these two headers the page gets SharedArrayBuffer, so the CPU
 * backend in the training worker (src/fit.worker.ts) runs its GEMM on two threads. Everything the
 * demo loads is same-origin; a static host serving dist/ should send them too.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  // Workspace packages resolve to their TypeScript sources, as in the repository's tests.
  resolve: { conditions: ['@tessera/source'] },
  worker: { format: 'es' },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // h5wasm embeds its WebAssembly in a ~4.8 MB chunk, loaded only when a model file is read or written.
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
});
