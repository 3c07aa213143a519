// Progress end to end: open a lesson at a section (not started: opening is
// not reading), scroll on (started, there) → mark another complete → check
// mark in the book tree → the Progress page shows it and recommends what is
// next → Home leads with Continue, which returns to the right lesson and
// section and is not repeated among the recommendations. On a phone, the
// progress table and a lesson's table scroll sideways instead of being cut.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  lectern = await startLectern('progress');
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
});

/** The learner's progress in a lesson, as the API says (with the page's own token). */
async function progressOf(page: Page, slug: string): Promise<string> {
  return page.evaluate(async (lesson) => {
    const token = localStorage.getItem('lectern.token');
    const response = await fetch(`/api/progress/lessons/${lesson}`, { headers: { Authorization: `Bearer ${token}` } });
    return ((await response.json()) as { status: string }).status;
  }, slug);
}

/**
 * A table on a phone: the page itself never scrolls sideways, and a table
 * wider than the screen scrolls in its own box, far enough to show its last
 * column (nothing cut off).
 */
async function assertTableReachable(page: Page, tableSelector: string, wide = false): Promise<void> {
  const facts = await page.evaluate((selector) => {
    const table = document.querySelector<HTMLTableElement>(selector);
    const wrap = table?.parentElement;
    if (!table || !wrap) return null;
    const before = { tableWidth: table.scrollWidth, wrapWidth: wrap.clientWidth, overflowX: getComputedStyle(wrap).overflowX };
    wrap.scrollLeft = wrap.scrollWidth;
    const cells = table.rows[0].cells;
    return {
      ...before,
      viewport: window.innerWidth,
      page: document.documentElement.scrollWidth,
      wrapRight: wrap.getBoundingClientRect().right,
      scrolled: wrap.scrollLeft,
      lastColumnRight: cells[cells.length - 1].getBoundingClientRect().right,
    };
  }, tableSelector);
  assert.ok(facts, `${tableSelector} is on the page`);
  assert.ok(facts.page <= facts.viewport, `the page does not scroll sideways (${facts.page} > ${facts.viewport})`);
  assert.ok(facts.wrapRight <= facts.viewport + 0.5, `the table's box ends on screen (${facts.wrapRight})`);
  if (wide) assert.ok(facts.tableWidth > facts.wrapWidth, `this table is wider than a phone (${facts.tableWidth} ≤ ${facts.wrapWidth})`);
  if (facts.tableWidth > facts.wrapWidth) {
    assert.match(facts.overflowX, /auto|scroll/, 'a wide table scrolls in its own box');
    assert.ok(facts.scrolled > 0, 'and it does scroll');
  }
  assert.ok(facts.lastColumnRight <= facts.viewport + 0.5, `its last column can be brought on screen (${facts.lastColumnRight})`);
}

