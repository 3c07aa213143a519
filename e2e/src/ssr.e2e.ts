// Server-side rendering of the public book: a lesson is real HTML without
// JavaScript (title, headings, text, per-lesson meta tags); the browser then
// hydrates it, adopting the server's nodes instead of rendering them again;
// the Personalized view still works on a hydrated page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LessonDto } from '@lectern/api-types';
import type { Browser, Page } from 'playwright-core';
// Node runs these tests with type stripping, which needs the file path (tsconfig aliases do not apply).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startFakeOpenAI, type FakeOpenAI } from '../../backend/testing/fake-openai/fake-openai-server.ts';
import { launchBrowser, newVisitor } from './support/browser.ts';
import { onboard } from './support/journey.ts';
import { startLectern, type RunningLectern } from './support/server.ts';

const SLUG = 'how-robots-sense';

let fake: FakeOpenAI;
let lectern: RunningLectern;
let browser: Browser;
let lesson: LessonDto;
let markdown: string;

void before(async () => {
  fake = await startFakeOpenAI({ behaviour: { kind: 'slow-stream', chunkDelayMs: 5 } });
  lectern = await startLectern('ssr', { worker: true, env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'e2e' } });
  browser = await launchBrowser();
  lesson = (await (await fetch(`${lectern.baseUrl}/api/content/lessons/${SLUG}`)).json()) as LessonDto;
  markdown = await (await fetch(`${lectern.baseUrl}/api/content/lessons/${SLUG}/content`)).text();
});
void after(async () => {
  await browser?.close();
  await lectern?.stop();
  await fake?.close();
});

/** A sentence of the lesson's prose as the reader sees it: the first paragraph's opening words, without Markdown. */
function openingWords(source: string): string {
  const paragraph = source.split(/\n\s*\n/).find((block) => /^[A-Z][a-z]/.test(block.trim()));
  assert.ok(paragraph, 'the lesson has a paragraph of prose');
  return paragraph
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .split(' ')
    .slice(0, 8)
    .join(' ');
}

/**
 * Before any script runs: remembers the server's nodes of the lesson as the
 * HTML parser inserts them, every element removed from the page after that,
 * and every layout shift.
 */
