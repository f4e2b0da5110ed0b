/**
 * Samples/s of the playground's `fit` in headless Chromium, in the Web Worker and on the page's
 * thread, for the same model: the default example (the MLP on the MNIST subset) with more epochs,
 * and optionally a wider hidden layer. Alternates the two places for a few rounds and prints each
 * run's samples/s (what the playground prints: training only, validation excluded), the medians
 * and the ratio. A measurement, not a test. Build the site first (`pnpm --filter docs build`).
 *
 *   tsx scripts/measure_fit.ts [--epochs 30] [--units 128] [--rounds 3]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { DOCS_ROOT } from './packages.js';
import { serveStatic } from './static_server.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const epochs = arg('epochs', 30);
const units = arg('units', 128);
const rounds = arg('rounds', 3);

const source = readFileSync(join(DOCS_ROOT, 'site', '.vitepress', 'theme', 'playground', 'examples', 'mnist_mlp.ts'), 'utf8')
  .replace('epochs: 3', `epochs: ${epochs}`)
  .replace('units: 128', `units: ${units}`);

async function run(page: Page, place: 'worker' | 'page'): Promise<number> {
  await page.selectOption('[data-testid=fit-place]', place);
  await page.click('[data-testid=editor] .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(source);
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('[data-testid=status]')?.getAttribute('data-state') ?? ''), null, { timeout: 600_000, polling: 250 });
  const log = (await page.textContent('[data-testid=log]')) ?? '';
  const m = log.match(/^fit: ([\d,]+) samples\/s (.*)$/m);
  if (!m) throw new Error(`no samples/s in the log:\n${log}`);
  console.log(`  ${place.padEnd(6)} ${m[1].padStart(7)} samples/s ${m[2]}`);
  return Number(m[1].replace(/,/g, ''));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serveStatic(join(DOCS_ROOT, 'dist'));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-quic', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${server.url}/playground?backend=cpu`);
  await page.waitForSelector('[data-testid=status][data-state=idle]', { timeout: 60_000 });
  console.log(`MLP 784-${units}-10, batch 128, ${epochs} epochs of 2,000 images; crossOriginIsolated: ${await page.evaluate(() => crossOriginIsolated)}`);
  const speeds: Record<'worker' | 'page', number[]> = { worker: [], page: [] };
  for (let r = 0; r < rounds; r++) {
    for (const place of ['page', 'worker'] as const) speeds[place].push(await run(page, place));
  }
  const w = median(speeds.worker);
  const p = median(speeds.page);
  console.log(`median samples/s: page thread ${p}, worker ${w} (worker/page ${(w / p).toFixed(2)})`);
} finally {
  await browser.close();
  await server.close();
}
