// Search end to end, keyboard only: Ctrl+K → type → results → Enter → the
// lesson opens at the section.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  lectern = await startLectern('search');
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
});

void describe('search', () => {
  void it('Ctrl+K → type → results → Enter opens the lesson at the section', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.keyboard.press('Control+K');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-box');
      await page.keyboard.type('complementary filter gyroscope drift');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/search?q=*');
      const results = page.getByTestId('search-result');
      await results.first().waitFor();
      const first = results.first();
      const slug = await first.getAttribute('data-slug');
      const anchor = (await first.getAttribute('data-anchor')) ?? '';
      assert.ok(slug, 'a result names its lesson');
      assert.match(await first.innerHTML(), /<mark>/i, 'matched words are highlighted');

      await page.getByTestId('search-input').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/lessons/${slug}${anchor ? `#${anchor}` : ''}`);
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      if (anchor) {
        const heading = page.getByTestId('lesson-body').locator(`[id="${anchor}"]`);
        await heading.waitFor();
        await page.waitForFunction((id) => {
          const el = document.getElementById(id);
          if (!el) return false;
          const box = el.getBoundingClientRect();
          return box.top >= -5 && box.top < window.innerHeight;
        }, anchor);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
