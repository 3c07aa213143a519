import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { BookDto, ProgressSummaryDto } from '@lectern/api-types';
import { SessionService } from '../../core/session.service';
import { BOOK, PROGRESS, byTestId, learner, settle } from '../../testing/fixtures';
import { BookPage } from './book-page';

describe('BookPage', () => {
  let fixture: ComponentFixture<BookPage>;
  let root: HTMLElement;
  let http: HttpTestingController;

  async function stable(): Promise<void> {
    await settle();
    await fixture.whenStable();
  }

  async function open(book?: BookDto, progress: ProgressSummaryDto | 'fail' = { ...PROGRESS, resume: null, lessons: [] }): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)), token: signal('tok-1') } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(BookPage);
    root = fixture.nativeElement as HTMLElement;
    await settle();
    const summary = http.expectOne('/api/progress');
    if (progress === 'fail') summary.flush({ statusCode: 500, error: 'x', message: 'x' }, { status: 500, statusText: 'Server Error' });
    else summary.flush(progress);
    if (book) {
      http.expectOne('/api/content/book').flush(book);
      await stable();
    }
  }

  afterEach(() => http.verify());

  const all = (selector: string) => Array.from(root.querySelectorAll<HTMLElement>(selector));

  it('shows the whole tree in reading order, each lesson linking to its page', async () => {
    await open(BOOK);
    expect(root.querySelector('h1')?.textContent).toBe('Physical AI & Humanoid Robotics');
    const tree = byTestId(root, 'book-tree');
    expect(all('[data-testid="book-part"]').map((p) => p.dataset['part'])).toEqual(['1', '2']);
    expect(all('[data-testid="book-chapter"]').map((c) => c.dataset['chapter'])).toEqual(['1', '2']);
    const lessons = all('[data-testid="book-lesson"]');
    expect(lessons.map((l) => l.dataset['slug'])).toEqual([
      'digital-ai-vs-physical-ai',
      'lab-try-with-ai',
      'spawning-a-robot',
      'controllers',
      'twin-summary',
    ]);
    expect(lessons.map((l) => l.querySelector('a')?.getAttribute('href'))[1]).toBe('/lessons/lab-try-with-ai');
    expect(lessons.every((l) => l.tagName === 'LI' && l.querySelectorAll('a').length === 1)).toBe(true);
    expect(tree.querySelector('[data-part="2"] [data-chapter="2"] [data-slug="controllers"]')).not.toBeNull();
  });

  it('labels layers with the book’s names, both of them for a part that spans two', async () => {
    await open(BOOK);
    const badges = (part: string) =>
      Array.from(root.querySelectorAll(`[data-part="${part}"] .part-meta [data-testid="layer-badge"]`)).map((b) => b.textContent?.trim());
    expect(badges('1')).toEqual(['L1 · Conceptual foundations']);
    expect(badges('2')).toEqual(['L2 · Simulation and digital twins', 'L3 · Control and embodiment']);
    // In a spanning part each lesson says which level it is at.
    expect(root.querySelector('[data-slug="controllers"]')?.textContent).toContain('L3 · Control and embodiment');
  });

  it('shows each lesson’s type and estimated minutes', async () => {
    await open(BOOK);
    const lesson = (slug: string) => root.querySelector<HTMLElement>(`[data-slug="${slug}"]`);
    expect(lesson('lab-try-with-ai')?.querySelector('[data-testid="lesson-type"]')?.textContent).toBe('Lab');
    expect(lesson('twin-summary')?.querySelector('[data-testid="lesson-type"]')?.textContent).toBe('Summary');
    expect(lesson('digital-ai-vs-physical-ai')?.querySelector('[data-testid="lesson-type"]')).toBeNull();
    expect(lesson('lab-try-with-ai')?.querySelector('[data-testid="lesson-minutes"]')?.textContent).toBe('45 min');
  });

  it('lets parts and chapters be collapsed, open to start with', async () => {
    await open(BOOK);
    const details = all('[data-testid="book-part"] > details, [data-testid="book-chapter"] > details') as HTMLDetailsElement[];
    expect(details).toHaveLength(4);
    expect(details.every((d) => d.open && d.querySelector(':scope > summary'))).toBe(true);
    expect(details[0].querySelector('summary')?.textContent).toContain('Physical AI Foundations');
  });

  it('says when it is loading, and when the book could not be loaded, with a way to retry', async () => {
    await open();
    expect(byTestId(root, 'book-loading').textContent).toContain('Loading');
    http.expectOne('/api/content/book').flush({ statusCode: 500, error: 'Internal Server Error', message: 'x' }, { status: 500, statusText: 'Server Error' });
    await stable();
    const error = byTestId(root, 'book-error');
    expect(error.getAttribute('role')).toBe('alert');
    error.querySelector('button')?.click();
    await settle();
    http.expectOne('/api/content/book').flush(BOOK);
    await stable();
    expect(all('[data-testid="book-lesson"]')).toHaveLength(5);
  });

  it('marks completed lessons with a labelled check mark and started ones as in progress', async () => {
    await open(BOOK, PROGRESS);
    const lesson = (slug: string) => root.querySelector<HTMLElement>(`[data-testid="book-lesson"][data-slug="${slug}"]`) as HTMLElement;
    const check = lesson('digital-ai-vs-physical-ai').querySelector('[data-testid="lesson-check"]');
    expect(check?.getAttribute('role')).toBe('img');
    expect(check?.getAttribute('aria-label')).toBe('completed');
    expect(check?.closest('a')?.getAttribute('href')).toBe('/lessons/digital-ai-vs-physical-ai');
    expect(lesson('digital-ai-vs-physical-ai').querySelector('[data-testid="lesson-in-progress"]')).toBeNull();

    const started = lesson('lab-try-with-ai').querySelector('[data-testid="lesson-in-progress"]');
    expect(started?.getAttribute('aria-label')).toBe('in progress');
    expect(lesson('lab-try-with-ai').querySelector('[data-testid="lesson-check"]')).toBeNull();

    for (const slug of ['spawning-a-robot', 'controllers', 'twin-summary']) {
      expect(lesson(slug).querySelector('[data-testid="lesson-check"], [data-testid="lesson-in-progress"]')).toBeNull();
    }
    expect(all('[data-testid="lesson-check"]')).toHaveLength(1);
  });

  it('shows each chapter’s completion: "n of m done" and a bar', async () => {
    await open(BOOK, PROGRESS);
    const progress = all('[data-testid="chapter-progress"]');
    expect(progress.map((p) => p.textContent?.trim())).toEqual(['1 of 2 done', '0 of 3 done']);
    expect(progress[0].closest('[data-testid="book-chapter"]')?.getAttribute('data-chapter')).toBe('1');
    expect(progress[0].closest('summary')).not.toBeNull();
    const fill = progress[0].querySelector<HTMLElement>('.mini-bar-fill');
    expect(fill?.style.width).toBe('50%');
    expect(fill?.parentElement?.getAttribute('aria-hidden')).toBe('true');
    expect(progress[1].querySelector<HTMLElement>('.mini-bar-fill')?.style.width).toBe('0%');
  });

  it('counts a chapter the progress summary does not know from the lesson statuses', async () => {
    await open(BOOK, { ...PROGRESS, parts: [] });
    expect(all('[data-testid="chapter-progress"]').map((p) => p.textContent?.trim())).toEqual(['1 of 2 done', '0 of 3 done']);
  });

  it('still shows the book when progress cannot be loaded, without marks', async () => {
    await open(BOOK, 'fail');
    expect(all('[data-testid="book-lesson"]')).toHaveLength(5);
    expect(all('[data-testid="lesson-check"], [data-testid="chapter-progress"]')).toHaveLength(0);
  });

  it('says when the book has no lessons yet', async () => {
    await open({ ...BOOK, parts: [] });
    expect(byTestId(root, 'book-empty').textContent).toContain('no lessons yet');
    expect(root.querySelector('[data-testid="book-tree"]')).toBeNull();
  });
});
