import { defineConfig } from 'tsup';

// The HDF5 worker is its own entry: dist/index.js starts it as `new URL('./h5_worker.js', import.meta.url)`.
export default defineConfig({
  entry: { index: 'src/index.ts', h5_worker: 'src/h5_worker.js' },
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['h5wasm'],
});
