import { defineConfig } from 'tsup';

// The CLI is its own entry (the package's `bin`); it keeps its shebang.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
