// The book and the lesson reader: Book → lesson → highlighted code → next
// lesson; and a hostile lesson renders inert.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { ROOT, startLectern, type RunningLectern } from './support/server.ts';

const HOSTILE = `---
title: A Hostile Lesson
---
This lesson tries to run code in the reader's browser.

## Attempts

<script>window.__pwned = 'script'; alert('script')</script>

<img src="x" onerror="window.__pwned = 'onerror'; alert('onerror')">

<iframe src="javascript:alert('iframe')"></iframe>

<a href="javascript:window.__pwned = 'link'" id="raw-link">raw link</a> and [a markdown link](javascript:window.__pwned='md') and
<div onclick="window.__pwned = 'click'" id="clicky">click me</div>

<style>body { display: none }</style>

\`\`\`html
<script>this is code, shown as text</script>
\`\`\`
`;

/** A copy of the sample book with one more lesson, written to attack the reader. */
function bookWithHostileLesson(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-e2e-book-'));
  cpSync(join(ROOT, 'content'), dir, { recursive: true });
  writeFileSync(join(dir, 'hostile.md'), HOSTILE);
  const manifest = join(dir, 'book.yaml');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8').replace(
      '          - { slug: lab-try-with-ai,',
      '          - { slug: a-hostile-lesson, file: hostile.md, goals: [hobby] }\n          - { slug: lab-try-with-ai,',
    ),
  );
  return dir;
}

let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  lectern = await startLectern('reader', { book: bookWithHostileLesson() });
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
});

void describe('the reader', () => {
  void it('opens Book → a lesson with highlighted code → the next lesson', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.getByTestId('nav-book').click();
      await page.waitForURL('**/book');
      await page.getByTestId('book-tree').waitFor();
      assert.equal(await page.getByTestId('book-part').count(), 6);
      const tree = await page.getByTestId('book-tree').innerText();
      assert.match(tree, /Physical AI Foundations/);
      assert.match(tree, /Conceptual foundations/, 'layer labels are shown');

      const lesson = page.locator('[data-testid="book-lesson"][data-slug="how-robots-sense"]');
      if (!(await lesson.isVisible()))
        await page
          .locator('[data-testid="book-chapter"][data-chapter="2"] summary, [data-testid="book-chapter"][data-chapter="2"] button')
          .first()
          .click();
      await lesson.locator('a').first().click();
      await page.waitForURL('**/lessons/how-robots-sense');
      assert.equal((await page.getByTestId('lesson-title').innerText()).trim(), 'How Robots Sense');
      const body = page.getByTestId('lesson-body');
      await body.locator('pre code').first().waitFor();
      await page.waitForFunction(
        () => !!document.querySelector('[data-testid="lesson-body"] pre code [class^="hljs-"], [data-testid="lesson-body"] pre code.hljs'),
      );
      assert.ok((await body.locator('h2').count()) >= 3, 'sections are rendered as headings');
      assert.ok((await page.getByTestId('copy-code').count()) >= 1, 'code blocks have a copy button');

      await page.getByTestId('lesson-next').click();
      await page.waitForURL('**/lessons/actuators-and-movement');
      await page.getByTestId('lesson-title').filter({ hasText: 'Actuators and Movement' }).waitFor();
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();

      // Back to the first lesson: its text, at an immutable content-addressed URL, comes from the browser's cache.
      await page.getByTestId('lesson-prev').click();
      await page.getByTestId('lesson-title').filter({ hasText: 'How Robots Sense' }).waitFor();
      await body.locator('pre code').first().waitFor();
      const reads = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname.startsWith('/api/content/text/'))
          .map((e) => ({ path: new URL(e.name).pathname, transferSize: (e as PerformanceResourceTiming).transferSize })),
      );
      const first = reads.filter((r) => r.path === reads[0]?.path);
      assert.equal(first.length, 2, `the first lesson's text was read twice: ${JSON.stringify(reads)}`);
      assert.ok(first[0].transferSize > 0, 'the first read came from the server');
      assert.equal(first[1].transferSize, 0, 'the second read came from the browser cache, with no request to the server');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('renders a hostile lesson inert: no script runs, no dialog opens', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await onboard(page);
      await page.goto('/lessons/a-hostile-lesson');
      const body = page.getByTestId('lesson-body');
      await body.getByText('This lesson tries to run code').waitFor();
      // The lesson's broken <img> would run an onerror handler once its load fails: wait for every image to settle.
      const imagesSettled = () =>
        body.locator('img').evaluateAll((images) =>
          Promise.all(
            (images as HTMLImageElement[]).map((img) =>
              img.complete
                ? null
                : new Promise((settled) => {
                    img.addEventListener('load', settled, { once: true });
                    img.addEventListener('error', settled, { once: true });
                  }),
            ),
          ),
        );
      await imagesSettled();
      assert.equal(await body.locator('script, iframe, style, object, embed').count(), 0);
      assert.equal(await body.locator('[onerror], [onclick]').count(), 0);
      const hrefs = await body.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
      assert.ok(
        hrefs.every((h) => !/^\s*javascript:/i.test(h)),
        `no javascript: links (${hrefs.join(', ')})`,
      );
      for (const text of ['raw link', 'a markdown link', 'click me']) {
        const target = body.getByText(text, { exact: true });
        if (await target.count())
          await target
            .first()
            .click({ noWaitAfter: true })
            .catch(() => undefined);
      }
      // Not a wait for work: a window in which a hostile handler or javascript: link would have run (a longer one on a
      // slow machine can only make this check stricter), after the page's pending loads and a frame have settled.
      await imagesSettled();
      await page.evaluate(() => new Promise((frame) => requestAnimationFrame(() => setTimeout(frame, 0))));
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
      assert.deepEqual(dialogs, []);
      assert.match(await body.innerText(), /<script>this is code, shown as text<\/script>/, 'code is shown as text');
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).display), 'none');
    } finally {
      await context.close();
    }
  });
});
