import { defineConfig } from 'vite';

// Cross-origin isolation lets the CPU backend share WebAssembly memory with its GEMM worker
// (two threads); the e2e test's static server sends the same headers.
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  base: './',
  // Workspace packages resolve to their TypeScript sources, as in the repository's tests.
  resolve: { conditions: ['source'] },
  worker: { format: 'es' },
  // h5wasm embeds its WebAssembly in a ~4.8 MB chunk, loaded only when a model file is read or written.
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
});
