import { defineConfig } from 'vitest/config';

// Node 20 has WebAssembly relaxed SIMD behind a flag (Node 22+ and Chrome have it on): the
// CPU backend's fused multiply-add variant runs in the tests as it does there.
const relaxedSimd = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

// One root config: every package's tests run against its TypeScript sources
// (the `@tessera/source` export condition), so the suite never depends on stale builds.
export default defineConfig({
  resolve: { conditions: ['@tessera/source'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    execArgv: relaxedSimd,
  },
});
