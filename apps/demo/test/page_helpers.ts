/** What the end-to-end tests do on the demo page more than once. */
import type { Page } from 'playwright-core';

/** Draws a "1": one vertical stroke down the middle of the pad. */
export async function drawOne(page: Page): Promise<void> {
  const pad = page.locator('[data-testid=pad]');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.18);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.48, box.y + box.height * 0.82, { steps: 12 });
  await page.mouse.up();
}
