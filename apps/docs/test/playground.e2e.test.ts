/**
 * The playground end to end, in real headless Chromium (Debian's /usr/bin/chromium): the built
 * site is served on 127.0.0.1, the page runs the default example (the MLP on the MNIST subset,
 * 3 epochs) and the Keras log must reach the last epoch and print the test accuracy. With
 * `--enable-unsafe-webgpu` Chromium gives a WebGPU adapter (SwiftShader on a machine without a
 * GPU): chosen by name (`?backend=webgpu`) the page must say `webgpu`; left to choose, it never
 * picks a software adapter and says `cpu` and why. A second browser without that flag has no
 * adapter and must fall back to, and say, `cpu`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_ROOT } from '../scripts/packages.js';
import { DIST, ensureBuilt } from './build_site.js';
import { serveStatic, type StaticServer } from '../scripts/static_server.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = join(DOCS_ROOT, 'test', 'screenshots');

let server: StaticServer;

beforeAll(() => {
  ensureBuilt();
  return serveStatic(DIST).then((s) => {
    server = s;
  });
});

afterAll(async () => {
  await server?.close();
});

async function launch(webgpu: boolean): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: webgpu ? ['--enable-unsafe-webgpu', ...BASE_ARGS] : BASE_ARGS,
  });
}

/** Opens the playground, presses Run, waits for the run to end; returns the log text. */
async function runPlayground(page: Page, query = ''): Promise<{ log: string; status: string; backend: string }> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/playground${query}`);
  await page.waitForSelector('[data-testid=status][data-state=idle]', { timeout: 60_000 });
  // The editor holds the default example.
  await expect(page.textContent('[data-testid=editor]')).resolves.toContain('new Sequential');
  await page.click('[data-testid=run]');
  // The log shows the first epoch while training is still going (the page stays live).
  await page.waitForFunction(() => document.querySelector('[data-testid=log]')?.textContent?.includes('Epoch 1/'), null, { timeout: 120_000 });
  await page.waitForFunction(
    () => ['done', 'error'].includes(document.querySelector('[data-testid=status]')?.getAttribute('data-state') ?? ''),
    null,
    { timeout: 280_000, polling: 250 },
  );
  const [log, status, backend] = await Promise.all([
    page.textContent('[data-testid=log]'),
    page.textContent('[data-testid=status]'),
    page.getAttribute('[data-testid=backend]', 'data-backend'),
  ]);
  expect(errors, `page errors: ${errors.join('; ')}`).toEqual([]);
  return { log: log ?? '', status: status ?? '', backend: backend ?? '' };
}

function expectFinishedTraining(log: string, status: string): void {
  expect(status, log).toMatch(/^done in [\d.]+ s on /);
  // Keras's summary, then every epoch's final progress line with accuracy and validation values.
  expect(log).toContain('Total params: 101,770');
  const epochs = [...log.matchAll(/^Epoch (\d+)\/(\d+)$/gm)];
  expect(epochs.length).toBeGreaterThan(0);
  const last = epochs[epochs.length - 1];
  expect(last[1]).toBe(last[2]); // reached the final epoch
  expect(log).toMatch(/16\/16 \[=+\] - \d+s \d+m?s\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}/);
  const accuracy = Number(log.match(/Test accuracy: (\d\.\d{4})/)?.[1]);
  expect(accuracy).toBeGreaterThan(0.5); // 3 epochs on 2,000 images: ~0.83 on either backend
  expect(status).not.toMatch(/tensors still live/);
}

describe('playground', () => {
  it('runs the default example on WebGPU in Chromium and shows the log, the loss curve and the backend', async () => {
    const browser = await launch(true);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const { log, status, backend } = await runPlayground(page, '?backend=webgpu');
      expect(backend).toBe('webgpu');
      await expect(page.textContent('[data-testid=backend]')).resolves.toContain('backend: webgpu');
      expect(status).toContain('on webgpu');
      expectFinishedTraining(log, status);
      // The chart drew the curve: uPlot's canvas is there and its legend names both series.
      await expect(page.locator('[data-testid=chart] canvas').count()).resolves.toBeGreaterThan(0);
      await expect(page.textContent('[data-testid=chart]')).resolves.toContain('val_loss');
      if (!existsSync(SCREENSHOTS)) mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'playground.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('falls back to the CPU backend, and says so, where the browser gives no WebGPU adapter', async () => {
    const browser = await launch(false);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const { log, status, backend } = await runPlayground(page);
      expect(backend).toBe('cpu');
      await expect(page.textContent('[data-testid=backend]')).resolves.toMatch(/backend: cpu\s*\((WebGPU unavailable|this browser has no WebGPU)/);
      expectFinishedTraining(log, status);
      await page.screenshot({ path: join(SCREENSHOTS, 'playground-cpu.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('never picks a software adapter by itself: on SwiftShader auto runs on the CPU and says why', async () => {
    const browser = await launch(true);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const { log, status, backend } = await runPlayground(page);
      expect(backend).toBe('cpu');
      await expect(page.textContent('[data-testid=backend]')).resolves.toMatch(/backend: cpu\s*\(WebGPU not picked: expected a hardware adapter but found a software one \(google \/ swiftshader/);
      expectFinishedTraining(log, status);
    } finally {
      await browser.close();
    }
  });
});
