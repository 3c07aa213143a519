// Every error state of the lesson page is written for a learner: what
// happened and what they can do, never an environment variable, a README, a
// job's raw failure reason or a stack trace (those go to the server's logs).
// The server's answers are replaced (page.route) with the operator-flavoured
// ones a misconfigured or failing server gives, to make each state appear.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

const LESSON = 'the-embodiment-hypothesis';
const OPERATOR_TEXT = [
  /OPENAI_[A-Z_]+/,
  /[A-Z][A-Z0-9]*_[A-Z0-9_]+=?/, // any environment variable name
  /README/i,
  /\bat [\w.<>]+ \(.*:\d+:\d+\)/, // a stack frame
  /Error:/,
  /fidelity/i,
  /ECONNREFUSED|Redis|PostgreSQL|BullMQ/i,
];

let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  // No LLM configured: the real server answers 503 to a personalization request.
  lectern = await startLectern('learner-errors');
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
});

function json(status: number, body: unknown) {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

async function assertLearnerWords(page: Page, what: string): Promise<string> {
  const text = await page.locator('main').innerText();
  for (const pattern of OPERATOR_TEXT) assert.doesNotMatch(text, pattern, `${what}: "${text.match(pattern)?.[0]}" is not for learners`);
  return text;
}

void describe('learner-facing errors on the lesson page', () => {
  void it('no LLM configured (503 from the real server): a plain sentence, no configuration advice', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.goto(`/lessons/${LESSON}?view=personalized`);
      await page.getByTestId('personalize-error').waitFor();
      const text = await assertLearnerWords(page, '503');
      assert.match(text, /not available right now/i);
    } finally {
      await context.close();
    }
  });

  void it('a job that failed with an operator reason, over the stream and over polling', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      const reason =
        'Error: The rewrite failed the fidelity check twice: code block 1 missing\n    at PersonalizeHandler.rewrite (/app/dist/main.js:1:2345)';
      await page.route('**/api/personalize', (route) =>
        route.fulfill(json(202, { status: 'queued', jobId: 'rewrite-x', statusUrl: '/api/personalize/jobs/rewrite-x' })),
      );
      // The stream is unavailable (a proxy that breaks it): the page falls back to polling.
      await page.route('**/api/personalize/jobs/rewrite-x/stream', (route) => route.fulfill({ status: 502, body: 'Bad Gateway' }));
      await page.route('**/api/personalize/jobs/rewrite-x', (route) =>
        route.fulfill(
          json(200, {
            jobId: 'rewrite-x',
            state: 'failed',
            progress: 40,
            attemptsMade: 3,
            failedReason: reason,
            enqueuedAt: null,
            startedAt: null,
            finishedAt: null,
            result: null,
          }),
        ),
      );
      await page.goto(`/lessons/${LESSON}?view=personalized`);
      await page.getByTestId('personalize-error').waitFor();
      await page.getByTestId('personalize-original').waitFor();
      await assertLearnerWords(page, 'failed job (polling)');

      // Over the stream: `failed` with whatever reason, the page says its own words.
      await page.unroute('**/api/personalize/jobs/rewrite-x/stream');
      await page.route('**/api/personalize/jobs/rewrite-x/stream', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/event-stream',
          body: `event: delta\ndata: {"text":"Draft text"}\n\nevent: failed\ndata: ${JSON.stringify({ reason })}\n\n`,
        }),
      );
      await page.getByTestId('personalize-retry').click();
      await page.getByTestId('personalize-error').waitFor();
      await assertLearnerWords(page, 'failed job (stream)');
    } finally {
      await context.close();
    }
  });

  void it('rate limits, the daily budget, a server error and an unknown lesson', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      const answers = [
        json(429, {
          statusCode: 429,
          error: 'Too Many Requests',
          code: 'rate_limited',
          message: 'Too many: PERSONALIZE_RATE_PER_MINUTE=5',
        }),
        json(429, {
          statusCode: 429,
          error: 'Too Many Requests',
          code: 'daily_budget_exhausted',
          message: 'LLM_DAILY_TOKEN_BUDGET used up',
        }),
        json(500, { statusCode: 500, error: 'Internal Server Error', message: 'QueryFailedError: relation "x" does not exist' }),
      ];
      for (const [i, answer] of answers.entries()) {
        await page.route('**/api/personalize', (route) => route.fulfill(answer));
        await page.goto(`/lessons/${LESSON}?view=personalized`);
        await page.getByTestId('personalize-error').waitFor();
        await assertLearnerWords(page, `personalize answer ${i}`);
        await page.unroute('**/api/personalize');
      }

      // The app reads a lesson's text at its content-addressed URL (the lesson's contentUrl).
      await page.route('**/api/content/text/*.md', (route) =>
        route.fulfill({ status: 500, body: 'Error: ENOENT content-store' }),
      );
      // The server renders a lesson's first load with its text; a lesson opened within the app reads it over HTTP.
      // The link is clicked once the app runs (the book reads progress in the browser only): a click on the
      // server's page before hydration would be a full page load, rendered with its text by the server.
      const hydrated = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/progress' && r.request().method() === 'GET');
      await page.goto('/book');
      await hydrated;
      await page.locator(`a[href="/lessons/${LESSON}"]`).first().click();
      await page.getByTestId('lesson-body-error').waitFor();
      await assertLearnerWords(page, 'lesson text');
      await page.unroute('**/api/content/text/*.md');

      await page.goto('/lessons/no-such-lesson');
      await page.getByTestId('lesson-error').waitFor();
      await assertLearnerWords(page, 'unknown lesson');
    } finally {
      await context.close();
    }
  });

  void it('a visitor sent to the questions from a lesson comes back to it', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      await page.goto(`/lessons/${LESSON}?view=personalized`);
      await page.getByTestId('personalize-onboard').click();
      await page.waitForURL('**/onboarding?**');
      const step = page.getByTestId('onboarding-step');
      for (const label of ['Undergraduate', 'Beginner', 'No', 'Basic']) {
        await step.getByLabel(label, { exact: true }).check();
        await page.getByTestId('onboarding-next').click();
      }
      await step.getByLabel('Hobby', { exact: true }).check();
      await page.getByTestId('onboarding-next').click();
      await step.getByLabel('English', { exact: true }).check();
      await page.getByTestId('onboarding-complete').click();
      await page.waitForURL((url) => url.pathname === `/lessons/${LESSON}`);
      assert.match(page.url(), /view=personalized/);
      await assertLearnerWords(page, 'back on the lesson');
    } finally {
      await context.close();
    }
  });
});
