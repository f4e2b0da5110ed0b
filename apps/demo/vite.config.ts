import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  // Workspace packages resolve to their TypeScript sources, as in the repository's tests.
  resolve: { conditions: ['@tessera/source'] },
  worker: { format: 'es' },
  // h5wasm embeds its WebAssembly in a ~4.8 MB chunk, loaded only when a model file is read or written.
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
});
