// Steps a learner takes, shared by the browser tests.
import type { Page } from 'playwright-core';

export interface UiAnswers {
  education: string;
  programming: string;
  robotics: 'Yes' | 'No';
  aiMl: string;
  goals: string[];
  language: 'English' | 'اردو (Urdu)';
}

export const BEGINNER: UiAnswers = {
  education: 'Undergraduate',
  programming: 'Beginner',
  robotics: 'No',
  aiMl: 'Basic',
  goals: ['Building projects'],
  language: 'English',
};

async function waitForStep(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (step) => document.querySelector('[data-testid="onboarding-step"]')?.getAttribute('data-step') === String(step),
    n,
  );
}

/** A first visit: the app sends the visitor to /onboarding; answer the six questions by mouse. */
export async function onboard(page: Page, answers: UiAnswers = BEGINNER): Promise<void> {
  await page.goto('/');
  await page.waitForURL('**/onboarding');
  const step = page.getByTestId('onboarding-step');
  const singles = [answers.education, answers.programming, answers.robotics, answers.aiMl];
  for (const [i, label] of singles.entries()) {
    await waitForStep(page, i + 1);
    await step.getByLabel(label, { exact: true }).check();
    await page.getByTestId('onboarding-next').click();
  }
  await waitForStep(page, 5);
  for (const goal of answers.goals) await step.getByLabel(goal, { exact: true }).check();
  await page.getByTestId('onboarding-next').click();
  await waitForStep(page, 6);
  await step.getByLabel(answers.language, { exact: true }).check();
  await page.getByTestId('onboarding-complete').click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByTestId('home-welcome').waitFor();
}
