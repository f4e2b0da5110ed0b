import { defineConfig } from 'vitest/config';

// The site's own tests (Node): API coverage, the dead-link and broken-{@link} checks, the kernel
// table, the playground's transpiler. They build the site first when dist/ is missing or stale.
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@tessera/source'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