async function watchServerNodes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { ssr: { body?: Element; title?: Element; heading?: Element; removed: string[]; shift: number; moved: string[] } };
    w.ssr = { removed: [], shift: 0, moved: [] };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as Array<{ value: number; hadRecentInput: boolean; sources?: Array<{ node?: Node }> }>) {
        if (entry.hadRecentInput) continue;
        w.ssr.shift += entry.value;
        for (const source of entry.sources ?? []) {
          const node = source.node instanceof Element ? source.node : source.node?.parentElement;
          const { previousRect: from, currentRect: to } = source as unknown as { previousRect: DOMRect; currentRect: DOMRect };
          w.ssr.moved.push(`<${node?.tagName.toLowerCase()} class="${node?.className}"> (${from.x},${from.y}) → (${to.x},${to.y}), ${entry.value}`);
        }
      }
    }).observe({ type: 'layout-shift', buffered: true });
    new MutationObserver((records) => {
      w.ssr.body ??= document.querySelector('[data-testid="lesson-body"] .markdown') ?? undefined;
      w.ssr.title ??= document.querySelector('[data-testid="lesson-title"]') ?? undefined;
      w.ssr.heading ??= document.querySelector('[data-testid="lesson-body"] h2') ?? undefined;
      for (const record of records) {
        for (const node of Array.from(record.removedNodes)) {
          if (node instanceof Element && record.target instanceof Element && record.target.closest('article')) {
            w.ssr.removed.push(node.outerHTML.slice(0, 120));
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

/**
 * Opens the lesson as a first load on a phone's CPU (4× slower, Lighthouse's
 * mobile setting: the browser paints the page while still parsing it, and
 * hydrates later) and checks that hydration adopted the server's nodes,
 * removed none and moved nothing in between (a growing nav once pushed the
 * search box aside; the status badge, arriving after hydration, once wrapped
 * a phone's badge row).
 */
async function openHydrated(page: Page): Promise<void> {
  await watchServerNodes(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  // The app is running once the browser-only part of the page (reading progress, read on open) has spoken to the API.
  const started = page.waitForResponse((r) => r.url().endsWith(`/api/progress/lessons/${SLUG}`) && r.request().method() === 'GET');
  await page.goto(`/lessons/${SLUG}`);
  await started;
  await page.getByTestId('lesson-status').waitFor();
  const adopted = await page.evaluate(() => {
    const w = window as unknown as { ssr: { body?: Element; title?: Element; heading?: Element; removed: string[]; shift: number; moved: string[] } };
    return {
      moved: w.ssr.moved,
      body: !!w.ssr.body && w.ssr.body === document.querySelector('[data-testid="lesson-body"] .markdown'),
      title: !!w.ssr.title && w.ssr.title === document.querySelector('[data-testid="lesson-title"]'),
      heading: !!w.ssr.heading && w.ssr.heading === document.querySelector('[data-testid="lesson-body"] h2'),
      removed: w.ssr.removed,
      shift: w.ssr.shift,
    };
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const { moved, ...kept } = adopted;
  assert.deepEqual(kept, { body: true, title: true, heading: true, removed: [], shift: 0 }, `moved: ${moved.join('; ')}`);
}

void describe('server-side rendering', () => {
  void it('serves a lesson as HTML a reader without JavaScript can read: title, headings, text and its meta tags', async () => {
    const res = await fetch(`${lectern.baseUrl}/lessons/${SLUG}`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    assert.match(scriptSrc, /^ ?script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+$/, 'inline scripts are allowed by their hashes only');

    const context = await browser.newContext({ baseURL: lectern.baseUrl, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`/lessons/${SLUG}`);
      assert.equal(await page.getByTestId('lesson-title').innerText(), lesson.title);
      assert.equal(await page.title(), `${lesson.title} · Lectern`);
      const body = page.getByTestId('lesson-body');
      const headingIds = await body.locator('h2, h3').evaluateAll((hs) => hs.map((h) => h.id));
      assert.deepEqual(
        headingIds,
        lesson.headings.filter((h) => h.level === 2 || h.level === 3).map((h) => h.id),
      );
      const text = (await body.innerText()).replace(/\s+/g, ' ');
      assert.ok(text.includes(openingWords(markdown)), `the text is there: "${openingWords(markdown)}"`);
      // The code blocks are highlighted on the server too.
      if (markdown.includes('```python')) assert.ok((await body.locator('pre code.hljs span').count()) > 0);

      const head = await page.evaluate(() => ({
        canonical: document.querySelector('link[rel="canonical"]')?.getAttribute('href'),
        description: document.querySelector('meta[name="description"]')?.getAttribute('content'),
        ogTitle: document.querySelector('meta[property="og:title"]')?.getAttribute('content'),
        ogType: document.querySelector('meta[property="og:type"]')?.getAttribute('content'),
        ogUrl: document.querySelector('meta[property="og:url"]')?.getAttribute('content'),
        descriptions: document.querySelectorAll('meta[name="description"]').length,
      }));
      assert.equal(head.canonical, `${lectern.baseUrl}/lessons/${SLUG}`);
      assert.equal(head.ogUrl, head.canonical);
      assert.equal(head.ogTitle, lesson.title);
      assert.equal(head.ogType, 'article');
      assert.equal(head.descriptions, 1);
      // The description is the lesson's opening prose (cut at a word, with an ellipsis when longer than 160 characters).
      assert.ok(head.description && head.description.length <= 160, `a description: ${head.description}`);
      assert.ok(text.includes(head.description.replace(/…$/, '')), `"${head.description}" is the lesson's own text`);

      // The book page lists every lesson as a link, also without JavaScript.
      await page.goto('/book');
      const book = (await (await fetch(`${lectern.baseUrl}/api/content/book`)).json()) as { parts: { chapters: { lessons: unknown[] }[] }[] };
      const lessons = book.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons)).length;
      assert.equal(await page.locator('a[href^="/lessons/"]').count(), lessons);
    } finally {
      await context.close();
    }
  });

  void it('answers 404 with a readable page for a lesson that does not exist', async () => {
    const res = await fetch(`${lectern.baseUrl}/lessons/no-such-lesson`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Lesson not found/);
  });

  void it('hydrates the lesson: the browser keeps the server’s nodes, reads nothing again and nothing moves', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      const contentReads: string[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/api/content/')) contentReads.push(r.url());
      });
      await openHydrated(page);
      assert.deepEqual(contentReads, [], 'the lesson travels with the page: the browser does not ask for it again');

      // The hydrated page is the app: in-app links route without a reload.
      const next = lesson.next;
      assert.ok(next, 'the lesson has a next one');
      await page.getByTestId('lesson-next').click();
      await page.waitForURL(`**/lessons/${next.slug}`);
      await page.getByTestId('lesson-title').filter({ hasText: next.title }).waitFor();
      await page.getByTestId('lesson-body').locator('h2').first().waitFor();
      assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1, 'no full page load');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('on a phone (390 px, touch), hydrates the lesson with nothing moving', async () => {
    const context = await browser.newContext({ baseURL: lectern.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await openHydrated(await context.newPage());
    } finally {
      await context.close();
    }
  });

  void it('on a phone, hydrates the book page with nothing moving when the chapters’ progress comes', async () => {
    const context = await browser.newContext({ baseURL: lectern.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await watchServerNodes(page);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto('/book');
      // Read in the browser only: until then each chapter's progress holds its place, hidden.
      await page.getByTestId('chapter-progress').first().waitFor();
      const { shift, moved } = await page.evaluate(() => (window as unknown as { ssr: { shift: number; moved: string[] } }).ssr);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      assert.equal(shift, 0, `moved: ${moved.join('; ')}`);
    } finally {
      await context.close();
    }
  });

  void it('paints the server’s page before the app’s code loads: stylesheet inline, app started after the first frame, start-up scripts compiled in the background', async () => {
    const html = await (await fetch(`${lectern.baseUrl}/lessons/${SLUG}`, { headers: { accept: 'text/html' } })).text();
    assert.doesNotMatch(html, /<link rel="stylesheet"/, 'no stylesheet for the first paint to wait for');
    assert.match(html, /<style>[^<]*--bg/, 'the global styles are in the page');
    assert.doesNotMatch(html, /<script src="main-|<link rel="modulepreload"/, 'nothing of the app is fetched before the page is painted');
    const main = /import\("\.\/(main-[0-9A-Za-z_-]+\.js)"\)/.exec(html)?.[1];
    const preloads = JSON.parse(/for\(const href of (\[[^\]]*\])\)/.exec(html)?.[1] ?? '[]') as string[];
    assert.ok(main && preloads.length > 0, 'an inline module preloads the chunks and imports main');
    for (const file of [...preloads, main]) {
      const code = await (await fetch(`${lectern.baseUrl}/${file}`)).text();
      assert.ok(code.startsWith('//# allFunctionsCalledOnLoad\n'), `${file} carries V8's compile hint`);
    }

    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      // The first frame the page renders (a render-blocked page renders none: the header waits for #main).
      // This callback is asked for before any of the page's own scripts run, so it runs first in that frame.
      await page.addInitScript(() => {
        requestAnimationFrame(() => ((window as unknown as { firstFrame: number }).firstFrame = performance.now()));
      });
      const started = page.waitForResponse((r) => r.url().endsWith(`/api/progress/lessons/${SLUG}`) && r.request().method() === 'GET');
      await page.goto(`/lessons/${SLUG}`);
      await started;
      const timing = await page.evaluate(
        (name) => ({
          firstFrame: (window as unknown as { firstFrame?: number }).firstFrame,
          main: performance.getEntriesByType('resource').find((e) => e.name.endsWith(`/${name}`))?.startTime,
        }),
        main,
      );
      assert.ok(timing.firstFrame !== undefined && timing.main !== undefined, JSON.stringify(timing));
      assert.ok(timing.firstFrame < timing.main, `the first frame (${timing.firstFrame} ms) came before main was asked for (${timing.main} ms)`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  void it('keeps the Personalized view working on a hydrated lesson', async () => {
    const { context, page, errors } = await newVisitor(browser, lectern.baseUrl);
    try {
      await onboard(page);
      const started = page.waitForResponse((r) => r.url().endsWith(`/api/progress/lessons/${SLUG}`) && r.request().method() === 'GET');
      // A full load of the server-rendered page (not an in-app navigation).
      await page.goto(`/lessons/${SLUG}`);
      await started;
      await page.getByTestId('tab-personalized').click();
      await page.getByTestId('personalize-for').waitFor();
      const rewrite = page.getByTestId('personalized-body');
      await rewrite.waitFor({ timeout: 120_000 });
      assert.match(await rewrite.innerText(), /Adapted for you/);
      assert.equal(page.url(), `${lectern.baseUrl}/lessons/${SLUG}?view=personalized`);

      // That view's address is the learner's own: rendered in the browser, it opens Personalized straight away.
      const html = await (await fetch(page.url(), { headers: { accept: 'text/html' } })).text();
      assert.doesNotMatch(html, /data-testid="lesson-body"/);
      await page.reload();
      await page.getByTestId('personalize-cached').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('tab-personalized').getAttribute('aria-selected'), 'true');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
