// Accounts end to end: sign up from the profile page (the anonymous reader
// becomes the account), sign out, sign in again and continue reading where
// the learner left off; then forget the password and reset it through the
// link in the mail a real (loopback) SMTP server received.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

let lectern: RunningLectern;
let browser: Browser;
let smtp: SMTPServer;
const mails: Array<{ to: string; text: string }> = [];
const arrivals = new EventEmitter();

void before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0]?.text : (mail.to?.text ?? '');
          mails.push({ to: to ?? '', text: mail.text ?? '' });
          arrivals.emit('mail');
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
  const address = smtp.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  lectern = await startLectern('accounts', { env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
  await new Promise<void>((done) => (smtp ? smtp.close(() => done()) : done()));
});

const email = `reader-${Date.now()}@example.com`;
const password = 'violet-otter-lantern';

void describe('accounts', () => {
  void it('signs up from the profile page, signs out, signs in and continues where the learner left off', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.goto('/lessons/digital-ai-vs-physical-ai');
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      await page.getByTestId('lesson-complete').click();
      await page.getByTestId('lesson-completed').waitFor();

      await page.getByTestId('nav-profile').click();
      await page.getByTestId('save-progress-link').click();
      await page.getByTestId('sign-up-email').fill(email);
      await page.getByTestId('sign-up-password').fill(password);
      await page.getByTestId('sign-up-password').press('Enter'); // a real form: Enter submits
      await page.getByTestId('account-email').filter({ hasText: email }).waitFor();
      await page.getByTestId('session-indicator').filter({ hasText: email }).waitFor();

      await page.getByTestId('account-sign-out').click();
      await page.getByTestId('session-indicator').filter({ hasText: 'Sign in' }).waitFor();

      await page.getByTestId('session-indicator').click();
      await page.getByTestId('sign-in-email').fill(email.toUpperCase());
      await page.getByTestId('sign-in-password').fill(password);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('session-indicator').filter({ hasText: email }).waitFor();

      await page.getByTestId('nav-book').click();
      await page.locator('[data-testid="book-lesson"][data-slug="digital-ai-vs-physical-ai"] [data-testid="lesson-check"]').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('resets the password through the emailed link', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByTestId('forgot-email').fill(email);
      const arrived = once(arrivals, 'mail');
      await page.getByTestId('forgot-submit').click();
      await page.getByTestId('forgot-sent').waitFor();
      await arrived;
      const mail = mails.find((m) => m.to.includes(email));
      const link = /(http\S+\/reset-password#token=[A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
      assert.ok(link, 'the mail carries a reset link');
      const newPassword = 'a-brand-new-passphrase';
      await page.goto(new URL(new URL(link).pathname + new URL(link).hash, lectern.baseUrl).toString());
      await page.getByTestId('reset-password').fill(newPassword);
      await page.getByTestId('reset-submit').click();
      await page.getByTestId('reset-done').waitFor();

      await page.goto('/sign-in');
      await page.getByTestId('sign-in-email').fill(email);
      await page.getByTestId('sign-in-password').fill(newPassword);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('session-indicator').filter({ hasText: email }).waitFor();
    } finally {
      await context.close();
    }
  });
});
