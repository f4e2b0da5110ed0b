import { defineConfig } from 'tsup';

// The main entry (registers the backends) and one subpath per Keras namespace
// (`tessera-ml/layers`, ...): bundlers tree-shake `import * as layers from 'tessera-ml/layers'`,
// while esbuild keeps the whole of a namespace re-exported as an object from the main entry.
export default defineConfig({
  entry: ['src/index.ts', 'src/layers.ts', 'src/optimizers.ts', 'src/losses.ts', 'src/datasets.ts', 'src/io.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
