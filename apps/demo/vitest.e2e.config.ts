import { defineConfig } from 'vitest/config';

// End-to-end: the demo built with Vite, served on 127.0.0.1 by `vite preview`,
// driven in real headless Chromium (Debian's /usr/bin/chromium; WebGPU on
// SwiftShader where the browser offers an adapter). Run: pnpm --filter demo test:e2e
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@tessera/source'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: {
    include: ['test/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 420_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
