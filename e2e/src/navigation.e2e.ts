// Reading a book: the sidebar, the scroll-spy table of contents, the phone
// header and menu, and the Personalized view that stays chosen (reload, Next,
// table of contents, switching keeps the section) and streams as it is written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
// Node runs these tests with type stripping, which needs the file path (tsconfig aliases do not apply).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startFakeOpenAI, type FakeOpenAI } from '../../backend/testing/fake-openai/fake-openai-server.ts';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

const LESSON = 'the-embodiment-hypothesis';

let fake: FakeOpenAI;
let lectern: RunningLectern;
let browser: Browser;

void before(async () => {
  fake = await startFakeOpenAI({ behaviour: { kind: 'slow-stream', chunkDelayMs: 20 } });
  lectern = await startLectern('navigation', { worker: true, env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'e2e' } });
  browser = await launchBrowser();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
  await fake?.close();
});

/** The top of an element relative to the viewport, or null when it is not displayed. */
async function topOf(page: Page, selector: string): Promise<number | null> {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    if (!el || !(el instanceof HTMLElement) || el.offsetParent === null) return null;
    return el.getBoundingClientRect().top;
  }, selector);
}

/** Scrolls so that the heading is just below the sticky header, like a reader who reached it. */
async function scrollHeadingToTop(page: Page, id: string): Promise<void> {
  await page.evaluate((target) => {
    const el = document.getElementById(target);
    if (!el) throw new Error(`no #${target}`);
    window.scrollBy({ top: el.getBoundingClientRect().top - 100, behavior: 'instant' });
  }, id);
}

/** Resolves after two animation frames: what the page does after a change (layout, resize observers) has run. */
async function frames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

async function currentTocEntry(page: Page): Promise<string | null> {
  return page.evaluate(
    () => document.querySelector('[data-testid="lesson-toc"] a[aria-current="location"]')?.getAttribute('href')?.split('#')[1] ?? null,
  );
}

