import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Loaded with import() on the first plot; never bundled into dist.
  external: ['vega', 'vega-lite', '@viz-js/viz'],
});
