import { defineConfig } from 'vitest/config';

// One root config: every package's tests run against its TypeScript sources
// (the `@tessera/source` export condition), so the suite never depends on stale builds.
export default defineConfig({
  resolve: { conditions: ['@tessera/source'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
