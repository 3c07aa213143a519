import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { ProgressSummaryDto, RecommendationsResponse } from '@lectern/api-types';
import { SessionService } from '../../core/session.service';
import { PREFERENCES, PROGRESS, QUESTIONS, RECOMMENDATIONS, byTestId, learner, settle } from '../../testing/fixtures';
import { HomePage } from './home-page';

describe('HomePage', () => {
  let fixture: ComponentFixture<HomePage>;
  let root: HTMLElement;
  let http: HttpTestingController;

  async function open(progress: ProgressSummaryDto | 'fail' = PROGRESS, recommendations: RecommendationsResponse = RECOMMENDATIONS): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)), token: signal('tok-1') } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(HomePage);
    root = fixture.nativeElement as HTMLElement;
    await settle();
    http.expectOne('/api/onboarding/questions').flush(QUESTIONS);
    http.expectOne('/api/user/preferences').flush(PREFERENCES);
    const summary = http.expectOne('/api/progress');
    if (progress === 'fail') summary.flush({ statusCode: 500, error: 'x', message: 'x' }, { status: 500, statusText: 'Server Error' });
    else summary.flush(progress);
    const recs = http.expectOne((r) => r.url === '/api/progress/recommendations');
    expect(recs.request.params.get('limit')).toBe('4'); // one more: the lesson to continue is left out
    recs.flush(recommendations);
    await settle();
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  it('welcomes the learner with their profile, worded from the questionnaire', async () => {
    await open();
    const welcome = byTestId(root, 'home-welcome');
    expect(welcome.textContent?.replace(/\s+/g, ' ')).toContain(
      'Welcome back! Lessons will be written for a graduate · beginner programmer · new to robotics · AI/ML: no experience · goals: hobby, research · in English',
    );
  });

  it('offers to continue where the learner left off, at the section they were at', async () => {
    await open();
    const card = byTestId(root, 'continue-card');
    expect(card.querySelector('h2')?.textContent).toBe('Continue where you left off');
    const link = byTestId(card, 'continue-link');
    expect(link.textContent?.trim()).toBe('Lab: Try With AI');
    expect(link.getAttribute('href')).toBe('/lessons/lab-try-with-ai#steps');
    // It leads the page, and the welcome's book link steps back.
    expect(root.querySelector('section > .card')).toBe(card);
    expect(byTestId(root, 'home-start-reading').textContent?.trim()).toBe('Browse the book');
    expect(byTestId(root, 'home-start-reading').classList.contains('btn-primary')).toBe(false);
  });

  it('links the lesson alone when no section is known, and shows no card with nothing to resume', async () => {
    await open({ ...PROGRESS, resume: { lessonSlug: 'controllers', title: 'Controllers', section: null } });
    expect(byTestId(root, 'continue-link').getAttribute('href')).toBe('/lessons/controllers');
    TestBed.resetTestingModule();
    await open({ ...PROGRESS, resume: null });
    expect(root.querySelector('[data-testid="continue-card"]')).toBeNull();
    expect(root.querySelector('section > .card')).toBe(byTestId(root, 'home-welcome'));
    expect(byTestId(root, 'home-welcome').querySelector('h1')?.textContent?.trim()).toBe('Welcome!');
    expect(byTestId(root, 'home-start-reading').classList.contains('btn-primary')).toBe(true);
    // With nothing to continue, every recommendation is listed (three).
    expect(root.querySelectorAll('[data-testid="recommendation"]')).toHaveLength(3);
  });

  it('shows three recommendations compactly, each with its first reason, never the lesson Continue offers', async () => {
    await open();
    const items = Array.from(byTestId(root, 'home-recommendations').querySelectorAll<HTMLElement>('[data-testid="recommendation"]'));
    // lab-try-with-ai is recommended first, but it is the lesson to continue: not repeated.
    expect(items.map((i) => i.dataset['slug'])).toEqual(['spawning-a-robot', 'controllers', 'twin-summary']);
    expect(items[0].querySelector('a')?.getAttribute('href')).toBe('/lessons/spawning-a-robot');
    expect(items[0].textContent).toContain('20 min');
    expect(items[0].textContent).toContain('Its prerequisites are done');
    expect(byTestId(root, 'home-progress-link').getAttribute('href')).toBe('/progress');
  });

  it('leaves the progress cards out when progress is not available', async () => {
    await open('fail', { recommendations: [], total: 0 });
    expect(root.querySelector('[data-testid="continue-card"]')).toBeNull();
    expect(root.querySelector('[data-testid="home-recommendations"]')).toBeNull();
    expect(byTestId(root, 'home-welcome')).toBeTruthy();
  });
});
