// Progress end to end: open a lesson at a section, mark another complete →
// check mark in the book tree → the Progress page shows it and recommends
// what is next → the Continue card returns to the right lesson and section.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
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

void describe('reading progress', () => {
  void it('marks a lesson complete, shows it in the book and on the Progress page, and continues where the learner left off', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      const meta = (await (await fetch(`${lectern.baseUrl}/api/content/lessons/the-embodiment-hypothesis`)).json()) as {
        headings: Array<{ id: string; level: number }>;
      };
      const section = meta.headings.filter((h) => h.level === 2)[1].id;

      // Reading a lesson at a section starts it there.
      await page.goto(`/lessons/the-embodiment-hypothesis#${section}`);
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      await page
        .getByTestId('lesson-status')
        .filter({ hasText: /in progress/i })
        .waitFor();

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

      await page.getByTestId('nav-home').click();
      await page.getByTestId('continue-card').waitFor();
      await page.getByTestId('continue-link').click();
      await page.waitForURL(`**/lessons/the-embodiment-hypothesis#${section}`);
      await page.getByTestId('lesson-body').locator(`[id="${section}"]`).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
