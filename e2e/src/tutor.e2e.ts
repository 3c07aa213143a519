// The tutor end to end: a real worker, the repo's fake LLM answering tutor prompts.
// Select text in a lesson → Explain → the answer streams into the panel with
// citations → a citation opens the cited section; an Urdu learner gets a
// right-to-left answer whose code stays left-to-right.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
// Node runs these tests with type stripping, which needs the file path (tsconfig aliases do not apply).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startFakeOpenAI, type FakeOpenAI } from '../../backend/testing/fake-openai/fake-openai-server.ts';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { fakeTutorResponder } from '../../backend/testing/fake-openai/tutor.ts';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { BEGINNER, onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

let fake: FakeOpenAI;
let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  fake = await startFakeOpenAI({ behaviour: { kind: 'slow-stream', chunkDelayMs: 120 }, chatResponder: fakeTutorResponder });
  lectern = await startLectern('tutor', { worker: true, env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'e2e' } });
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
  await fake?.close();
});

void describe('the tutor', () => {
  void it('explains a selection: the answer streams in the panel with citations, and a citation opens the cited section', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.goto('/lessons/nodes-topics-services-actions');
      const body = page.getByTestId('lesson-body');
      await body.locator('h2').first().waitFor();

      // Select the first paragraph of "Services: request and response" with the mouse.
      const paragraph = body.locator('h2#services-request-and-response + p');
      await paragraph.scrollIntoViewIfNeeded();
      const box = await paragraph.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + 2, box.y + 4);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 4, box.y + box.height - 4, { steps: 8 });
      await page.mouse.up();
      await page.getByTestId('selection-menu').waitFor();
      await page.getByTestId('selection-explain').click();

      const panel = page.getByTestId('tutor-panel');
      await panel.waitFor();
      // The answer streams: words appear before it is finished.
      await page.waitForFunction(() => (document.querySelector('[data-testid="tutor-streaming"]')?.textContent ?? '').trim().length > 10);
      const answer = panel.getByTestId('tutor-answer').last();
      await panel.locator('[data-testid="tutor-answer"][data-status="completed"]').waitFor({ timeout: 60_000 });
      assert.match(await answer.innerText(), /\[1\]/);
      const citations = answer.getByTestId('tutor-citation');
      assert.ok((await citations.count()) >= 1);
      const first = citations.first();
      assert.equal(await first.getAttribute('data-lesson'), 'nodes-topics-services-actions');
      assert.equal(await first.getAttribute('data-anchor'), 'services-request-and-response');
      assert.match((await panel.getByTestId('tutor-status').textContent()) ?? '', /^Answer ready/);

      await first.click();
      await page.waitForURL((url) => url.pathname === '/lessons/nodes-topics-services-actions' && url.hash === '#services-request-and-response');
      await page.locator('#services-request-and-response').waitFor();

      // The panel stays open beside the cited section; Esc closes it, and the thread is kept in the list.
      await panel.waitFor();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      await page.getByTestId('ask-button').first().click();
      await page.getByTestId('tutor-threads').click();
      await page.getByTestId('tutor-thread-list').getByText('Explain this.').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('an Urdu learner gets a right-to-left answer with code left-to-right', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page, { ...BEGINNER, language: 'اردو (Urdu)' });
      await page.goto('/lessons/your-first-ros2-python-package');
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      await page.getByRole('button', { name: 'Ask about this lesson' }).click();
      const panel = page.getByTestId('tutor-panel');
      await panel.getByTestId('tutor-input').fill('Show the code to create a workspace package');
      await panel.getByTestId('tutor-send').click();
      const done = panel.locator('[data-testid="tutor-answer"][data-status="completed"]');
      await done.waitFor({ timeout: 60_000 });
      assert.equal(await done.getAttribute('dir'), 'rtl');
      assert.match(await done.innerText(), /کتاب کے مطابق/);
      const code = done.locator('pre').first();
      await code.waitFor();
      assert.equal(await code.evaluate((el) => getComputedStyle(el).direction), 'ltr');
      assert.match(await code.innerText(), /ros2 pkg create/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
