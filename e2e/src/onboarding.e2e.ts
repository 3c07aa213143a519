// Browser tests of the foundation slice: a first visit, onboarding (by mouse
// and by keyboard alone), being recognised after a reload, and the profile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  lectern = await startLectern('onboarding');
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
});

async function step(page: Page): Promise<number> {
  return Number(await page.getByTestId('onboarding-step').getAttribute('data-step'));
}

async function preferencesOf(page: Page): Promise<Record<string, unknown>> {
  const token = await page.evaluate(() => localStorage.getItem('lectern.token'));
  assert.ok(token, 'the session keeps a token in localStorage');
  const res = await fetch(`${lectern.baseUrl}/api/user/preferences`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

void describe('a new visitor', () => {
  void it('is sent to onboarding, answers the six questions, is recognised after a reload, and changes an answer on the profile', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await page.goto('/');
      await page.waitForURL('**/onboarding');
      await page.getByTestId('onboarding-step').waitFor();
      assert.equal(await step(page), 1);
      await assert.doesNotReject(page.getByText('Step 1 of 6').first().waitFor());
      assert.equal(await page.getByTestId('onboarding-next').isDisabled(), true, 'Next is disabled until answered');

      const choices = ['Graduate', 'Beginner', 'No', 'Basic', 'Research', 'English'];
      for (const [i, label] of choices.entries()) {
        assert.equal(await step(page), i + 1);
        await page.getByTestId('onboarding-step').getByLabel(label, { exact: true }).check();
        if (i === 4) await page.getByTestId('onboarding-step').getByLabel('Building projects', { exact: true }).check();
        if (i < choices.length - 1) {
          await page.getByTestId('onboarding-next').click();
          await page.waitForFunction(
            (n) => document.querySelector('[data-testid="onboarding-step"]')?.getAttribute('data-step') === String(n),
            i + 2,
          );
        }
      }
      await page.getByTestId('onboarding-complete').click();
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByTestId('home-welcome').waitFor();
      // The profile summary arrives after the page: wait for it rather than read too early.
      await page
        .getByTestId('home-summary')
        .filter({ hasText: /graduate/i })
        .waitFor();
      const summary = await page.getByTestId('home-summary').innerText();
      assert.match(summary, /graduate/i);
      assert.match(summary, /beginner/i);

      const stored = await preferencesOf(page);
      assert.deepEqual(
        { ...stored, preferencesHash: undefined, updatedAt: undefined },
        {
          educationLevel: 'graduate',
          programmingExperience: 'beginner',
          roboticsBackground: false,
          aiMlExperience: 'basic',
          learningGoals: ['building_projects', 'research'],
          preferredLanguage: 'en',
          questionnaireVersion: 1,
          preferencesHash: undefined,
          updatedAt: undefined,
        },
      );

      const token = await page.evaluate(() => localStorage.getItem('lectern.token'));
      await page.reload();
      await page.getByTestId('home-welcome').waitFor();
      assert.equal(new URL(page.url()).pathname, '/', 'a reload keeps the learner recognised (no onboarding again)');
      assert.equal(await page.evaluate(() => localStorage.getItem('lectern.token')), token);

      await page.getByTestId('nav-profile').click();
      await page.waitForURL('**/profile');
      const form = page.getByTestId('profile-form');
      await form.waitFor();
      await form.locator('fieldset[data-field="programmingExperience"]').getByLabel('Advanced', { exact: true }).check();
      await page.getByTestId('profile-save').click();
      await page.getByTestId('profile-status').filter({ hasText: /saved/i }).waitFor();
      assert.equal((await preferencesOf(page)).programmingExperience, 'advanced');

      await page.reload();
      await page.getByTestId('profile-form').waitFor();
      assert.equal(
        await page
          .getByTestId('profile-form')
          .locator('fieldset[data-field="programmingExperience"]')
          .getByLabel('Advanced', { exact: true })
          .isChecked(),
        true,
      );
      assert.deepEqual(errors, [], 'no errors in the browser console');
    } finally {
      await context.close();
    }
  });

  void it('can complete onboarding with the keyboard alone', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      await page.goto('/onboarding');
      await page.getByTestId('onboarding-step').waitFor();
      for (let expected = 1; expected <= 6; expected += 1) {
        assert.equal(await step(page), expected);
        // Tab to the first option of the question, select it with Space, go on with Enter.
        for (let tabs = 0; tabs < 30; tabs += 1) {
          const inOption = await page.evaluate(() => {
            const el = document.activeElement as HTMLInputElement | null;
            return !!el && el.tagName === 'INPUT' && !!el.closest('[data-testid="onboarding-step"]');
          });
          if (inOption) break;
          await page.keyboard.press('Tab');
        }
        const checked = await page.evaluate(() => (document.activeElement as HTMLInputElement).checked);
        if (!checked) await page.keyboard.press('Space');
        await page.keyboard.press('Enter');
        if (expected < 6) {
          await page.waitForFunction(
            (n) => document.querySelector('[data-testid="onboarding-step"]')?.getAttribute('data-step') === String(n),
            expected + 1,
          );
        }
      }
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByTestId('home-welcome').waitFor();
      const prefs = await preferencesOf(page);
      assert.equal(prefs.educationLevel, 'high_school');
      assert.equal(prefs.programmingExperience, 'none');
      assert.equal(prefs.roboticsBackground, true);
      assert.deepEqual(prefs.learningGoals, ['career_change']);
    } finally {
      await context.close();
    }
  });
});
