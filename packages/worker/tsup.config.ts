import { defineConfig } from 'tsup';

// Two entries: the page's side (FitWorker) and the worker's (serveFit, which registers the CPU backend).
export default defineConfig({
  entry: ['src/index.ts', 'src/serve.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
