// The Personalized tab end to end: a real worker, the repo's fake LLM.
// onboard → lesson → Personalized → progress → rewrite; reload → instant from
// the cache; profile change → a new rewrite.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
// Node runs these tests with type stripping, which needs the file path (tsconfig aliases do not apply).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startFakeOpenAI, type FakeOpenAI } from '../../backend/testing/fake-openai/fake-openai-server.ts';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

let fake: FakeOpenAI;
let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  fake = await startFakeOpenAI({ behaviour: { kind: 'slow-stream', chunkDelayMs: 25 } });
  lectern = await startLectern('personalize', { worker: true, env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'e2e' } });
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
  await fake?.close();
});

async function openPersonalized(page: Page): Promise<void> {
  await page.getByTestId('tab-personalized').click();
  await page.getByTestId('personalized-panel').waitFor();
}

void describe('the Personalized tab', () => {
  void it('writes a rewrite with visible progress, serves it from the cache after a reload, and rewrites after a profile change', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.goto('/lessons/the-embodiment-hypothesis');
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();

      await openPersonalized(page);
      const forLine = await page.getByTestId('personalize-for').innerText();
      assert.match(forLine, /undergraduate/i);
      assert.match(forLine, /beginner/i);
      await page.getByTestId('personalize-progress').waitFor({ timeout: 60_000 });
      const rewrite = page.getByTestId('personalized-body');
      await rewrite.waitFor({ timeout: 120_000 });
      assert.match(await rewrite.innerText(), /Adapted for you/);
      const first = await rewrite.innerText();
      assert.equal(fake.calls.chat, 1);

      // The Original tab stays available and instant.
      await page.getByTestId('tab-original').click();
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();

      await page.reload();
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      await openPersonalized(page);
      await page.getByTestId('personalize-cached').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('personalized-body').innerText(), first);
      assert.equal(fake.calls.chat, 1, 'a cached rewrite costs no LLM call');

      await page.getByTestId('nav-profile').click();
      const form = page.getByTestId('profile-form');
      await form.waitFor();
      await form.locator('fieldset[data-field="programmingExperience"]').getByLabel('Advanced', { exact: true }).check();
      await page.getByTestId('profile-save').click();
      await page.getByTestId('profile-status').filter({ hasText: /saved/i }).waitFor();

      await page.goto('/lessons/the-embodiment-hypothesis');
      await openPersonalized(page);
      assert.match(await page.getByTestId('personalize-for').innerText(), /advanced/i);
      const second = page.getByTestId('personalized-body');
      await second.waitFor({ timeout: 120_000 });
      assert.notEqual(await second.innerText(), first, 'the new profile gets its own rewrite');
      assert.equal(fake.calls.chat, 2);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