void describe('reading progress', () => {
  void it('marks a lesson complete, shows it in the book and on the Progress page, and continues where the learner left off', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      const meta = (await (await fetch(`${lectern.baseUrl}/api/content/lessons/the-embodiment-hypothesis`)).json()) as {
        headings: Array<{ id: string; level: number }>;
      };
      const section = meta.headings.filter((h) => h.level === 2)[1].id;

      // Opening a lesson (at a section) is not reading it: not started, for the page and the server.
      await page.goto(`/lessons/the-embodiment-hypothesis#${section}`);
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      await page.locator('[data-testid="lesson-status"][data-status="not_started"]').waitFor();
      assert.equal(await progressOf(page, 'the-embodiment-hypothesis'), 'not_started');

      // Reading on, with the wheel, to the next section: now it is in progress, there.
      const next = await page.evaluate((id) => {
        const headings = Array.from(document.querySelectorAll('[data-testid="lesson-body"] :is(h2, h3)[id]'));
        const after = headings[headings.findIndex((h) => h.id === id) + 1] as HTMLElement | undefined;
        return after ? { id: after.id, distance: after.getBoundingClientRect().top - 60 } : null;
      }, section);
      assert.ok(next, 'the section has one after it');
      await page.mouse.move(640, 450);
      await page.mouse.wheel(0, next.distance);
      await page.locator('[data-testid="lesson-status"][data-status="in_progress"]').waitFor();
      assert.equal(await progressOf(page, 'the-embodiment-hypothesis'), 'in_progress');

      // Another lesson, marked complete.
      await page.goto('/lessons/digital-ai-vs-physical-ai');
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      await page.getByTestId('lesson-complete').click();
      await page.getByTestId('lesson-completed').waitFor();

      await page.getByTestId('nav-book').click();
      await page.getByTestId('book-tree').waitFor();
      await page.locator('[data-testid="book-lesson"][data-slug="digital-ai-vs-physical-ai"] [data-testid="lesson-check"]').waitFor();
      assert.equal(
        await page.locator('[data-testid="book-lesson"][data-slug="the-embodiment-hypothesis"] [data-testid="lesson-check"]').count(),
        0,
      );
      assert.match(await page.getByTestId('chapter-progress').first().innerText(), /1 of 4/);

      await page.getByTestId('nav-progress').click();
      await page.getByTestId('progress-parts').waitFor();
      assert.match(await page.getByTestId('progress-done').innerText(), /\b1\b/);
      const recommendations = page.getByTestId('recommendation');
      await recommendations.first().waitFor();
      const slugs = await recommendations.evaluateAll((items) => items.map((i) => i.getAttribute('data-slug')));
      assert.ok(!slugs.includes('digital-ai-vs-physical-ai'), 'a completed lesson is never recommended');
      assert.equal(slugs[0], 'the-embodiment-hypothesis', 'the lesson in progress comes first');
      assert.ok((await page.getByTestId('recommendation-reason').count()) >= slugs.length, 'every recommendation says why');

      // Home leads with Continue, and does not recommend that lesson again below it.
      await page.getByTestId('nav-home').click();
      await page.getByTestId('continue-card').waitFor();
      await page.getByTestId('home-recommendations').waitFor();
      const order = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.home > .card, .home > section')).map((el) => el.getAttribute('data-testid')),
      );
      assert.equal(order[0], 'continue-card', `Continue comes first (${order.join(', ')})`);
      const homeSlugs = await page.getByTestId('recommendation').evaluateAll((items) => items.map((i) => i.getAttribute('data-slug')));
      assert.ok(homeSlugs.length > 0 && !homeSlugs.includes('the-embodiment-hypothesis'), `not repeated below (${homeSlugs.join(', ')})`);
      await page.getByTestId('continue-link').click();
      await page.waitForURL(`**/lessons/the-embodiment-hypothesis#${next.id}`);
      await page.getByTestId('lesson-body').locator(`[id="${next.id}"]`).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('on a phone (390 px), the progress table and a lesson table scroll sideways instead of being cut off', async () => {
    const context = await browser.newContext({ baseURL: lectern.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await onboard(page);
      await page.goto('/progress');
      await page.getByTestId('progress-parts').waitFor();
      await assertTableReachable(page, '[data-testid="progress-parts"]', true); // five columns: wider than 390 px
      // Each bar is exactly its percentage.
      const bars = await page.getByTestId('part-bar').evaluateAll((rows) =>
        rows.map((row) => ({
          fill: (row.querySelector('[data-testid="part-bar-fill"]') as HTMLElement).getBoundingClientRect().width,
          track: (row.querySelector('[role="img"]') as HTMLElement).getBoundingClientRect().width,
          value: Number.parseFloat(row.querySelector('.bar-value')?.textContent ?? 'NaN'),
        })),
      );
      for (const bar of bars) assert.ok(Math.abs((bar.fill / bar.track) * 100 - bar.value) < 1, `a bar is its percentage (${JSON.stringify(bar)})`);

      await page.goto('/lessons/digital-ai-vs-physical-ai');
      await page.getByTestId('lesson-body').locator('table').first().waitFor();
      await assertTableReachable(page, '[data-testid="lesson-body"] table');
    } finally {
      await context.close();
    }
  });
});
