// The whole learner journey in one browser test, as a learner goes through it:
// first visit → onboarding → Book → a lesson → Personalized (a rewrite by the
// repo's fake LLM, streamed slowly enough to show progress) → Ctrl+K search →
// a result opens the lesson at its section → Mark as complete → Progress shows
// it and recommends what is next, saying why → Profile: change an answer →
// the same lesson → Personalized writes a new rewrite for the new profile.
// Then Lighthouse's accessibility category on the book and a lesson page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
// Node runs these tests with type stripping, which needs the file path (tsconfig aliases do not apply).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startFakeOpenAI, type FakeOpenAI } from '../../backend/testing/fake-openai/fake-openai-server.ts';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { BEGINNER, onboard } from './support/journey.ts';
import { audit, createLearner, failingAudits, launchAuditChrome, summarize } from './support/lighthouse.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

const LESSON = 'how-robots-sense';
const LESSON_TITLE = 'How Robots Sense';
const QUERY = 'complementary filter gyroscope drift';

let fake: FakeOpenAI;
let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  fake = await startFakeOpenAI({ behaviour: { kind: 'slow-stream', chunkDelayMs: 10 } });
  lectern = await startLectern('journey', { worker: true, env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'e2e' } });
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
  await fake?.close();
});

/** From the book tree, opens the lesson (expanding its chapter if it is folded). */
async function openFromBook(page: Page, slug: string): Promise<void> {
  await page.getByTestId('nav-book').click();
  await page.waitForURL('**/book');
  await page.getByTestId('book-tree').waitFor();
  const lesson = page.locator(`[data-testid="book-lesson"][data-slug="${slug}"]`);
  if (!(await lesson.isVisible())) {
    const chapter = page.locator('[data-testid="book-chapter"]').filter({ has: lesson });
    await chapter.locator('summary, button').first().click();
  }
  await lesson.locator('a').first().click();
  await page.waitForURL(`**/lessons/${slug}`);
}

/** Opens the Personalized tab and waits for its rewrite; returns the rewrite's text. */
async function personalizedRewrite(page: Page, forWhom: RegExp): Promise<string> {
  await page.getByTestId('tab-personalized').click();
  await page.getByTestId('personalized-panel').waitFor();
  assert.equal(await page.getByTestId('tab-personalized').getAttribute('aria-selected'), 'true');
  await page.getByTestId('personalize-for').filter({ hasText: forWhom }).waitFor();
  // A fresh rewrite is written while the learner watches: the progress bar shows first.
  await page.getByTestId('personalize-progress').waitFor({ timeout: 60_000 });
  const rewrite = page.getByTestId('personalized-body');
  await rewrite.waitFor({ timeout: 120_000 });
  await page.getByTestId('personalized-body').filter({ hasText: 'Adapted for you' }).waitFor();
  assert.equal(await page.getByTestId('personalize-cached').count(), 0, 'a rewrite written just now is not marked cached');
  return rewrite.innerText();
}

