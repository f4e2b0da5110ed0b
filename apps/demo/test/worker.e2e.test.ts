/**
 * Training off the page's thread, end to end in headless Chromium (Debian's /usr/bin/chromium,
 * no WebGPU flag, so the CPU backend): the demo, served cross-origin isolated by `vite preview`
 * (COOP/COEP), trains an MLP on real MNIST in a Web Worker (@tessera/worker) whose GEMM runs on
 * two threads, while the test types into a field, clicks a button and draws a digit that the
 * page's model predicts; a probe on the page records the longest stall of its event loop. The
 * same training then runs on the page's thread for comparison. Samples/s of both are printed
 * (never asserted: speed is measured by the bench, not tested); the page must stay responsive
 * (what was typed shows, the stall stays under a generous bound) and the model must learn.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { readStall, resetStall, startStallProbe } from '../../../tests/browser/stall_probe.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawOne } from './page_helpers.js';
import { buildAndServe, type DemoServer } from './serve_demo.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The page may not freeze longer than this while the worker trains (a loaded 2-core machine stalls renderers for ~100 ms at times). */
const MAX_STALL_MS = 1500;

let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  server = await buildAndServe();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page: Page, id: string) => page.locator(`[data-testid=${id}]`).innerText();
const state = (page: Page) => page.getAttribute('[data-testid=state]', 'data-state');

async function waitForState(page: Page, states: string[], timeout: number): Promise<string> {
  await page.waitForFunction((wanted) => wanted.includes(document.querySelector('[data-testid=state]')?.getAttribute('data-state') ?? ''), states, { timeout, polling: 200 });
  return (await state(page)) ?? '';
}


interface Run {
  samplesPerSecond: number;
  stallMs: number;
  typeMs: number;
  valAccuracy: number;
}

/** Trains the MLP once where `where` says, interacting with the page while it trains. */
async function trainOnce(page: Page, where: 'worker' | 'page'): Promise<Run> {
  await page.selectOption('[data-testid=model-kind]', 'mlp');
  for (const [id, value] of Object.entries({ hidden: '512, 512', dropout: '0.2', batch: '128', epochs: '1', 'train-count': '25600', 'val-count': '1000' })) {
    await page.fill(`#${id}`, value);
  }
  await page.selectOption('[data-testid=cpu-thread]', where);
  await page.click('[data-testid=train]');
  await waitForState(page, ['training'], 60_000);
  // Wait for the first batches (the worker has the model and the data by then), then interact.
  await page.waitForFunction(() => /\b\d{2,3}\/200 \[/.test(document.querySelector('[data-testid=progress]')?.textContent ?? ''), null, { timeout: 180_000, polling: 100 });
  await resetStall(page);
  const field = page.locator('#act-image');
  await field.scrollIntoViewIfNeeded();
  await field.click();
  await page.keyboard.press('Control+A');
  const t0 = Date.now();
  await page.keyboard.type('42');
  const typed = await field.inputValue();
  const typeMs = Date.now() - t0;
  await page.click('[data-testid=clear-pad]');
  await drawOne(page);
  await page.waitForFunction(() => (document.querySelector('[data-testid=prediction]')?.textContent ?? '–') !== '–', null, { timeout: 60_000 });
  const stillTraining = (await state(page)) === 'training';
  const stallMs = await readStall(page);
  expect(typed).toBe('42');
  const final = await waitForState(page, ['done', 'error', 'stopped'], 400_000);
  const error = (await page.locator('[data-testid=error]').isVisible()) ? await text(page, 'error') : '';
  expect(final, error).toBe('done');
  const samplesPerSecond = Number((await text(page, 'speed')).replace(/,/g, ''));
  const valAccuracy = Number(await text(page, 'val-accuracy'));
  console.log(
    `demo worker e2e: ${where === 'worker' ? 'in the Web Worker' : "on the page's thread"}: ${samplesPerSecond} samples/s, ` +
      `longest page stall while interacting ${stallMs.toFixed(0)} ms${stillTraining ? '' : ' (training had ended)'}, typing took ${typeMs} ms, val_accuracy ${valAccuracy}`,
  );
  expect(stillTraining, 'the interactions should happen while it trains: raise train-count').toBe(true);
  return { samplesPerSecond, stallMs, typeMs, valAccuracy };
}

describe('demo: training in a Web Worker', () => {
  it('trains in the worker with two GEMM threads while the page stays responsive; then on the page for comparison', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(server.url);
    await page.waitForFunction(() => /60,000 training/.test(document.querySelector('[data-testid=data-status]')?.textContent ?? ''), null, { timeout: 120_000 });
    expect(await page.getAttribute('[data-testid=backend]', 'data-backend')).toBe('cpu');
    // Served with COOP/COEP: SharedArrayBuffer exists, so the worker's GEMM can use a second thread.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await startStallProbe(page);

    const worker = await trainOnce(page, 'worker');
    expect(await page.getAttribute('[data-testid=where]', 'data-where')).toBe('worker');
    expect(await page.getAttribute('[data-testid=where]', 'data-threads')).toBe('2');
    // The second GEMM thread did work: products of this fit ran split across both.
    const split = Number(await page.getAttribute('[data-testid=where]', 'data-split-products'));
    const inWorker = Number(await page.getAttribute('[data-testid=where]', 'data-worker-speed'));
    console.log(`demo worker e2e: the worker measured ${inWorker} samples/s; ${split} products ran on its two GEMM threads`);
    expect(split).toBeGreaterThan(0);
    expect(worker.valAccuracy).toBeGreaterThan(0.8);
    expect(worker.stallMs).toBeLessThan(MAX_STALL_MS);
    expect(worker.typeMs).toBeLessThan(MAX_STALL_MS);
    // The page's model holds the worker's weights: its test accuracy on the page matches the worker's val_accuracy.
    const onPage = Number(await page.getAttribute('[data-testid=test-accuracy]', 'data-value'));
    expect(onPage).toBeCloseTo(worker.valAccuracy, 2);

    await page.click('[data-testid=reset]');
    const pageThread = await trainOnce(page, 'page');
    expect(await page.getAttribute('[data-testid=where]', 'data-where')).toBe('page');
    expect(pageThread.valAccuracy).toBeGreaterThan(0.8);
    console.log(
      `demo worker e2e: samples/s page thread ${pageThread.samplesPerSecond}, worker ${worker.samplesPerSecond} ` +
        `(worker/page ${(worker.samplesPerSecond / pageThread.samplesPerSecond).toFixed(2)}); longest stall page thread ${pageThread.stallMs.toFixed(0)} ms, worker ${worker.stallMs.toFixed(0)} ms`,
    );
    expect(errors, `page errors: ${errors.join('; ')}`).toEqual([]);
    await page.close();
  });
});
