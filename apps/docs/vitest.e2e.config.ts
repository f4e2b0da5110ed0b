import { defineConfig } from 'vitest/config';

// End-to-end: the built site served on 127.0.0.1, the playground driven in real headless
// Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader). Builds the site first when
// dist/ is missing or older than its sources. Run: pnpm --filter docs test:e2e
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['test/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