void describe('book navigation', () => {
  void it('marks the current lesson in the sidebar, and the table of contents follows the section being read', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await page.goto(`/lessons/${LESSON}`);
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      const current = page.locator('[data-testid="lesson-sidebar"] a[aria-current="page"]');
      await current.waitFor();
      assert.equal(await current.getAttribute('data-slug'), LESSON);
      assert.equal(await current.count(), 1, 'one lesson is current');
      // Its chapter is open; the others are collapsed.
      const expanded = page.locator('[data-testid="lesson-sidebar"] button[aria-expanded="true"]');
      assert.equal(await expanded.count(), 1);

      // The breadcrumbs link to the book's part and chapter.
      const crumbs = page.getByTestId('lesson-breadcrumb').locator('a');
      assert.ok((await crumbs.count()) >= 3);
      assert.match((await crumbs.nth(2).getAttribute('href')) ?? '', /^\/book#chapter-\d+$/);

      const ids = await page
        .getByTestId('lesson-body')
        .locator('h2[id]')
        .evaluateAll((hs) => hs.map((h) => h.id));
      assert.ok(ids.length >= 3, 'the lesson has sections');
      const target = ids[2];
      await scrollHeadingToTop(page, target);
      await page.waitForFunction(
        (id) => document.querySelector('[data-testid="lesson-toc"] a[aria-current="location"]')?.getAttribute('href')?.endsWith(`#${id}`),
        target,
      );
      assert.equal(await currentTocEntry(page), target);
      // The table of contents stays on screen while reading (sticky).
      const tocTop = await topOf(page, '[data-testid="lesson-toc"]');
      assert.ok(tocTop !== null && tocTop >= 0 && tocTop < 200, `the table of contents is on screen (top ${tocTop})`);

      // Following a sidebar link marks the new lesson.
      const other = page.locator('[data-testid="lesson-sidebar"] [data-testid="book-nav-lesson"]:not([aria-current])').first();
      const otherSlug = await other.getAttribute('data-slug');
      await other.click();
      await page.waitForURL(`**/lessons/${otherSlug}`);
      await page.locator(`[data-testid="lesson-sidebar"] a[aria-current="page"][data-slug="${otherSlug}"]`).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('on a phone: a one-row header, the title and first paragraph above the fold, a menu that opens and closes with the keyboard', async () => {
    const context = await browser.newContext({
      baseURL: lectern.baseUrl,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    try {
      await page.goto(`/lessons/${LESSON}`);
      const firstParagraph = page.getByTestId('lesson-body').locator('.markdown > p').first();
      await firstParagraph.waitFor();
      const header = await page.locator('.site-header').boundingBox();
      assert.ok(header && header.height <= 64, `the header is one compact row (${header?.height} px)`);
      const title = await page.getByTestId('lesson-title').boundingBox();
      const paragraph = await firstParagraph.boundingBox();
      assert.ok(title && title.y >= 0 && title.y + title.height <= 844, 'the title is on the first screen');
      assert.ok(
        paragraph && paragraph.y + Math.min(paragraph.height, 48) <= 844,
        `the first paragraph starts on the first screen (y ${paragraph?.y})`,
      );
      assert.ok(!(await page.getByTestId('lesson-sidebar').isVisible()), 'no sidebar beside the text on a phone');

      const menu = page.getByTestId('menu-button');
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      await menu.focus();
      await page.keyboard.press('Enter');
      const drawer = page.getByTestId('site-drawer');
      await drawer.waitFor();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await page.waitForFunction(() => document.querySelector('[data-testid="site-drawer"]')?.contains(document.activeElement));
      // The book's contents are in the menu, the current lesson marked.
      assert.equal(await drawer.locator('a[aria-current="page"][data-testid="book-nav-lesson"]').getAttribute('data-slug'), LESSON);
      // Tab stays inside the menu (focus trap).
      for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
      assert.ok(await page.evaluate(() => document.querySelector('[data-testid="site-drawer"]')?.contains(document.activeElement)));
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'menu-button');
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');

      // A link in the menu navigates and closes it.
      await menu.click();
      await drawer.getByRole('link', { name: 'Book', exact: true }).click();
      await page.waitForURL('**/book');
      await drawer.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });
});

void describe('the Personalized view', () => {
  void it('stays chosen: reload, Next, the table of contents; switching keeps the section; the draft streams before the checked text', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      await page.goto(`/lessons/${LESSON}`);
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      const ids = await page
        .getByTestId('lesson-body')
        .locator('h2[id]')
        .evaluateAll((hs) => hs.map((h) => h.id));
      const section = ids[1];

      // Reading the second section in Original, then switching: the same section stays in view.
      await scrollHeadingToTop(page, section);
      const before = await topOf(page, `[id="${section}"]`);
      await page.getByTestId('tab-personalized').click();
      // The draft appears while the rewrite is written, then the checked text replaces it.
      await page.getByTestId('personalized-draft').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('personalized-body').count(), 0, 'the draft shows before the final text');
      await page.getByTestId('personalized-body').waitFor({ timeout: 60_000 });
      assert.equal(await page.getByTestId('personalized-draft').count(), 0, 'the final text replaced the draft');
      // Once the checked text is laid out (two frames: the page's resize observer has run), the section is where it was.
      await frames(page);
      const after = await topOf(page, `[id="personalized-${section}"]`);
      assert.ok(before !== null && after !== null && Math.abs(after - before) < 40, `the section stayed in place (${before} → ${after})`);
      assert.match(page.url(), /[?&]view=personalized/);

      // And back to Original (text already there): the same section, same place; then Personalized again.
      await page.getByTestId('tab-original').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-original"]')?.getAttribute('aria-selected') === 'true');
      await frames(page);
      const back = await topOf(page, `[id="${section}"]`);
      assert.ok(back !== null && after !== null && Math.abs(back - after) < 40, `the section stayed in place going back (${after} → ${back})`);
      await page.getByTestId('tab-personalized').click();
      await page.getByTestId('personalized-body').waitFor();
      await frames(page);
      const again = await topOf(page, `[id="personalized-${section}"]`);
      assert.ok(again !== null && back !== null && Math.abs(again - back) < 40, `and again (${back} → ${again})`);

      // Reload: still Personalized (the URL, and the learner's stored choice).
      await page.reload();
      await page.getByTestId('personalized-body').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('tab-personalized').getAttribute('aria-selected'), 'true');
      // Without the URL's view, the stored choice still opens Personalized.
      await page.goto(`/lessons/${LESSON}`);
      await page.getByTestId('personalized-body').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('tab-personalized').getAttribute('aria-selected'), 'true');

      // A table-of-contents click keeps Personalized and lands on the heading.
      const target = ids[2];
      await page.locator(`[data-testid="lesson-toc"] a[href$="#${target}"]`).click();
      await page.waitForFunction((id) => {
        const el = document.getElementById(`personalized-${id}`);
        if (!el) return false;
        const top = el.getBoundingClientRect().top;
        return top >= 0 && top < 200;
      }, target);
      assert.equal(await page.getByTestId('tab-personalized').getAttribute('aria-selected'), 'true');
      assert.ok(page.url().endsWith(`#${target}`));
      await page.waitForFunction(
        (id) => document.querySelector('[data-testid="lesson-toc"] a[aria-current="location"]')?.getAttribute('href')?.endsWith(`#${id}`),
        target,
      );

      // Next: still Personalized.
      await page.getByTestId('lesson-next').click();
      await page.waitForURL((url) => !url.pathname.endsWith(LESSON) && url.searchParams.get('view') === 'personalized');
      await page
        .getByTestId('personalized-panel')
        .locator('[data-testid="personalized-draft"], [data-testid="personalized-body"]')
        .first()
        .waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('tab-personalized').getAttribute('aria-selected'), 'true');

      // Original, chosen again, stays chosen too (reloaded once the address says so, as a reader would see it).
      await page.getByTestId('tab-original').click();
      await page.waitForURL((url) => !url.searchParams.has('view'));
      await page.reload();
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      assert.equal(await page.getByTestId('tab-original').getAttribute('aria-selected'), 'true');
      assert.doesNotMatch(page.url(), /view=personalized/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('a rewrite that fails the check leaves the original with a short note', async () => {
    const { context, page } = await newVisitor(browser, lectern.baseUrl);
    try {
      fake.setBehaviour({ kind: 'drop-code-block' }, 'chat');
      await onboard(page, {
        education: 'Graduate',
        programming: 'Advanced',
        robotics: 'Yes',
        aiMl: 'Advanced',
        goals: ['Research'],
        language: 'English',
      });
      await page.goto('/lessons/how-robots-sense?view=personalized');
      const note = page.getByTestId('personalize-error');
      await note.waitFor({ timeout: 60_000 });
      assert.match(await note.innerText(), /original/i);
      await page.getByTestId('personalize-original').locator('pre').first().waitFor();
    } finally {
      fake.setBehaviour({ kind: 'slow-stream', chunkDelayMs: 20 }, 'chat');
      await context.close();
    }
  });
});
