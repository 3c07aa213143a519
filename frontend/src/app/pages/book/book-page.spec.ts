import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { BookDto } from '@lectern/api-types';
import { BOOK, byTestId, settle } from '../../testing/fixtures';
import { BookPage } from './book-page';

describe('BookPage', () => {
  let fixture: ComponentFixture<BookPage>;
  let root: HTMLElement;
  let http: HttpTestingController;

  async function stable(): Promise<void> {
    await settle();
    await fixture.whenStable();
  }

  async function open(book?: BookDto): Promise<void> {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(BookPage);
    root = fixture.nativeElement as HTMLElement;
    await settle();
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

  it('says when the book has no lessons yet', async () => {
    await open({ ...BOOK, parts: [] });
    expect(byTestId(root, 'book-empty').textContent).toContain('no lessons yet');
    expect(root.querySelector('[data-testid="book-tree"]')).toBeNull();
  });
});
