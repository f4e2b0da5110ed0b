// The browser route: the conformance suite on WebGPU in headless Chromium (vitest
// browser mode with Playwright). On Linux without a GPU, Debian's `chromium` brings
// SwiftShader; `--enable-unsafe-webgpu` is required there for navigator.gpu to give an
// adapter. Run: `pnpm --filter @tessera/webgpu-backend test:browser`
// (CHROMIUM=/path/to/chrome to use another browser binary).
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  // Workspace packages resolve to their TypeScript sources, as in the root config.
  resolve: { conditions: ['@tessera/source', 'browser', 'module', 'development|production'] },
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      instances: [{ browser: 'chromium' }],
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox', // required as root
            '--enable-unsafe-webgpu', // without it requestAdapter() gives null on Linux
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      }),
    },
  },
});
