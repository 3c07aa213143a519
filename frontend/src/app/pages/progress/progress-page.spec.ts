import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { SessionService } from '../../core/session.service';
import { BOOK, PROGRESS, RECOMMENDATIONS, byTestId, learner, settle } from '../../testing/fixtures';
import { ProgressPage } from './progress-page';

describe('ProgressPage', () => {
  let fixture: ComponentFixture<ProgressPage>;
  let root: HTMLElement;
  let http: HttpTestingController;

  async function stable(): Promise<void> {
    await settle();
    await fixture.whenStable();
  }

  async function open(answer = true): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)), token: signal('tok-1') } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ProgressPage);
    root = fixture.nativeElement as HTMLElement;
    await settle();
    http.expectOne('/api/content/book').flush(BOOK);
    if (answer) {
      http.expectOne('/api/progress').flush(PROGRESS);
      const recommendations = http.expectOne((r) => r.url === '/api/progress/recommendations');
      expect(recommendations.request.params.get('limit')).toBe('5');
      recommendations.flush(RECOMMENDATIONS);
      await stable();
    }
  }

  afterEach(() => http.verify());

  const all = (selector: string, within: ParentNode = root) => Array.from(within.querySelectorAll<HTMLElement>(selector));
  const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();

  it('shows the whole book’s completion, lessons done and time spent', async () => {
    await open();
    expect(root.querySelector('h1')?.textContent).toBe('Your progress');
    expect(text(byTestId(root, 'progress-percent'))).toBe('20%');
    expect(text(byTestId(root, 'progress-done'))).toBe('1 of 5 lessons');
    expect(text(byTestId(root, 'progress-in-progress'))).toBe('1');
    expect(text(byTestId(root, 'progress-time'))).toBe('1 h 5 min');
    const bar = root.querySelector<HTMLProgressElement>('progress.overall-bar');
    expect(bar?.value).toBe(20);
    expect(root.querySelector(`#${bar?.getAttribute('aria-labelledby')}`)?.textContent).toContain('of the book completed');
    expect(byTestId(root, 'progress-resume').getAttribute('href')).toBe('/lessons/lab-try-with-ai#steps');
  });

  it('draws each part as a bar with a text alternative, and gives the same figures in a table', async () => {
    await open();
    const bars = all('[data-testid="part-bar"]');
    expect(bars.map((b) => b.dataset['part'])).toEqual(['1', '2']);
    const images = bars.map((b) => b.querySelector('[role="img"]'));
    expect(images.map((i) => i?.getAttribute('aria-label'))).toEqual([
      'Part 1, Physical AI Foundations: 50% complete, 1 of 2 lessons done, 1 in progress',
      'Part 2, The Digital Twin: 0% complete, 0 of 3 lessons done',
    ]);
    // Each bar is exactly the percentage beside it: nothing else is drawn in it.
    expect(bars.map((b) => Array.from(b.querySelectorAll<HTMLElement>('[role="img"] > *')).map((s) => s.style.width))).toEqual([['50%'], ['0%']]);
    expect(bars.map((b) => text(b.querySelector('.bar-value')))).toEqual(['50%', '0%']);
    expect(byTestId(root, 'progress-chart').tagName).toBe('FIGURE');

    const table = byTestId<HTMLTableElement>(root, 'progress-parts');
    expect(table.tagName).toBe('TABLE');
    expect(text(table.caption)).toBe('Lessons done in each part');
    expect(all('thead th', table).map((th) => text(th))).toEqual(['Part', 'Done', 'In progress', 'Lessons', 'Completion']);
    const rows = all('[data-testid="part-progress"]', table);
    expect(rows.map((r) => r.dataset['part'])).toEqual(['1', '2']);
    expect(rows.map((r) => all('th, td', r).map((c) => text(c)))).toEqual([
      ['Part 1 · Physical AI Foundations', '1', '1', '2', '50%'],
      ['Part 2 · The Digital Twin', '0', '0', '3', '0%'],
    ]);
    expect(rows[0].querySelector('th')?.getAttribute('scope')).toBe('row');
  });

  it('lists the recommended lessons with their layer, minutes, place in the book and every reason', async () => {
    await open();
    const items = all('[data-testid="recommendation"]', byTestId(root, 'recommendations'));
    expect(items.map((i) => i.dataset['slug'])).toEqual(['lab-try-with-ai', 'spawning-a-robot', 'controllers', 'twin-summary']);
    const [lab, spawning] = items;
    expect(lab.querySelector('a')?.getAttribute('href')).toBe('/lessons/lab-try-with-ai');
    expect(text(lab.querySelector('a'))).toBe('Lab: Try With AI');
    expect(text(lab.querySelector('[data-testid="recommendation-layer"]'))).toBe('L1 · Conceptual foundations');
    expect(text(lab.querySelector('[data-testid="recommendation-minutes"]'))).toBe('45 min');
    expect(text(lab.querySelector('[data-testid="recommendation-place"]'))).toBe('Physical AI Foundations › What Is Physical AI?');
    const reasons = all('[data-testid="recommendation-reason"]', lab);
    expect(reasons.map((r) => text(r))).toEqual(['You started it and have not finished it yet', 'It is a hands-on lab']);
    expect(reasons[0].parentElement?.tagName).toBe('UL');
    expect(text(root.querySelector(`#${reasons[0].parentElement?.getAttribute('aria-labelledby')}`))).toBe('Why this lesson');
    expect(text(spawning.querySelector('[data-testid="recommendation-layer"]'))).toBe('L2 · Simulation and digital twins');
  });

  it('says when there is nothing to recommend', async () => {
    await open(false);
    http.expectOne('/api/progress').flush({ ...PROGRESS, resume: null });
    http.expectOne((r) => r.url === '/api/progress/recommendations').flush({ recommendations: [], total: 0 });
    await stable();
    expect(byTestId(root, 'recommendations-empty').textContent).toContain('Nothing to recommend');
    expect(root.querySelector('[data-testid="progress-resume"]')).toBeNull();
  });

  it('says when progress could not be loaded, with a way to retry', async () => {
    await open(false);
    expect(byTestId(root, 'progress-loading').getAttribute('role')).toBe('status');
    http.expectOne('/api/progress').flush({ statusCode: 500, error: 'x', message: 'x' }, { status: 500, statusText: 'Server Error' });
    http.expectOne((r) => r.url === '/api/progress/recommendations').flush({ statusCode: 500, error: 'x', message: 'x' }, { status: 500, statusText: 'Server Error' });
    await stable();
    expect(byTestId(root, 'progress-error').getAttribute('role')).toBe('alert');
    expect(byTestId(root, 'recommendations-error').getAttribute('role')).toBe('alert');
    byTestId(root, 'progress-error').querySelector('button')?.click();
    await settle();
    http.expectOne('/api/progress').flush(PROGRESS);
    await stable();
    expect(all('[data-testid="part-progress"]')).toHaveLength(2);
  });
});