void describe('the learner journey', () => {
  void it('onboards, reads, personalizes, searches, completes a lesson, sees progress, changes the profile and gets a new rewrite', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      // A new visitor is sent to onboarding and answers the six questions.
      await onboard(page, BEGINNER);
      await page
        .getByTestId('home-summary')
        .filter({ hasText: /beginner/i })
        .waitFor();
      assert.ok(await page.evaluate(() => localStorage.getItem('lectern.token')), 'the learner is remembered');

      // Book → a lesson.
      await openFromBook(page, LESSON);
      assert.equal((await page.getByTestId('lesson-title').innerText()).trim(), LESSON_TITLE);
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      assert.equal(await page.getByTestId('tab-original').getAttribute('aria-selected'), 'true', 'the original lesson shows first');

      // Personalized: written for this learner, with visible progress.
      const chatBefore = fake.calls.chat;
      const first = await personalizedRewrite(page, /beginner/i);
      assert.match(await page.getByTestId('personalize-for').innerText(), /undergraduate/i);
      assert.equal(fake.calls.chat, chatBefore + 1, 'one LLM call for the rewrite');
      // Back to the original text: the choice of view stays (navigation.e2e covers Personalized staying
      // chosen), so the rest of the journey reads the original.
      await page.getByTestId('tab-original').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-original"]')?.getAttribute('aria-selected') === 'true');

      // Ctrl+K → type → Enter (no result picked in the pop-up) → the search page → open the lesson's result at its section.
      await page.keyboard.press('Control+K');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'search-dialog-input');
      await page.keyboard.type(QUERY);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/search?q=*');
      assert.equal(new URL(page.url()).searchParams.get('q'), QUERY);
      const result = page.locator(`[data-testid="search-result"][data-slug="${LESSON}"]`).first();
      await result.waitFor();
      assert.match(await result.innerHTML(), /<mark>/i, 'matched words are highlighted');
      const anchor = await result.getAttribute('data-anchor');
      assert.ok(anchor, 'the result names its section');
      await result.getByRole('link').click();
      await page.waitForURL((url) => url.pathname === `/lessons/${LESSON}` && url.hash === `#${anchor}` && url.searchParams.get('highlight') === QUERY);
      await page.getByTestId('lesson-title').filter({ hasText: LESSON_TITLE }).waitFor();
      await page.getByTestId('lesson-body').locator(`[id="${anchor}"]`).waitFor();
      await page.waitForFunction((id) => {
        const box = document.getElementById(id)?.getBoundingClientRect();
        return !!box && box.top >= -5 && box.top < window.innerHeight;
      }, anchor);

      // Mark as complete.
      await page.getByTestId('lesson-complete').click();
      await page.getByTestId('lesson-completed').waitFor();
      assert.equal(await page.getByTestId('lesson-status').getAttribute('data-status'), 'completed');

      // Progress: the lesson counts as done; recommendations say why, and skip it.
      await page.getByTestId('nav-progress').click();
      await page.waitForURL('**/progress');
      await page.getByTestId('progress-parts').waitFor();
      assert.match(await page.getByTestId('progress-done').innerText(), /^1 of \d+/);
      const partOne = page.locator('[data-testid="part-progress"][data-part="1"] td');
      assert.equal((await partOne.first().innerText()).trim(), '1', 'Part 1 has one lesson done');
      const recommendations = page.getByTestId('recommendation');
      await recommendations.first().waitFor();
      const slugs = await recommendations.evaluateAll((items) => items.map((i) => i.getAttribute('data-slug')));
      assert.ok(slugs.length > 0, 'something is recommended');
      assert.ok(!slugs.includes(LESSON), 'a completed lesson is not recommended');
      for (const item of await recommendations.all()) {
        const reasons = await item.getByTestId('recommendation-reason').allInnerTexts();
        assert.ok(reasons.length > 0 && reasons.every((r) => r.trim().length > 0), `${await item.getAttribute('data-slug')} says why`);
      }

      // Profile: change an answer and save.
      await page.getByTestId('nav-profile').click();
      await page.waitForURL('**/profile');
      const form = page.getByTestId('profile-form');
      await form.waitFor();
      await form.locator('fieldset[data-field="programmingExperience"]').getByLabel('Advanced', { exact: true }).check();
      await page.getByTestId('profile-save').click();
      await page.getByTestId('profile-status').filter({ hasText: /saved/i }).waitFor();

      // Back to the same lesson (it has its check mark in the book now): a new rewrite for the new profile.
      await page.getByTestId('nav-book').click();
      await page.locator(`[data-testid="book-lesson"][data-slug="${LESSON}"] [data-testid="lesson-check"]`).waitFor();
      await openFromBook(page, LESSON);
      await page.getByTestId('lesson-completed').waitFor();
      const second = await personalizedRewrite(page, /advanced/i);
      assert.notEqual(second, first, 'the new profile gets its own rewrite');
      assert.equal(fake.calls.chat, chatBefore + 2, 'exactly one more LLM call');

      assert.deepEqual(errors, [], 'no errors in the browser console');
    } finally {
      await context.close();
    }
  });
});

void describe('accessibility (Lighthouse)', () => {
  void it('scores 100, with no audit failing (not even those of weight 0), on the book page and a lesson page', async () => {
    const chrome = await launchAuditChrome();
    try {
      const learner = await createLearner(lectern.baseUrl);
      const report: string[] = [];
      for (const path of ['/book', `/lessons/${LESSON}`]) {
        await chrome.prepare(lectern.baseUrl, learner);
        const lhr = await audit(chrome.port, `${lectern.baseUrl}${path}`, { categories: ['accessibility'] });
        const { finalUrl, scores } = summarize(lhr);
        assert.equal(new URL(finalUrl).pathname, path, `${path} was audited as a recognised learner (not redirected)`);
        assert.notEqual(lhr.audits['heading-order']?.scoreDisplayMode, 'notApplicable', `${path} had rendered its content`);
        const score = scores.accessibility ?? 0;
        // Weight-0 audits do not move the score but are real failures (the header's link once had a name that did not contain its visible text).
        const failing = failingAudits(lhr, 'accessibility');
        if (score < 1 || failing.length > 0) report.push(`${path}: accessibility ${score}\n${failing.join('\n')}`);
      }
      assert.deepEqual(report, [], report.join('\n'));
    } finally {
      await chrome.stop();
    }
  });
});
