import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, type TestRequest, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { PreferencesDto } from '@lectern/api-types';
import { SessionService } from '../core/session.service';
import { LESSON_MARKDOWN, PREFERENCES, QUESTIONS, QUEUED, READY, byTestId, job, learner, settle, until } from '../testing/fixtures';
import { JobStream, type StreamEvent, StreamUnavailableError } from './job-stream';
import { MESSAGES } from './personalization';
import { PersonalizedLesson } from './personalized-lesson';

const SLUG = 'digital-ai-vs-physical-ai';
const ACCEPTED = { status: 202, statusText: 'Accepted' };

describe('PersonalizedLesson', () => {
  let fixture: ComponentFixture<PersonalizedLesson>;
  let root: HTMLElement;
  let http: HttpTestingController;
  /** The job's event stream; unavailable unless a test says otherwise (the panel then polls). */
  let streamEvents: () => AsyncIterable<StreamEvent>;

  beforeEach(() => {
    streamEvents = () => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new StreamUnavailableError('not in tests')) }),
    });
  });

  async function open(preferences: PreferencesDto = PREFERENCES): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)) } },
        { provide: JobStream, useValue: { events: () => streamEvents() } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(PersonalizedLesson);
    fixture.componentRef.setInput('returnTo', `/lessons/${SLUG}?view=personalized`);
    fixture.componentRef.setInput('slug', SLUG);
    fixture.componentRef.setInput('originalMarkdown', LESSON_MARKDOWN);
    root = fixture.nativeElement as HTMLElement;
    await settle();
    http.expectOne('/api/onboarding/questions').flush(QUESTIONS);
    http.expectOne('/api/user/preferences').flush(preferences);
  }

  /** The POST /api/personalize request, once the panel has made it. */
  async function nextPost(): Promise<TestRequest> {
    let request: TestRequest | undefined;
    await until(() => {
      [request] = http.match({ method: 'POST', url: '/api/personalize' });
      return request !== undefined;
    });
    expect(request?.request.body).toEqual({ lessonSlug: SLUG });
    return request as TestRequest;
  }

  async function nextPoll(): Promise<TestRequest> {
    let request: TestRequest | undefined;
    await until(() => {
      [request] = http.match('/api/personalize/jobs/job-1');
      return request !== undefined;
    });
    return request as TestRequest;
  }

  const has = (testId: string) => root.querySelector(`[data-testid="${testId}"]`) !== null;
  const text = (testId: string) => byTestId(root, testId).textContent?.replace(/\s+/g, ' ').trim() ?? '';

  afterEach(() => {
    vi.useRealTimers();
    http.verify();
  });

  it('shows a cached rewrite at once, marked as cached, with who it is for', async () => {
    await open();
    (await nextPost()).flush(READY);
    await until(() => !!root.querySelector('[data-testid="personalized-body"] h2'));
    expect(text('personalize-for')).toBe('Personalized for a graduate · beginner programmer · new to robotics · in English');
    expect(text('personalize-cached')).toBe('Ready: written earlier for readers with your answers');
    expect(has('personalize-feedback')).toBe(true);
    const body = byTestId(root, 'personalized-body');
    expect(body.querySelector('h2')?.id).toBe('personalized-for-you');
    expect(body.textContent).toContain('A rewrite.');
    expect(body.hasAttribute('dir')).toBe(false);
    expect(has('personalize-regenerate')).toBe(true);
  });

  it('does not load an external image the rewrite added: the original lesson does not have it', async () => {
    await open();
    (await nextPost()).flush({ ...READY, content: '## For you\n\nA rewrite.\n\n![Session expired](https://tracker.example.com/p.gif)' });
    await until(() => !!root.querySelector('[data-testid="personalized-body"] img'));
    const image = byTestId(root, 'personalized-body').querySelector('img');
    expect(image?.hasAttribute('src')).toBe(false);
    expect(image?.hasAttribute('data-blocked-image')).toBe(true);
  });

  it('shows an Urdu rewrite right-to-left, with code kept left-to-right', async () => {
    await open({ ...PREFERENCES, preferredLanguage: 'ur' });
    const content = '## تعارف\n\nروبوٹ `ros2 run` کے ساتھ چلتا ہے۔\n\n```bash\nros2 run demo talker\n```\n';
    (await nextPost()).flush({ ...READY, content });
    await until(() => !!root.querySelector('[data-testid="personalized-body"] pre'));
    const body = byTestId(root, 'personalized-body');
    expect(body.getAttribute('dir')).toBe('rtl');
    expect(body.getAttribute('lang')).toBe('ur');
    expect(body.querySelector('pre')?.getAttribute('dir')).toBe('ltr');
    expect(body.querySelector('pre code')?.getAttribute('dir')).toBe('ltr');
    expect(body.querySelector('p code')?.getAttribute('dir')).toBe('ltr');
    expect(text('personalize-for')).toContain('in Urdu');
  });

  it('shows the rewrite being written with a real progress bar, then the rewrite', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    await open();
    (await nextPost()).flush(QUEUED, ACCEPTED);
    await until(() => has('personalize-progress'));
    const bar = () => byTestId(root, 'personalize-progress');
    expect(bar().getAttribute('role')).toBe('progressbar');
    expect(bar().getAttribute('aria-valuenow')).toBe('0');
    expect(bar().getAttribute('aria-valuemin')).toBe('0');
    expect(bar().getAttribute('aria-valuemax')).toBe('100');
    expect(text('personalize-for')).toBe('Being written for you: for a graduate · beginner programmer · new to robotics · in English');

    await vi.advanceTimersByTimeAsync(1000);
    (await nextPoll()).flush(job('active', 40));
    await until(() => bar().getAttribute('aria-valuenow') === '40');
    expect(bar().querySelector<HTMLElement>('.progress-fill')?.style.width).toBe('40%');

    await vi.advanceTimersByTimeAsync(1500);
    (await nextPoll()).flush(job('completed', 100, { result: { ...READY, cached: false, content: '## Written now\n\nFresh.' } }));
    await until(() => !!root.querySelector('[data-testid="personalized-body"] h2'));
    expect(byTestId(root, 'personalized-body').textContent).toContain('Fresh.');
    expect(has('personalize-progress')).toBe(false);
    expect(has('personalize-cached')).toBe(false);
  });

  it('shows the draft as it is written, marked as a draft, then the checked rewrite in its place', async () => {
    let finish: (() => void) | undefined;
    streamEvents = async function* () {
      yield { event: 'delta', data: { text: '## Written now\n\nThe first words' } };
      await new Promise<void>((resolve) => (finish = resolve));
      yield { event: 'done', data: { result: { ...READY, cached: false, content: '## Written now\n\nThe first words, checked.' } } };
    };
    await open();
    (await nextPost()).flush(QUEUED, ACCEPTED);
    await until(() => !!root.querySelector('[data-testid="personalized-draft"] h2'));
    expect(text('personalized-draft')).toContain('Draft');
    expect(text('personalized-draft')).toContain('The first words');
    expect(byTestId(root, 'personalized-draft').getAttribute('aria-busy')).toBe('true');
    expect(has('personalized-body')).toBe(false);
    finish?.();
    await until(() => !!root.querySelector('[data-testid="personalized-body"] h2'));
    expect(has('personalized-draft')).toBe(false);
    expect(text('personalized-body')).toContain('checked.');
  });

  it('explains a failed job, shows the original below, and can try again', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    await open();
    (await nextPost()).flush(QUEUED, ACCEPTED);
    await until(() => has('personalize-progress'));
    await vi.advanceTimersByTimeAsync(1000);
    (await nextPoll()).flush(job('failed', 20, { failedReason: 'The model timed out after 3 attempts', attemptsMade: 3 }));
    await until(() => has('personalize-error') && !!root.querySelector('[data-testid="personalize-original"] h2'));
    expect(text('personalize-error')).toBe(MESSAGES.failed);
    expect(root.textContent).not.toContain('timed out');
    expect(byTestId(root, 'personalize-original').querySelector('h2')?.id).toBe('personalized-two-kinds-of-ai');

    byTestId(root, 'personalize-retry').click();
    (await nextPost()).flush(READY);
    await until(() => has('personalized-body'));
    expect(has('personalize-error')).toBe(false);
  });

  it('says a 503 (no LLM configured) in words for the learner, with Try again', async () => {
    await open();
    const message = 'No LLM is configured: set OPENAI_API_KEY in .env (or OPENAI_BASE_URL for a local model) and restart; see README.';
    (await nextPost()).flush(
      { statusCode: 503, error: 'Service Unavailable', message },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await until(() => has('personalize-error'));
    expect(text('personalize-error')).toBe(MESSAGES.unavailable);
    expect(root.textContent).not.toMatch(/OPENAI|README|\.env/);
    expect(has('personalize-retry')).toBe(true);
    expect(has('personalize-original')).toBe(false);
  });

  it('regenerates: drops the cached rewrite, then asks again', async () => {
    await open();
    (await nextPost()).flush(READY);
    await until(() => has('personalize-regenerate'));
    byTestId(root, 'personalize-regenerate').click();
    let drop: TestRequest | undefined;
    await until(() => {
      [drop] = http.match((r) => r.method === 'DELETE' && r.url === '/api/personalize/cache');
      return drop !== undefined;
    });
    expect(drop?.request.params.get('lessonSlug')).toBe(SLUG);
    http.expectNone({ method: 'POST', url: '/api/personalize' });
    drop?.flush(null, { status: 204, statusText: 'No Content' });
    (await nextPost()).flush(QUEUED, ACCEPTED);
    await until(() => has('personalize-progress'));
  });

  it('points a learner who has not onboarded to the questionnaire', async () => {
    await open();
    (await nextPost()).flush({ statusCode: 409, error: 'Conflict', message: 'Onboarding first' }, { status: 409, statusText: 'Conflict' });
    await until(() => has('personalize-error'));
    const link = root.querySelector<HTMLAnchorElement>('[data-testid="personalize-onboard"]');
    expect(link?.getAttribute('href')).toBe(`/onboarding?returnTo=${encodeURIComponent(`/lessons/${SLUG}?view=personalized`)}`);
  });
});
