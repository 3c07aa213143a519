import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, type TestRequest, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { SearchResponse } from '@lectern/api-types';
import { byTestId, press, settle, until } from '../testing/fixtures';
import { RECENT_SEARCHES_MAX, RecentSearches } from './recent-searches';
import { SearchBox } from './search-box';

@Component({ selector: 'lx-host', imports: [SearchBox], template: '<input data-testid="other-field" /><lx-search-box />' })
class Host {}

@Component({ template: 'page' })
class Page {}

const RESULTS: SearchResponse = {
  mode: 'hybrid',
  results: [
    { lessonSlug: 'controllers', lessonTitle: 'Controllers', heading: 'PID loops', anchor: 'pid-loops', snippet: 'A <mark>robot</mark> <img src=x onerror=alert(1)>', score: 0.03 },
    { lessonSlug: 'digital-ai-vs-physical-ai', lessonTitle: 'Digital AI vs Physical AI', heading: '', anchor: '', snippet: 'Every <mark>robot</mark>', score: 0.02 },
  ],
};

describe('SearchBox and the search pop-up', () => {
  let root: HTMLElement;
  let router: Router;
  let http: HttpTestingController;

  async function render(): Promise<void> {
    localStorage.removeItem('lectern.recentSearches');
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'search', component: Page },
          { path: '**', component: Page },
        ]),
      ],
    });
    await RouterTestingHarness.create('/book');
    router = TestBed.inject(Router);
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(Host);
    fixture.autoDetectChanges();
    await fixture.whenStable();
    root = fixture.nativeElement as HTMLElement;
    document.body.append(root);
  }

  afterEach(() => {
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
    root.remove();
    localStorage.removeItem('lectern.recentSearches');
  });

  const button = () => byTestId<HTMLButtonElement>(root, 'search-box');
  const dialog = () => document.querySelector<HTMLElement>('[role="dialog"]');
  const input = () => document.querySelector<HTMLInputElement>('[data-testid="search-dialog-input"]') as HTMLInputElement;
  const options = () => Array.from(document.querySelectorAll<HTMLElement>('[role="option"]'));
  const shortcut = (init: KeyboardEventInit, target: EventTarget = document.body) => {
    const event = new KeyboardEvent('keydown', { key: 'k', bubbles: true, cancelable: true, ...init });
    target.dispatchEvent(event);
    return event;
  };
  const type = (text: string) => {
    input().value = text;
    input().dispatchEvent(new Event('input'));
  };
  /** The search the pop-up sent, once the typing paused. */
  async function searchRequest(): Promise<TestRequest> {
    let request: TestRequest | undefined;
    await until(() => ([request] = http.match({ method: 'POST', url: '/api/search' })).length > 0);
    return request as TestRequest;
  }
  async function opened(): Promise<void> {
    await until(() => !!dialog() && document.activeElement === input());
  }

  it('is a labelled button in a search landmark that names its shortcut and opens a dialog', async () => {
    await render();
    expect(button().closest('[role="search"]')).not.toBeNull();
    expect(button().getAttribute('aria-label')).toBe('Search the book');
    expect(button().getAttribute('aria-keyshortcuts')).toBe('Control+K Meta+K');
    expect(button().getAttribute('aria-haspopup')).toBe('dialog');
    expect(button().getAttribute('aria-expanded')).toBe('false');
    button().click();
    await opened();
    expect(dialog()?.getAttribute('aria-modal')).toBe('true');
    expect(dialog()?.getAttribute('aria-label')).toBe('Search the book');
    expect(input().getAttribute('role')).toBe('combobox');
    expect(document.querySelector(`label[for="${input().id}"]`)?.textContent?.trim()).toBe('Search the book');
    await until(() => button().getAttribute('aria-expanded') === 'true');
  }, 20_000); // the first opening loads the pop-up's code

  it('opens on Ctrl+K from anywhere, also from another text field, and on ⌘+K; not on Ctrl+Shift+K or K', async () => {
    await render();
    expect(shortcut({ ctrlKey: true, shiftKey: true }).defaultPrevented).toBe(false);
    expect(shortcut({}).defaultPrevented).toBe(false);
    const other = byTestId<HTMLInputElement>(root, 'other-field');
    other.focus();
    expect(shortcut({ ctrlKey: true }, other).defaultPrevented).toBe(true);
    await opened();
    // Closing gives focus back to the field the learner was in (Escape, which CDK reads by keyCode, in the browser tests).
    document.querySelector<HTMLButtonElement>('[data-testid="search-dialog-close"]')?.click();
    await until(() => !dialog());
    await until(() => document.activeElement === other);
    expect(shortcut({ metaKey: true, key: 'K' }).defaultPrevented).toBe(true);
    await opened();
  });

  it('shows results as the learner types (one request after a pause), safely, and opens one with ↓ and Enter, the words to highlight in the URL', async () => {
    await render();
    button().click();
    await opened();
    type('rob');
    type('robot');
    const request = await searchRequest();
    expect(request.request.body).toEqual({ query: 'robot', limit: 8 });
    request.flush(RESULTS);
    await until(() => options().length === 2);
    expect(http.match({ method: 'POST', url: '/api/search' })).toHaveLength(0); // "rob" was never sent
    const [first] = options();
    expect(first.textContent).toContain('Controllers');
    expect(first.textContent).toContain('PID loops');
    expect(first.querySelector('.snippet mark')?.textContent).toBe('robot');
    expect(first.querySelector('img')).toBeNull();
    expect(first.querySelector('a')?.getAttribute('href')).toBe('/lessons/controllers?highlight=robot#pid-loops');
    expect(document.querySelector('[data-testid="search-dialog-status"]')?.textContent?.trim()).toBe('2 sections found');

    // Nothing is marked until the learner moves; then the combobox points at the marked option.
    expect(input().getAttribute('aria-activedescendant')).toBeNull();
    press(input(), 'ArrowDown');
    press(input(), 'ArrowDown');
    await until(() => options()[1].getAttribute('aria-selected') === 'true');
    expect(input().getAttribute('aria-activedescendant')).toBe(options()[1].id);
    press(input(), 'ArrowDown'); // wraps round
    await until(() => options()[0].getAttribute('aria-selected') === 'true');
    press(input(), 'ArrowUp');
    await until(() => options()[1].getAttribute('aria-selected') === 'true');
    expect(press(input(), 'Enter').defaultPrevented).toBe(true);
    await until(() => router.url === '/lessons/digital-ai-vs-physical-ai?highlight=robot');
    await until(() => !dialog());
    expect(TestBed.inject(RecentSearches).list()).toEqual(['robot']);
  });

  it('says so when nothing matches, instead of showing anything', async () => {
    await render();
    button().click();
    await opened();
    type('xyzzy plugh');
    (await searchRequest()).flush({ mode: 'hybrid', results: [] });
    await until(() => !!document.querySelector('[data-testid="search-dialog-empty"]'));
    expect(document.querySelector('[data-testid="search-dialog-empty"]')?.textContent).toContain('No section of the book matches “xyzzy plugh”.');
    expect(options()).toHaveLength(0);
    expect(input().getAttribute('aria-expanded')).toBe('false');
  });

  it('says when search fails, in words for a learner', async () => {
    await render();
    button().click();
    await opened();
    type('robot');
    (await searchRequest()).flush({ statusCode: 503, error: 'x', message: 'OPENAI_API_KEY missing' }, { status: 503, statusText: 'Unavailable' });
    await until(() => !!document.querySelector('[data-testid="search-dialog-error"]'));
    const message = document.querySelector('[data-testid="search-dialog-error"]')?.textContent ?? '';
    expect(message).toContain('Search is not available right now');
    expect(message).not.toContain('OPENAI');
  });

  it('opens the full search page on Enter when no result is marked', async () => {
    await render();
    button().click();
    await opened();
    type('  how robots   balance ');
    press(input(), 'Enter');
    await until(() => router.url === '/search?q=how%20robots%20balance');
    await until(() => !dialog());
    http.match(() => true); // a search may have been sent before Enter
  });

  it('keeps recent searches in this browser, offers them while the box is empty, and runs one again', async () => {
    await render();
    const recent = TestBed.inject(RecentSearches);
    for (let i = 1; i <= RECENT_SEARCHES_MAX + 1; i++) recent.add(`query ${i}`);
    recent.add('Query 3'); // again (other case): moves first, once
    expect(recent.list()).toEqual(['Query 3', 'query 6', 'query 5', 'query 4', 'query 2']);
    expect(JSON.parse(localStorage.getItem('lectern.recentSearches') ?? '[]')).toEqual(recent.list());

    button().click();
    await opened();
    await until(() => options().length === RECENT_SEARCHES_MAX);
    expect(document.querySelector('[data-testid="search-dialog-recent"]')?.getAttribute('aria-labelledby')).toBeTruthy();
    press(input(), 'ArrowDown');
    press(input(), 'ArrowDown');
    press(input(), 'Enter');
    await until(() => input().value === 'query 6');
    const request = await searchRequest();
    expect(request.request.body).toEqual({ query: 'query 6', limit: 8 });
    request.flush(RESULTS);
    await until(() => options().length === 2 && !!options()[0].querySelector('a'));
  });

  it('forgets damaged stored searches', async () => {
    await render();
    localStorage.setItem('lectern.recentSearches', '{not json');
    const fresh = new RecentSearches();
    expect(fresh.list()).toEqual([]);
    localStorage.setItem('lectern.recentSearches', JSON.stringify(['ok', 3, '', 'fine']));
    expect(new RecentSearches().list()).toEqual(['ok', 'fine']);
  });

  it('loads the pop-up only when it is first opened', async () => {
    await render();
    expect(dialog()).toBeNull();
    expect(document.querySelector('lx-search-dialog')).toBeNull();
    button().click();
    await opened();
    button().click(); // already open: still one
    await settle();
    expect(document.querySelectorAll('lx-search-dialog')).toHaveLength(1);
  });
});
