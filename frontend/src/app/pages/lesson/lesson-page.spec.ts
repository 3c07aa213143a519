import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, type TestRequest, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { LessonDto, LessonStatus } from '@lectern/api-types';
import type { Mock } from 'vitest';
import { SessionService } from '../../core/session.service';
import { READING_CLOCK, type ReadingClock } from '../../progress/reading-tracker';
import { ReaderViewService } from '../../reader/reader-view.service';
import {
  BOOK,
  LESSON,
  LESSON_MARKDOWN,
  PREFERENCES,
  QUESTIONS,
  QUEUED,
  READY,
  byTestId,
  learner,
  lessonProgress,
  press,
  settle,
  until,
} from '../../testing/fixtures';
import { LessonPage } from './lesson-page';

@Component({ template: 'other page' })
class OtherPage {}

const SLUG = LESSON.slug;

describe('LessonPage', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let root: HTMLElement;
  let fetchMock: Mock<(url: string, init: RequestInit) => Promise<unknown>>;
  /** The reading clock, driven by hand: `now` moves only when a test says so. */
  let clock: ReadingClock & { at: number; ticks: Set<() => void>; advance(seconds: number): void };

  /** The learner's stored view: Original unless a test says otherwise. */
  let readerView: { view: ReturnType<typeof signal<'original' | 'personalized' | null>>; load: () => Promise<string>; choose: Mock };

  beforeEach(() => {
    readerView = { view: signal<'original' | 'personalized' | null>('original'), load: () => Promise.resolve('original'), choose: vi.fn() };
    fetchMock = vi.fn<(url: string, init: RequestInit) => Promise<unknown>>(() => Promise.resolve({ ok: true }));
    vi.stubGlobal('fetch', fetchMock);
    clock = {
      at: 0,
      ticks: new Set(),
      now: () => clock.at,
      every: (_ms, tick) => {
        clock.ticks.add(tick);
        return () => clock.ticks.delete(tick);
      },
      advance(seconds) {
        for (let i = 0; i < seconds; i++) {
          clock.at += 1000;
          clock.ticks.forEach((tick) => tick());
        }
      },
    };
  });

  afterEach(() => vi.unstubAllGlobals());

  /** Answers GET …/progress/lessons/:slug, which opening a lesson sends (it starts nothing). */
  async function answerProgress(slug = SLUG, status: LessonStatus = 'in_progress'): Promise<void> {
    await until(() => http.match({ method: 'GET', url: `/api/progress/lessons/${slug}` }).map((r) => r.flush(lessonProgress(slug, status))).length > 0);
  }

  /** The POST …/start sent once the learner really reads; returns its body. */
  async function startRequest(slug = SLUG): Promise<TestRequest> {
    let start: TestRequest | undefined;
    await until(() => ([start] = http.match({ method: 'POST', url: `/api/progress/lessons/${slug}/start` })).length > 0);
    return start as TestRequest;
  }

  /** Where the lesson's headings are on screen (jsdom lays nothing out). */
  function placeHeadings(tops: Record<string, number>): void {
    for (const heading of Array.from(byTestId(root, 'lesson-body').querySelectorAll('h2, h3'))) {
      vi.spyOn(heading, 'getBoundingClientRect').mockImplementation(() => ({ top: tops[heading.id] ?? 2000 }) as DOMRect);
    }
  }

  /** Opens a lesson page without answering any of its requests (the test answers them). */
  async function navigateUnanswered(url: string): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'lessons/:slug', component: LessonPage },
          { path: 'book', component: OtherPage },
          { path: 'onboarding', component: OtherPage },
        ]),
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)), token: signal('tok-1') } },
        { provide: READING_CLOCK, useValue: clock },
        { provide: ReaderViewService, useValue: readerView },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, LessonPage);
    root = harness.routeNativeElement as HTMLElement;
    await settle();
  }

  async function open(
    url = `/lessons/${SLUG}`,
    lesson: LessonDto = LESSON,
    markdown = LESSON_MARKDOWN,
    status: LessonStatus = 'in_progress',
  ): Promise<void> {
    await navigateUnanswered(url);
    http.expectOne(`/api/content/lessons/${lesson.slug}`).flush(lesson);
    // The text is read at the lesson's content-addressed URL, once its metadata names it.
    await until(() => http.match(lesson.contentUrl).map((request) => request.flush(markdown)).length > 0);
    http.match('/api/content/book').forEach((request) => request.flush(BOOK));
    // The sidebar's check marks (their failure only leaves the marks out).
    await until(
      () => http.match('/api/progress').map((request) => request.flush(null, { status: 503, statusText: 'Unavailable' })).length > 0,
    );
    await answerProgress(lesson.slug, status);
    await until(() => !!root.querySelector('[data-testid="lesson-body"] h2'));
  }

  /** Answers the questionnaire, preferences and POST /api/personalize calls the Personalized tab makes. */
  async function answerPersonalize(body: object, init?: { status: number; statusText: string }): Promise<void> {
    let post: TestRequest | undefined;
    await until(() => {
      http.match('/api/onboarding/questions').forEach((request) => request.flush(QUESTIONS));
      http.match('/api/user/preferences').forEach((request) => request.flush(PREFERENCES));
      [post] = http.match({ method: 'POST', url: '/api/personalize' });
      return post !== undefined;
    });
    expect(post?.request.body).toEqual({ lessonSlug: SLUG });
    post?.flush(body, init);
  }

  afterEach(() => http.verify());

  const tab = (id: 'original' | 'personalized') => byTestId<HTMLButtonElement>(root, `tab-${id}`);
  const panel = (id: 'original' | 'personalized') => root.querySelector<HTMLElement>(`#panel-${id}`) as HTMLElement;

  it('shows the lesson: title, breadcrumb, layer, minutes, goals, and its text rendered', async () => {
    await open();
    expect(byTestId(root, 'lesson-title').textContent?.trim()).toBe('Digital AI vs Physical AI');
    expect(document.title).toBe('Digital AI vs Physical AI · Lectern');
    const crumbs = Array.from(byTestId(root, 'lesson-breadcrumb').querySelectorAll('li')).map((li) => li.textContent?.trim());
    expect(crumbs).toEqual(['Book', 'Part 1 · Physical AI Foundations', 'Chapter 1 · What Is Physical AI?', 'Digital AI vs Physical AI']);
    // The crumbs link to the book, at the part and at the chapter; the lesson itself is the current page.
    const hrefs = Array.from(byTestId(root, 'lesson-breadcrumb').querySelectorAll('a')).map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['/book', '/book#part-1', '/book#chapter-1']);
    expect(byTestId(root, 'lesson-breadcrumb').querySelector('[aria-current="page"]')?.textContent?.trim()).toBe(
      'Digital AI vs Physical AI',
    );
    // The sidebar marks the lesson being read.
    expect(byTestId(root, 'lesson-sidebar').querySelector('a[aria-current="page"]')?.getAttribute('data-slug')).toBe(SLUG);
    expect(byTestId(root, 'lesson-layer').textContent?.trim()).toBe('L1 · Conceptual foundations');
    expect(byTestId(root, 'lesson-minutes').textContent).toContain('12 min');
    expect(byTestId(root, 'lesson-goals').textContent).toContain('Career change, Research');

    const body = byTestId(root, 'lesson-body');
    expect(body.querySelector('strong')?.textContent).toBe('real world');
    expect(Array.from(body.querySelectorAll('h2, h3')).map((h) => h.id)).toEqual(['two-kinds-of-ai', 'why-bodies-matter', 'try-it']);
    expect(body.querySelector('code.language-python')).not.toBeNull();
    expect(body.querySelector('aside.admonition-tip')).not.toBeNull();
    expect(body.querySelector('a[href="/lessons/lab-try-with-ai#steps"]')).not.toBeNull();
  }, 20_000); // the first test loads the Markdown renderer and highlighter

  it('lists the headings of a long lesson in a table of contents linking to them', async () => {
    await open();
    const toc = byTestId(root, 'lesson-toc');
    expect(toc.tagName).toBe('NAV');
    const links = Array.from(toc.querySelectorAll('a'));
    expect(links.map((a) => a.textContent?.trim())).toEqual(['Two kinds of AI', 'Why bodies matter', 'Try it']);
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      `/lessons/${SLUG}#two-kinds-of-ai`,
      `/lessons/${SLUG}#why-bodies-matter`,
      `/lessons/${SLUG}#try-it`,
    ]);
    // Level-3 headings sit under their section.
    expect(toc.querySelector(':scope > ol > li:first-child > ul a')?.textContent?.trim()).toBe('Why bodies matter');
    expect(toc.querySelectorAll(':scope > ol > li')).toHaveLength(2);
  });

  it('has no table of contents for a short lesson', async () => {
    await open(`/lessons/${SLUG}`, { ...LESSON, headings: LESSON.headings.slice(0, 2) }, '## Two kinds of AI\n\n### Why bodies matter\n');
    expect(root.querySelector('[data-testid="lesson-toc"]')).toBeNull();
  });

  it('links the previous and next lessons', async () => {
    await open();
    expect(root.querySelector('[data-testid="lesson-prev"]')).toBeNull();
    const next = byTestId(root, 'lesson-next');
    expect(next.getAttribute('href')).toBe('/lessons/lab-try-with-ai');
    expect(next.textContent).toContain('Lab: Try With AI');
  });

  it('implements the ARIA tabs pattern for Original | Personalized', async () => {
    await open();
    const tablist = root.querySelector('[role="tablist"]');
    expect(tablist?.querySelectorAll('[role="tab"]')).toHaveLength(2);
    expect(tab('original').getAttribute('aria-selected')).toBe('true');
    expect(tab('original').tabIndex).toBe(0);
    expect(tab('personalized').getAttribute('aria-selected')).toBe('false');
    expect(tab('personalized').tabIndex).toBe(-1);
    for (const id of ['original', 'personalized'] as const) {
      const controlled = root.querySelector(`#${tab(id).getAttribute('aria-controls')}`);
      expect(controlled?.getAttribute('role')).toBe('tabpanel');
      expect(controlled?.getAttribute('aria-labelledby')).toBe(tab(id).id);
    }
    expect(panel('original').hidden).toBe(false);
    expect(panel('personalized').hidden).toBe(true);
    expect(byTestId(root, 'personalized-panel')).toBe(panel('personalized'));
  });

  it('moves selection and focus with the arrow keys, Home and End (automatic activation)', async () => {
    await open();
    tab('original').focus();

    expect(press(tab('original'), 'ArrowRight').defaultPrevented).toBe(true);
    await until(() => tab('personalized').getAttribute('aria-selected') === 'true');
    expect(document.activeElement).toBe(tab('personalized'));
    expect(tab('personalized').tabIndex).toBe(0);
    expect(tab('original').tabIndex).toBe(-1);
    expect(panel('personalized').hidden).toBe(false);
    expect(panel('original').hidden).toBe(true);

    press(tab('personalized'), 'ArrowRight'); // wraps around
    await until(() => tab('original').getAttribute('aria-selected') === 'true');
    expect(document.activeElement).toBe(tab('original'));

    press(tab('original'), 'ArrowLeft'); // wraps the other way
    await until(() => tab('personalized').getAttribute('aria-selected') === 'true');
    expect(document.activeElement).toBe(tab('personalized'));

    press(tab('personalized'), 'Home');
    await until(() => tab('original').getAttribute('aria-selected') === 'true');
    expect(document.activeElement).toBe(tab('original'));

    press(tab('original'), 'End');
    await until(() => tab('personalized').getAttribute('aria-selected') === 'true');
    expect(document.activeElement).toBe(tab('personalized'));

    expect(press(tab('personalized'), 'a').defaultPrevented).toBe(false);
    await answerPersonalize(READY);
    await until(() => !!root.querySelector('[data-testid="personalized-body"]'));
  });

  it('asks for the personalized version only when its tab is opened, and keeps the Original instant', async () => {
    await open();
    await settle();
    http.expectNone('/api/personalize');

    tab('personalized').click();
    await answerPersonalize(QUEUED, { status: 202, statusText: 'Accepted' });
    await until(() => !!root.querySelector('[data-testid="personalize-progress"]'));
    expect(byTestId(root, 'personalize-for').textContent).toContain('for a graduate · beginner programmer · new to robotics · in English');

    tab('original').click();
    await until(() => !panel('original').hidden);
    expect(byTestId(root, 'lesson-body').querySelector('h2')?.id).toBe('two-kinds-of-ai');
    http.expectNone(LESSON.contentUrl);
  });

  it('shows a cached rewrite at once in the Personalized tab', async () => {
    await open();
    tab('personalized').click();
    await answerPersonalize(READY);
    await until(() => !!root.querySelector('[data-testid="personalized-body"] h2'));
    expect(byTestId(root, 'personalize-cached')).toBeTruthy();
    expect(byTestId(root, 'personalized-body').querySelector('h2')?.id).toBe('personalized-for-you');
    // The Original is untouched.
    expect(byTestId(root, 'lesson-body').querySelector('h2')?.id).toBe('two-kinds-of-ai');
  });

  it('drops the personalized panel (and its polling) on moving to another lesson from the Original tab', async () => {
    await open();
    tab('personalized').click();
    await answerPersonalize(QUEUED, { status: 202, statusText: 'Accepted' });
    await until(() => !!root.querySelector('lx-personalized-lesson [data-testid="personalize-progress"]'));
    tab('original').click();
    await until(() => !panel('original').hidden);

    await TestBed.inject(Router).navigateByUrl('/lessons/lab-try-with-ai');
    await settle();
    const lab = { ...LESSON, slug: 'lab-try-with-ai', title: 'Lab: Try With AI', contentUrl: `/api/content/text/${'e'.repeat(64)}.md` };
    http.expectOne('/api/content/lessons/lab-try-with-ai').flush(lab);
    await until(() => http.match(lab.contentUrl).map((request) => request.flush('## Steps\n')).length > 0);
    await answerProgress('lab-try-with-ai');
    root = harness.routeNativeElement as HTMLElement;
    await until(() => root.querySelector('[data-testid="lesson-title"]')?.textContent?.trim() === 'Lab: Try With AI');
    expect(root.querySelector('lx-personalized-lesson')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the first poll's time
    http.expectNone('/api/personalize/jobs/job-1');
    http.expectNone('/api/personalize');
  });

  it('scrolls a deep link to its heading once the text is rendered', async () => {
    await open(`/lessons/${SLUG}#try-it`);
    await until(() => document.activeElement?.id === 'try-it');
    expect(byTestId(root, 'lesson-body').contains(document.activeElement)).toBe(true);
  });

  it('opening a lesson starts nothing; 10 s of reading start it at the deep link’s section; its status shows near the title', async () => {
    await open(`/lessons/${SLUG}#try-it`, LESSON, LESSON_MARKDOWN, 'not_started');
    await until(() => !!root.querySelector('[data-testid="lesson-status"]'));
    const status = byTestId(root, 'lesson-status');
    expect(status.textContent?.trim()).toBe('Not started');
    placeHeadings({ 'two-kinds-of-ai': -900, 'why-bodies-matter': -500, 'try-it': 40 });
    clock.advance(20); // open, but no scroll, key or pointer: not read
    expect(http.match({ method: 'POST', url: `/api/progress/lessons/${SLUG}/start` })).toHaveLength(0);
    expect(http.match({ method: 'PUT', url: `/api/progress/lessons/${SLUG}/time` })).toHaveLength(0);
    TestBed.resetTestingModule();
    await open(`/lessons/${SLUG}#try-it`, LESSON, LESSON_MARKDOWN, 'not_started');
    placeHeadings({ 'two-kinds-of-ai': -900, 'why-bodies-matter': -500, 'try-it': 40 });
    window.dispatchEvent(new Event('scroll'));
    clock.advance(9);
    expect(http.match({ method: 'POST', url: `/api/progress/lessons/${SLUG}/start` })).toHaveLength(0);
    clock.advance(1);
    const start = await startRequest();
    expect(start.request.body).toEqual({ section: 'try-it' });
    start.flush(lessonProgress(SLUG, 'in_progress'));
    await until(() => byTestId(root, 'lesson-status').textContent?.trim() === 'In progress');
    expect(status.closest('header')).not.toBeNull();
    expect(byTestId(root, 'lesson-complete').textContent?.trim()).toBe('Mark as complete');
    expect(root.querySelector('[data-testid="lesson-completed"]')).toBeNull();
  });

  it('starts without a section when the fragment is not one of the lesson’s headings', async () => {
    await open(`/lessons/${SLUG}#part-1`, LESSON, LESSON_MARKDOWN, 'not_started');
    placeHeadings({});
    window.dispatchEvent(new Event('scroll'));
    clock.advance(10);
    expect((await startRequest()).request.body).toEqual({});
  });

  /** The POST …/complete the button sent. */
  async function completeRequest(): Promise<TestRequest> {
    let post: TestRequest | undefined;
    await until(() => ([post] = http.match({ method: 'POST', url: `/api/progress/lessons/${SLUG}/complete` })).length > 0);
    return post as TestRequest;
  }

  it('marks the lesson as complete: "Completed ✓", announced, focus kept on it', async () => {
    await open();
    const button = byTestId<HTMLButtonElement>(root, 'lesson-complete');
    button.focus();
    button.click();
    const post = await completeRequest();
    await until(() => button.disabled);
    expect(button.textContent?.trim()).toBe('Saving…');
    post.flush(lessonProgress(SLUG, 'completed'));

    await until(() => !!root.querySelector('[data-testid="lesson-completed"]'));
    const done = byTestId(root, 'lesson-completed');
    expect(done.textContent?.replace(/\s+/g, ' ').trim()).toBe('Completed ✓');
    expect(root.querySelector('[data-testid="lesson-complete"]')).toBeNull();
    const live = byTestId(root, 'lesson-complete-status');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toContain('Lesson marked as complete');
    await until(() => document.activeElement === done);
    expect(byTestId(root, 'lesson-status').textContent).toContain('Completed');
  });

  it('says when the lesson could not be marked as complete, and lets the learner try again', async () => {
    await open();
    byTestId<HTMLButtonElement>(root, 'lesson-complete').click();
    (await completeRequest()).flush(
      { statusCode: 500, error: 'Internal Server Error', message: 'x' },
      { status: 500, statusText: 'Server Error' },
    );
    await until(() => !!root.querySelector('[data-testid="lesson-complete-error"]'));
    expect(byTestId(root, 'lesson-complete-error').getAttribute('role')).toBe('alert');
    const button = byTestId<HTMLButtonElement>(root, 'lesson-complete');
    expect(button.disabled).toBe(false);
    button.click();
    (await completeRequest()).flush(lessonProgress(SLUG, 'completed'));
    await until(() => !!root.querySelector('[data-testid="lesson-completed"]'));
    expect(root.querySelector('[data-testid="lesson-complete-error"]')).toBeNull();
  });

  it('shows a lesson completed before as completed at once', async () => {
    await open(`/lessons/${SLUG}`, LESSON, LESSON_MARKDOWN, 'completed');
    await until(() => !!root.querySelector('[data-testid="lesson-completed"]'));
    expect(root.querySelector('[data-testid="lesson-complete"]')).toBeNull();
    expect(byTestId(root, 'lesson-status').dataset['status']).toBe('completed');
  });

  it('flushes the reading time, with the section, when the learner leaves the lesson', async () => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    try {
      await open();
      placeHeadings({ 'two-kinds-of-ai': -300, 'why-bodies-matter': 400, 'try-it': 900 });
      window.dispatchEvent(new Event('scroll')); // the learner scrolled into the first section: reading
      clock.advance(12);
      const start = await startRequest();
      expect(start.request.body).toEqual({ section: 'two-kinds-of-ai' });
      start.flush(lessonProgress(SLUG, 'in_progress'));
      expect(fetchMock).not.toHaveBeenCalled();
      await TestBed.inject(Router).navigateByUrl('/book');
      await settle();
      expect(fetchMock).toHaveBeenCalledTimes(1);
      const [url, init] = fetchMock.mock.calls[0];
      expect(url).toBe(`/api/progress/lessons/${SLUG}/time`);
      expect(init).toMatchObject({ method: 'PUT', keepalive: true, headers: { Authorization: 'Bearer tok-1' } });
      expect(JSON.parse(String(init.body))).toEqual({ seconds: 12, section: 'two-kinds-of-ai' });
      expect(clock.ticks.size).toBe(0);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });

  it('says when the lesson does not exist', async () => {
    await navigateUnanswered('/lessons/nope');
    const notFound = { statusCode: 404, error: 'Not Found', message: 'No lesson "nope"' };
    http.expectOne('/api/content/lessons/nope').flush(notFound, { status: 404, statusText: 'Not Found' });
    http.expectNone((request) => request.url.startsWith('/api/content/text/'));
    http.match('/api/content/book').forEach((request) => request.flush(BOOK));
    await until(
      () => http.match('/api/progress').map((request) => request.flush(null, { status: 503, statusText: 'Unavailable' })).length > 0,
    );
    await until(() => !!root.querySelector('[data-testid="lesson-error"]'));
    expect(byTestId(root, 'lesson-title').textContent).toContain('Lesson not found');
    expect(byTestId(root, 'lesson-error').querySelector('a')?.getAttribute('href')).toBe('/book');
  });

  it('reads the lesson again on "Try again" when its text cannot be read, and follows a text that a sync replaced', async () => {
    await navigateUnanswered(`/lessons/${SLUG}`);
    http.expectOne(`/api/content/lessons/${SLUG}`).flush(LESSON);
    http.match('/api/content/book').forEach((request) => request.flush(BOOK));
    // The text named by the lesson is gone: a sync replaced it after the lesson was read.
    await until(
      () =>
        http.match(LESSON.contentUrl).map((r) => r.flush({ statusCode: 404, error: 'Not Found', message: 'No text' }, { status: 404, statusText: 'Not Found' }))
          .length > 0,
    );
    await until(() => !!root.querySelector('[data-testid="lesson-body-error"]'));
    expect(byTestId(root, 'lesson-body-error').textContent).toContain('The lesson text could not be loaded.');

    byTestId(root, 'lesson-body-error').querySelector('button')?.click();
    await settle();
    const edited = { ...LESSON, contentHash: 'f'.repeat(64), contentUrl: `/api/content/text/${'f'.repeat(64)}.md` };
    await until(() => http.match(`/api/content/lessons/${SLUG}`).map((r) => r.flush(edited)).length > 0);
    await until(() => http.match(edited.contentUrl).map((r) => r.flush('## Two kinds of AI\n\nEdited text.\n')).length > 0);
    // The old text, asked again by "Try again", is dropped once the lesson names the new one.
    expect(http.match(LESSON.contentUrl).every((r) => r.cancelled)).toBe(true);
    await until(
      () => http.match('/api/progress').map((request) => request.flush(null, { status: 503, statusText: 'Unavailable' })).length > 0,
    );
    await answerProgress();
    await until(() => !!root.querySelector('[data-testid="lesson-body"]')?.textContent?.includes('Edited text.'));
    expect(root.querySelector('[data-testid="lesson-body-error"]')).toBeNull();
  });
});
