/**
 * A responsiveness probe for a page under test (the demo's and the docs playground's e2e
 * tests): the longest gap between 20 ms timer ticks on the page since the last reset. A page
 * whose thread is busy training shows gaps of seconds; one that trains in a worker, the
 * browser's own latency.
 */
import type { Page } from 'playwright-core';

type Probe = { __stall: { last: number; max: number } };

/** Starts the probe on `page`. */
export async function startStallProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Probe;
    w.__stall = { last: performance.now(), max: 0 };
    setInterval(() => {
      const now = performance.now();
      w.__stall.max = Math.max(w.__stall.max, now - w.__stall.last);
      w.__stall.last = now;
    }, 20);
  });
}

/** Forgets the gaps so far. */
export const resetStall = (page: Page) => page.evaluate(() => void ((window as unknown as Probe).__stall = { max: 0, last: performance.now() }));

/** The longest gap since the last reset, in ms. */
export const readStall = (page: Page) => page.evaluate(() => (window as unknown as Probe).__stall.max);
