// A Docusaurus book imported as its authors built it (issue 10): the MDX page
// renders real tabs, details, admonitions, code titles and highlighted lines,
// directive tabs, and a labelled placeholder for an unknown component that
// never shows its props; images come from the asset store.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { ROOT, startLectern, type RunningLectern } from './support/server.ts';

const RULES_BOOK = join(ROOT, 'libs/importer/test-fixtures/dz-rules');

let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  lectern = await startLectern('docusaurus', { book: RULES_BOOK });
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
});

void describe('an imported Docusaurus book', () => {
  void it('renders the MDX page: tabs, details, admonition, code title and highlights, directive tabs, placeholder without props', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.goto('/lessons/motors');
      await page.getByTestId('lesson-title').filter({ hasText: 'Motors' }).waitFor();
      const body = page.getByTestId('lesson-body');
      await body.locator('.lx-tabs').first().waitFor();

      // <Tabs>/<TabItem>: a tab list; the first panel shown, the second hidden until its tab is clicked.
      const tabs = body.locator('.lx-tabs').first();
      assert.deepEqual(await tabs.getByRole('tab').allInnerTexts(), ['Python', 'C++']);
      const cpp = tabs.getByRole('tabpanel', { includeHidden: true }).nth(1);
      assert.equal(await cpp.isVisible(), false);
      assert.equal(await tabs.locator('.code-title').innerText(), 'spin.py');
      assert.equal(await tabs.locator('.code-line.highlighted').count(), 2, 'line {1} and the highlight-next-line line');
      assert.doesNotMatch(await tabs.locator('pre').innerText(), /highlight-next-line/);
      await tabs.getByRole('tab', { name: 'C++' }).click();
      assert.equal(await cpp.isVisible(), true);
      assert.match(await cpp.innerText(), /Use spin\(\)\./);
      assert.equal(await tabs.getByRole('tabpanel', { includeHidden: true }).first().isVisible(), false);

      // <details>, <Admonition>, the ::::os-tabs directive.
      assert.equal((await body.locator('details summary').innerText()).trim(), 'Why two motors?');
      assert.match(await body.locator('aside.admonition-tip').innerText(), /Careful[\s\S]*Batteries get hot\./);
      const install = body.locator('.lx-tabs').nth(1);
      assert.equal(await install.locator('.lx-tabs-label').innerText(), 'Install');
      assert.deepEqual(await install.getByRole('tab').allInnerTexts(), ['Linux', 'macOS']);

      // <Quiz questions={[…]}>: a visible, labelled placeholder with its text, never the answers.
      const quiz = body.locator('[data-lx="component"][data-name="Quiz"]').first();
      assert.equal(await quiz.isVisible(), true);
      assert.match(await quiz.innerText(), /^Quiz[\s\S]*Check yourself/);
      const label = await quiz.locator('[data-lx="component-name"]').evaluate((el) => getComputedStyle(el, '::before').content);
      assert.match(label, /Interactive component not available here/);
      assert.doesNotMatch(await body.innerText(), /THE-SECRET-ANSWER/);
      assert.doesNotMatch(await page.content(), /THE-SECRET-ANSWER/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('shows images from static/ and beside the lesson, from the asset store; the book shows groups and no layer badges', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.goto('/lessons/lidar');
      const body = page.getByTestId('lesson-body');
      for (const alt of ['Logo', 'Beam']) {
        const image = body.getByRole('img', { name: alt });
        await image.waitFor();
        assert.match((await image.getAttribute('src')) ?? '', /^\/api\/content\/assets\/[0-9a-f]{64}\.(svg|gif)$/);
        await page.waitForFunction((name) => {
          const img = [...document.querySelectorAll<HTMLImageElement>('[data-testid="lesson-body"] img')].find((i) => i.alt === name);
          return !!img && img.complete && img.naturalWidth > 0;
        }, alt);
      }
      await page.goto('/book');
      await page.getByTestId('book-tree').waitFor();
      assert.deepEqual(await page.getByTestId('book-group').allInnerTexts(), ['Going deeper', 'Level four', 'level5']);
      assert.equal(await page.getByTestId('layer-badge').count(), 0);
      assert.equal(await page.getByTestId('chapter-overview').filter({ hasText: 'Sensors' }).count(), 1);
    } finally {
      await context.close();
    }
  });
});
