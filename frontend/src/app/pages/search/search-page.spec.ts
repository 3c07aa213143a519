import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, type TestRequest, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { SearchResponse } from '@lectern/api-types';
import { SessionService } from '../../core/session.service';
import { BOOK, LESSON, LESSON_MARKDOWN, SEARCH_RESULTS, byTestId, learner, lessonProgress, press, settle, until } from '../../testing/fixtures';
import { LessonPage } from '../lesson/lesson-page';
import { SEARCH_DEBOUNCE_MS, SearchPage } from './search-page';

describe('SearchPage', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let router: Router;
  let root: HTMLElement;

  async function open(url = '/search'): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'search', component: SearchPage },
          { path: 'lessons/:slug', component: LessonPage },
        ]),
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)), token: signal('tok-1') } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, SearchPage);
    root = harness.routeNativeElement as HTMLElement;
    document.body.append(harness.fixture.nativeElement as HTMLElement);
    await settle();
    http.expectOne('/api/content/book').flush(BOOK);
    await stable();
  }

  async function stable(): Promise<void> {
    await settle();
    await harness.fixture.whenStable();
  }

  /** The POST /api/search in flight (waits for it). */
  async function searchRequest(): Promise<TestRequest> {
    let request: TestRequest | undefined;
    await until(() => ([request] = http.match({ method: 'POST', url: '/api/search' })).length > 0);
    return request as TestRequest;
  }

  async function answer(response: SearchResponse = SEARCH_RESULTS): Promise<TestRequest> {
    const request = await searchRequest();
    request.flush(response);
    await stable();
    return request;
  }

  function type(value: string): void {
    const input = byTestId<HTMLInputElement>(root, 'search-input');
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  afterEach(() => {
    http.verify();
    (harness.fixture.nativeElement as HTMLElement).remove();
  });

  const results = () => Array.from(root.querySelectorAll<HTMLElement>('[data-testid="search-result"]'));
  const links = () => results().map((r) => r.querySelector('a') as HTMLAnchorElement);
  const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();

  it('shows a hint and searches nothing while the query is empty', async () => {
    await open();
    expect(byTestId(root, 'search-hint').textContent).toContain('Type a question or keywords');
    http.expectNone('/api/search');
    const input = byTestId<HTMLInputElement>(root, 'search-input');
    expect(root.querySelector(`label[for="${input.id}"]`)?.textContent).toContain('Question or keywords');
    expect(input.closest('form')?.getAttribute('role')).toBe('search');
  });

  it('takes the query from ?q= and shows the best sections: title, heading, snippet, layer, mode', async () => {
    await open('/search?q=robot');
    expect(byTestId<HTMLInputElement>(root, 'search-input').value).toBe('robot');
    const request = await answer();
    expect(request.request.body).toEqual({ query: 'robot' });

    expect(results().map((r) => r.dataset['slug'])).toEqual(['controllers', 'digital-ai-vs-physical-ai', 'spawning-a-robot']);
    const [first, intro] = results();
    expect(text(first.querySelector('[data-testid="search-result-title"]'))).toBe('Controllers');
    expect(text(first.querySelector('[data-testid="search-result-heading"]'))).toBe('› PID loops');
    expect(first.querySelector('[data-testid="search-snippet"] mark')?.textContent).toBe('robot');
    expect(text(first.querySelector('[data-testid="search-snippet"]'))).toBe('A robot keeps its balance when 1 < 2 & the loop is fast');
    expect(text(first.querySelector('[data-testid="search-result-layer"]'))).toBe('L3 · Control and embodiment');
    expect(intro.querySelector('[data-testid="search-result-heading"]')).toBeNull();
    expect(text(intro.querySelector('[data-testid="search-result-layer"]'))).toBe('L1 · Conceptual foundations');
    expect(text(byTestId(root, 'search-mode'))).toBe('Search mode: hybrid');
    expect(text(byTestId(root, 'search-status'))).toBe('3 sections found');
  });

  it('links each result to its lesson at the section (no # for an introduction), with the words to highlight', async () => {
    await open('/search?q=robot');
    await answer();
    expect(links().map((a) => a.getAttribute('href'))).toEqual([
      '/lessons/controllers?highlight=robot#pid-loops',
      '/lessons/digital-ai-vs-physical-ai?highlight=robot',
      '/lessons/spawning-a-robot?highlight=robot#launch-files',
    ]);
  });

  it('waits for a pause in typing, then searches once and keeps the query in the URL', async () => {
    await open();
    type('ro');
    type('rob');
    type('robot ');
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DEBOUNCE_MS / 2));
    http.expectNone('/api/search');
    expect(router.url).toBe('/search');
    const request = await searchRequest();
    expect(request.request.body).toEqual({ query: 'robot' });
    expect(router.url).toBe('/search?q=robot');
    expect(byTestId<HTMLInputElement>(root, 'search-input').value).toBe('robot ');
    request.flush(SEARCH_RESULTS);
    await stable();
    expect(results()).toHaveLength(3);
  });

  it('searches at once on Enter, and cancels a search overtaken by a newer one', async () => {
    await open('/search?q=robot');
    const stale = await searchRequest();
    type('balance');
    byTestId(root, 'search-input').closest('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await until(() => router.url === '/search?q=balance');
    expect(stale.cancelled).toBe(true);
    const fresh = await searchRequest();
    expect(fresh.request.body).toEqual({ query: 'balance' });
    fresh.flush(SEARCH_RESULTS);
    await stable();
    expect(results()).toHaveLength(3);
  });

  it('filters by layer and part, named as in the book, and keeps them in the URL', async () => {
    await open('/search?q=robot');
    await answer();
    const layer = byTestId<HTMLSelectElement>(root, 'search-layer');
    expect(Array.from(layer.options).map((o) => o.textContent?.trim())).toEqual([
      'All layers',
      'L1 · Conceptual foundations',
      'L2 · Simulation and digital twins',
      'L3 · Control and embodiment',
      'L4',
      'L5',
    ]);
    layer.value = 'L2';
    layer.dispatchEvent(new Event('change'));
    expect((await answer()).request.body).toEqual({ query: 'robot', layer: 'L2' });
    expect(router.url).toBe('/search?q=robot&layer=L2');

    const part = byTestId<HTMLSelectElement>(root, 'search-part');
    expect(Array.from(part.options).map((o) => [o.value, o.textContent?.trim()])).toEqual([
      ['', 'All parts'],
      ['foundations', 'Part 1 · Physical AI Foundations'],
      ['digital-twin', 'Part 2 · The Digital Twin'],
    ]);
    part.value = 'digital-twin';
    part.dispatchEvent(new Event('change'));
    expect((await answer()).request.body).toEqual({ query: 'robot', layer: 'L2', partSlug: 'digital-twin' });
    expect(router.url).toBe('/search?q=robot&layer=L2&part=digital-twin');
  });

  it('restores the filters from the URL', async () => {
    await open('/search?q=robot&layer=L3&part=foundations');
    expect((await answer()).request.body).toEqual({ query: 'robot', layer: 'L3', partSlug: 'foundations' });
    expect(byTestId<HTMLSelectElement>(root, 'search-layer').value).toBe('L3');
    expect(byTestId<HTMLSelectElement>(root, 'search-part').value).toBe('foundations');
  });

  it('follows the URL when it changes from elsewhere (the header box)', async () => {
    await open('/search?q=robot');
    await answer();
    await router.navigateByUrl('/search?q=gazebo');
    expect((await answer()).request.body).toEqual({ query: 'gazebo' });
    expect(byTestId<HTMLInputElement>(root, 'search-input').value).toBe('gazebo');
  });

  it('moves through the results with the arrow keys (roving focus) and opens one with Enter', async () => {
    await open('/search?q=robot');
    await answer();
    const input = byTestId<HTMLInputElement>(root, 'search-input');
    expect(links().map((a) => a.tabIndex)).toEqual([0, -1, -1]);

    input.focus();
    expect(press(input, 'ArrowDown').defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(links()[0]);
    press(links()[0], 'ArrowDown');
    expect(document.activeElement).toBe(links()[1]);
    await stable();
    expect(links().map((a) => a.tabIndex)).toEqual([-1, 0, -1]);
    press(links()[1], 'End');
    expect(document.activeElement).toBe(links()[2]);
    press(links()[2], 'ArrowDown'); // stays on the last
    expect(document.activeElement).toBe(links()[2]);
    press(links()[2], 'Home');
    expect(document.activeElement).toBe(links()[0]);
    press(links()[0], 'ArrowUp');
    expect(document.activeElement).toBe(input);

    press(input, 'ArrowDown');
    expect(press(links()[0], 'Enter').defaultPrevented).toBe(true);
    await until(() => /^\/lessons\/controllers\?highlight=[^#]+#pid-loops$/.test(router.url));
    http.match(() => true); // the lesson page's own requests
  });

  it('opens the lesson scrolled to the matching section, the words marked there', async () => {
    await open('/search?q=keeping%20notes');
    await answer({
      mode: 'fulltext',
      results: [{ lessonSlug: LESSON.slug, lessonTitle: LESSON.title, heading: 'Try it', anchor: 'try-it', snippet: '<mark>Keep</mark> <mark>notes</mark>', score: 1 }],
    });
    expect(text(byTestId(root, 'search-mode'))).toBe('Search mode: full-text');
    links()[0].click();
    await until(() => router.url === `/lessons/${LESSON.slug}?highlight=keeping%20notes#try-it`);
    await settle();
    http.expectOne(`/api/content/lessons/${LESSON.slug}`).flush(LESSON);
    await until(() => http.match(LESSON.contentUrl).map((r) => r.flush(LESSON_MARKDOWN)).length > 0);
    http.match('/api/content/book').forEach((r) => r.flush(BOOK));
    // The lesson page asks for the learner's reading view and the sidebar's check marks.
    await until(() => http.match('/api/user/reader-view').map((r) => r.flush({ view: 'original' })).length > 0);
    await until(() => http.match('/api/progress').map((r) => r.flush(null, { status: 503, statusText: 'Unavailable' })).length > 0);
    // Its progress is read (opening a lesson starts nothing).
    await until(
      () =>
        http.match({ method: 'GET', url: `/api/progress/lessons/${LESSON.slug}` }).map((r) => r.flush(lessonProgress(LESSON.slug, 'not_started')))
          .length > 0,
    );
    await until(() => document.activeElement?.id === 'try-it');
    // "keeping" finds "Keep" (its stem), "notes" itself; only in the "Try it" section.
    await until(() => document.querySelectorAll('[data-testid="lesson-body"] mark.search-hit').length > 0);
    const marks = Array.from(document.querySelectorAll('[data-testid="lesson-body"] mark.search-hit'));
    expect(marks.map((m) => m.textContent)).toEqual(['Keep', 'notes']);
    expect(marks.every((m) => m.closest('.admonition'))).toBe(true);
  }, 20_000); // two pages, the lesson's renderer loaded on the way

  it('says when no section matches', async () => {
    await open('/search?q=xyzzy&layer=L5');
    await answer({ mode: 'fulltext', results: [] });
    expect(text(byTestId(root, 'search-empty'))).toContain('No sections match “xyzzy”.');
    expect(text(byTestId(root, 'search-empty'))).toContain('search all layers and parts');
    expect(root.querySelector('[data-testid="search-results"]')).toBeNull();
    expect(text(byTestId(root, 'search-status'))).toBe('0 sections found');
  });

  it('shows the server’s message for a rejected query, a general one otherwise, and can retry', async () => {
    await open('/search?q=robot');
    (await searchRequest()).flush(
      { statusCode: 400, error: 'Bad Request', message: 'query must be at most 500 characters', details: [{ field: 'query', message: 'x' }] },
      { status: 400, statusText: 'Bad Request' },
    );
    await stable();
    expect(byTestId(root, 'search-error').getAttribute('role')).toBe('alert');
    expect(text(byTestId(root, 'search-error'))).toContain('query must be at most 500 characters');

    byTestId(root, 'search-error').querySelector('button')?.click();
    (await searchRequest()).flush({ statusCode: 500, error: 'x', message: 'internal detail' }, { status: 500, statusText: 'Server Error' });
    await stable();
    expect(text(byTestId(root, 'search-error'))).toContain('Search is not available right now');
    expect(text(byTestId(root, 'search-error'))).not.toContain('internal detail');

    byTestId(root, 'search-error').querySelector('button')?.click();
    await answer();
    expect(root.querySelector('[data-testid="search-error"]')).toBeNull();
    expect(results()).toHaveLength(3);
  });

  it('is busy while searching, keeping the previous results on screen', async () => {
    await open('/search?q=robot');
    const first = await searchRequest();
    await stable();
    expect(byTestId(root, 'search-outcome').getAttribute('aria-busy')).toBe('true');
    expect(text(byTestId(root, 'search-status'))).toBe('Searching…');
    expect(text(byTestId(root, 'search-loading'))).toBe('Searching…');
    first.flush(SEARCH_RESULTS);
    await stable();
    expect(byTestId(root, 'search-outcome').getAttribute('aria-busy')).toBe('false');

    type('robots');
    const second = await searchRequest();
    await stable();
    expect(byTestId(root, 'search-outcome').getAttribute('aria-busy')).toBe('true');
    expect(results()).toHaveLength(3);
    expect(root.querySelector('[data-testid="search-loading"]')).toBeNull();
    second.flush({ mode: 'hybrid', results: [] });
    await stable();
    expect(results()).toHaveLength(0);
    expect(text(byTestId(root, 'search-empty'))).toContain('No sections match “robots”.');
  });

  it('never renders markup from a snippet other than <mark>', async () => {
    await open('/search?q=robot');
    await answer({
      mode: 'hybrid',
      results: [
        {
          ...SEARCH_RESULTS.results[0],
          snippet: '<img src=x onerror="window.__pwned = 1"><mark>robot</mark> <script>window.__pwned = 2</script>',
        },
      ],
    });
    const snippet = byTestId(root, 'search-snippet');
    expect(snippet.querySelector('img, script')).toBeNull();
    expect(snippet.querySelectorAll('mark')).toHaveLength(1);
    expect(snippet.textContent).toContain('<img src=x onerror="window.__pwned = 1">');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
