// Search end to end, keyboard only: Ctrl+K opens the pop-up → typing shows
// results live → ↓ and Enter open the lesson at the section with the words
// marked; a query the book does not cover says so; recent searches are
// offered again; the full search page still works; the pop-up on a phone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

const QUERY = 'complementary filter gyroscope drift';

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

/** Waits until the element's box is inside the viewport (below the sticky header). */
async function inView(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => {
    const box = document.querySelector(s)?.getBoundingClientRect();
    return !!box && box.top >= 0 && box.bottom <= window.innerHeight;
  }, selector);
}

void describe('search', () => {
  void it('Ctrl+K opens the pop-up; results come as you type; ↓ Enter opens the section with the words marked', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      // The pointer rests in a corner, away from the results: a result appearing under a resting
      // pointer gets a mousemove from the browser, which (rightly) marks it, and ↓ would then start there.
      await page.mouse.move(1, 1);
      await page.keyboard.press('Control+K');
      const dialog = page.getByRole('dialog', { name: 'Search the book' });
      await dialog.waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'search-dialog-input');
      assert.equal(await dialog.getAttribute('aria-modal'), 'true');

      // Typing alone (no Enter) shows the results. On a slow machine a pause mid-word
      // searches a prefix first: wait for the whole query's answer before using the list.
      const whole = page.waitForResponse(
        (r) => r.url().endsWith('/api/search') && (r.request().postDataJSON() as { query?: string } | null)?.query === QUERY,
      );
      await page.keyboard.type(QUERY);
      await whole;
      const results = dialog.getByTestId('search-dialog-result');
      await results.first().waitFor();
      assert.match(await results.first().innerHTML(), /<mark>/i, 'matched words are highlighted in the snippet');
      const slug = await results.first().getAttribute('data-slug');
      const anchor = (await results.first().getAttribute('data-anchor')) ?? '';
      assert.ok(slug, 'a result names its lesson');

      // Focus stays in the pop-up (trapped) while tabbing.
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab');
        assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]')), 'focus stays in the pop-up');
      }
      await page.getByTestId('search-dialog-input').focus();

      await page.keyboard.press('ArrowDown');
      // The key is handled at once; the page shows it on its next render.
      await dialog.locator('[data-testid="search-dialog-result"][aria-selected="true"]').waitFor();
      assert.equal(await results.first().getAttribute('aria-selected'), 'true');
      assert.equal(
        await page.getByTestId('search-dialog-input').getAttribute('aria-activedescendant'),
        await results.first().getAttribute('id'),
      );
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === `/lessons/${slug}` && url.searchParams.get('highlight') === QUERY && url.hash === (anchor ? `#${anchor}` : ''));
      await dialog.waitFor({ state: 'detached' });
      const body = page.getByTestId('lesson-body');
      await body.locator('mark.search-hit').first().waitFor();
      const marked = await body.locator('mark.search-hit').allInnerTexts();
      assert.ok(
        marked.every((word) => /^(complementary|filter|gyroscope|drift)/i.test(word)),
        `only the search's words are marked (${marked.join(', ')})`,
      );
      await inView(page, '[data-testid="lesson-body"] mark.search-hit');
      if (anchor) {
        // The marks are in the result's section: after its heading, before the next heading of its level or above.
        const outside = await page.evaluate((id) => {
          const heading = document.getElementById(id);
          if (!heading) return -1;
          const level = Number(heading.tagName[1]);
          const headings = Array.from(document.querySelectorAll('[data-testid="lesson-body"] :is(h1,h2,h3,h4,h5,h6)'));
          const next = headings.slice(headings.indexOf(heading) + 1).find((h) => Number(h.tagName[1]) <= level);
          return Array.from(document.querySelectorAll('[data-testid="lesson-body"] mark.search-hit')).filter(
            (m) => !(heading.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING) || (next && !(next.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_PRECEDING)),
          ).length;
        }, anchor);
        assert.equal(outside, 0, 'every mark is in the section');
      }

      // The search is offered again, as a recent one.
      await page.keyboard.press('Control+K');
      await dialog.waitFor();
      const recent = dialog.getByTestId('search-dialog-recent-item');
      await recent.first().waitFor();
      assert.equal((await recent.first().innerText()).trim(), QUERY);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('says when nothing matches; Escape closes and focus returns; Enter with nothing marked opens the search page', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.getByTestId('search-box').click();
      const dialog = page.getByRole('dialog', { name: 'Search the book' });
      await dialog.waitFor();
      await page.keyboard.type('xyzzy plugh');
      const empty = dialog.getByTestId('search-dialog-empty');
      await empty.waitFor();
      assert.match(await empty.innerText(), /No section of the book matches “xyzzy plugh”/);
      assert.equal(await dialog.getByTestId('search-dialog-result').count(), 0);

      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'search-box');

      await page.keyboard.press('Control+K');
      await dialog.waitFor();
      await page.keyboard.type(QUERY);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/search?q=*');
      assert.equal(new URL(page.url()).searchParams.get('q'), QUERY);
      await page.getByTestId('search-result').first().waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('on a phone: the magnifier opens the pop-up, which fits the screen', async () => {
    const context = await browser.newContext({ baseURL: lectern.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await page.goto('/book');
      await page.getByTestId('book-tree').waitFor();
      const button = page.getByTestId('search-box');
      const header = await page.locator('.site-header').boundingBox();
      assert.ok(header && header.height <= 64, `the header stays one row (${header?.height} px)`);
      await button.tap();
      const dialog = page.getByRole('dialog', { name: 'Search the book' });
      await dialog.waitFor();
      await page.getByTestId('search-dialog-input').fill('sensor fusion');
      await dialog.getByTestId('search-dialog-result').first().waitFor();
      const box = await page.locator('lx-search-dialog').boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the pop-up fits the screen (${box?.x}, ${box?.width})`);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
    } finally {
      await context.close();
    }
  });
});
