import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, type TestRequest, provideHttpClientTesting } from '@angular/common/http/testing';
import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { SessionService } from '../core/session.service';
import { QUEUED, READY, job, learner } from '../testing/fixtures';
import { JobStream, type StreamEvent, StreamUnavailableError } from './job-stream';
import { MESSAGES, POLLING, Personalization, nextDelay } from './personalization';

const SLUG = 'digital-ai-vs-physical-ai';

describe('Personalization', () => {
  let http: HttpTestingController;
  let injector: EnvironmentInjector;
  let store: Personalization;
  /** What the job's event stream does; by default it is unavailable (so the store polls). */
  let streamEvents: (url: string, signal: AbortSignal) => AsyncIterable<StreamEvent>;
  const unavailable = (): AsyncIterable<StreamEvent> => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new StreamUnavailableError('not in tests')) }),
  });

  /** Lets the awaited session and HTTP answers run (fake timers stay where they are). */
  const flush = () => vi.advanceTimersByTimeAsync(0);
  const expectPost = () => {
    const post = http.expectOne({ method: 'POST', url: '/api/personalize' });
    expect(post.request.body).toEqual({ lessonSlug: SLUG });
    return post;
  };
  const expectPoll = () => http.expectOne({ method: 'GET', url: '/api/personalize/jobs/job-1' });
  /** Answers a request (an error when given a ProgressEvent), then lets the store react. */
  async function answer(request: TestRequest, body: unknown, init?: { status: number; statusText: string }): Promise<void> {
    if (body instanceof ProgressEvent) request.error(body);
    else request.flush(body as object | null, init);
    await flush();
  }

  beforeEach(() => {
    vi.useFakeTimers();
    streamEvents = unavailable;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)) } },
        { provide: JobStream, useValue: { events: (url: string, signal: AbortSignal) => streamEvents(url, signal) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    destroyed = false;
    injector = createEnvironmentInjector([Personalization], TestBed.inject(EnvironmentInjector));
    store = injector.get(Personalization);
  });

  afterEach(() => {
    vi.useRealTimers();
    if (!destroyed) injector.destroy();
    http.verify();
  });

  let destroyed = false;
  function destroy(): void {
    injector.destroy();
    destroyed = true;
  }

  it('backs off from 1 s by ×1.5 up to 5 s', () => {
    const delays: number[] = [POLLING.firstDelayMs];
    while (delays.length < 7) delays.push(nextDelay(delays[delays.length - 1]));
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000]);
  });

  it('shows a cached rewrite at once', async () => {
    store.open(SLUG);
    expect(store.state().kind).toBe('requesting');
    await flush();
    await answer(expectPost(), READY);
    expect(store.state()).toEqual({ kind: 'ready', result: READY, cached: true });
  });

  it('polls a queued job with backoff, following its progress, until it completes', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    expect(store.state()).toEqual({ kind: 'writing', jobId: 'job-1', jobState: 'queued', progress: 0, draft: '' });

    await vi.advanceTimersByTimeAsync(999);
    http.expectNone('/api/personalize/jobs/job-1');
    await vi.advanceTimersByTimeAsync(1);
    await answer(expectPoll(), job('queued', 0));

    await vi.advanceTimersByTimeAsync(1499);
    http.expectNone('/api/personalize/jobs/job-1');
    await vi.advanceTimersByTimeAsync(1);
    await answer(expectPoll(), job('active', 35));
    expect(store.state()).toEqual({ kind: 'writing', jobId: 'job-1', jobState: 'active', progress: 35, draft: '' });

    await vi.advanceTimersByTimeAsync(2250);
    await answer(expectPoll(), job('active', 80));
    expect(store.state()).toMatchObject({ kind: 'writing', progress: 80 });

    await vi.advanceTimersByTimeAsync(3375);
    const result = { ...READY, cached: false, content: '## Written now' };
    await answer(expectPoll(), job('completed', 100, { result }));
    expect(store.state()).toEqual({ kind: 'ready', result, cached: false });

    await vi.advanceTimersByTimeAsync(60_000);
    http.expectNone('/api/personalize/jobs/job-1');
  });

  it('reports a failed job in words for the learner (never its reason), and shows the original', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    await vi.advanceTimersByTimeAsync(1000);
    await answer(expectPoll(), job('failed', 40, { failedReason: 'The model returned an empty answer', attemptsMade: 3 }));
    expect(store.state()).toEqual({ kind: 'failed', message: MESSAGES.failed, showOriginal: true, needsOnboarding: false });
    expect(JSON.stringify(store.state())).not.toContain('empty answer');
    await vi.advanceTimersByTimeAsync(60_000);
    http.expectNone('/api/personalize/jobs/job-1');

    store.retry();
    await flush();
    await answer(expectPost(), READY);
    expect(store.state().kind).toBe('ready');
  });

  it('never shows the server own message for a 503 (no LLM configured) or a 429', async () => {
    const noLlm = 'No LLM is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a local model) and restart; see README.';
    store.open(SLUG);
    await flush();
    await answer(
      expectPost(),
      { statusCode: 503, error: 'Service Unavailable', message: noLlm },
      { status: 503, statusText: 'Service Unavailable' },
    );
    expect(store.state()).toEqual({ kind: 'failed', message: MESSAGES.unavailable, showOriginal: false, needsOnboarding: false });

    store.retry();
    await flush();
    const limited = 'Too many personalization requests: at most 5 new rewrites a minute (PERSONALIZE_RATE_PER_MINUTE)';
    await answer(
      expectPost(),
      { statusCode: 429, error: 'Too Many Requests', code: 'rate_limited', message: limited },
      { status: 429, statusText: 'Too Many Requests' },
    );
    expect(store.state()).toMatchObject({ kind: 'failed', message: MESSAGES.tooMany });

    store.retry();
    await flush();
    await answer(
      expectPost(),
      { statusCode: 429, error: 'Too Many Requests', code: 'daily_budget_exhausted', message: "Today's LLM budget is used up" },
      { status: 429, statusText: 'Too Many Requests' },
    );
    expect(store.state()).toMatchObject({ kind: 'failed', message: MESSAGES.pausedToday });
  });

  it('follows the stream: the draft grows (a restart drops it), then the checked rewrite replaces it', async () => {
    const events: StreamEvent[] = [];
    let push: (() => void) | undefined;
    let seenUrl = '';
    streamEvents = async function* (url) {
      seenUrl = url;
      for (;;) {
        while (events.length) {
          const next = events.shift() as StreamEvent;
          yield next;
          if (next.event === 'done' || next.event === 'failed') return;
        }
        await new Promise<void>((resolve) => (push = resolve));
      }
    };
    const send = async (...more: StreamEvent[]) => {
      events.push(...more);
      push?.();
      await flush();
    };
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    expect(seenUrl).toBe('/api/personalize/jobs/job-1/stream');
    await send({ event: 'progress', data: { progress: 5 } }, { event: 'delta', data: { text: 'Old ' } });
    expect(store.state()).toEqual({ kind: 'writing', jobId: 'job-1', jobState: 'active', progress: 5, draft: 'Old ' });
    await send({ event: 'restart', data: {} }, { event: 'delta', data: { text: '## Two ' } }, { event: 'delta', data: { text: 'kinds' } });
    expect(store.state()).toMatchObject({ kind: 'writing', draft: '## Two kinds' });
    const result = { ...READY, cached: false, content: '## Two kinds of AI' };
    await send({ event: 'done', data: { result } });
    expect(store.state()).toEqual({ kind: 'ready', result, cached: false });
    await vi.advanceTimersByTimeAsync(60_000);
    http.expectNone('/api/personalize/jobs/job-1');
  });

  it('a stream that ends with `failed` shows the original with a note for the learner', async () => {
    streamEvents = async function* () {
      yield { event: 'delta', data: { text: 'Draft' } };
      yield { event: 'failed', data: { reason: 'Error: fidelity check failed twice' } };
    };
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    await flush();
    expect(store.state()).toEqual({ kind: 'failed', message: MESSAGES.failed, showOriginal: true, needsOnboarding: false });
  });

  it('falls back to polling when the stream breaks before the outcome', async () => {
    streamEvents = async function* () {
      yield { event: 'delta', data: { text: 'Dra' } };
      throw new StreamUnavailableError('connection reset');
    };
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    await flush();
    expect(store.state()).toMatchObject({ kind: 'writing', draft: 'Dra' });
    await vi.advanceTimersByTimeAsync(1000);
    await answer(expectPoll(), job('completed', 100, { result: READY }));
    expect(store.state()).toMatchObject({ kind: 'ready' });
  });

  it('asks a learner who has not onboarded to answer the questionnaire (409)', async () => {
    store.open(SLUG);
    await flush();
    await answer(
      expectPost(),
      { statusCode: 409, error: 'Conflict', message: 'Onboarding first' },
      { status: 409, statusText: 'Conflict' },
    );
    expect(store.state()).toMatchObject({ kind: 'failed', needsOnboarding: true });
  });

  it('stops polling when the panel is destroyed', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    await vi.advanceTimersByTimeAsync(1000);
    await answer(expectPoll(), job('active', 10));
    await vi.advanceTimersByTimeAsync(1500);
    const inFlight = expectPoll();

    destroy();
    expect(inFlight.cancelled).toBe(true);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    http.expectNone('/api/personalize/jobs/job-1');
  });

  it('drops the previous lesson when another one is opened', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });

    store.open('lab-try-with-ai');
    await flush();
    const post = http.expectOne('/api/personalize');
    expect(post.request.body).toEqual({ lessonSlug: 'lab-try-with-ai' });
    await answer(post, { ...READY, lessonSlug: 'lab-try-with-ai' });
    await vi.advanceTimersByTimeAsync(30_000);
    http.expectNone('/api/personalize/jobs/job-1');
    expect(store.state()).toMatchObject({ kind: 'ready', result: { lessonSlug: 'lab-try-with-ai' } });
  });

  it('does not ask again for the lesson it already has', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), READY);
    store.open(SLUG);
    await flush();
    http.expectNone('/api/personalize');
  });

  it('regenerates: DELETE the cached rewrite, then POST', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), READY);

    store.regenerate();
    expect(store.state().kind).toBe('requesting');
    await flush();
    http.expectNone({ method: 'POST', url: '/api/personalize' });
    const drop = http.expectOne((r) => r.method === 'DELETE' && r.url === '/api/personalize/cache');
    expect(drop.request.params.get('lessonSlug')).toBe(SLUG);
    await answer(drop, null, { status: 204, statusText: 'No Content' });
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    expect(store.state().kind).toBe('writing');
    await vi.advanceTimersByTimeAsync(1000);
    await answer(expectPoll(), job('completed', 100, { result: { ...READY, cached: false } }));
    expect(store.state()).toMatchObject({ kind: 'ready', cached: false });
  });

  it('gives up after 10 minutes with an error, never a spinner forever', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    let polls = 0;
    for (let elapsed = 0; elapsed < POLLING.giveUpAfterMs + 10_000; elapsed += 500) {
      await vi.advanceTimersByTimeAsync(500);
      for (const request of http.match('/api/personalize/jobs/job-1')) {
        polls++;
        await answer(request, job('queued', 0));
      }
    }
    expect(polls).toBeGreaterThan(100);
    expect(store.state()).toMatchObject({ kind: 'failed', showOriginal: true });
    expect((store.state() as { message: string }).message).toContain('taking much longer');
  });

  it('tolerates a dropped status call, but not three in a row', async () => {
    store.open(SLUG);
    await flush();
    await answer(expectPost(), QUEUED, { status: 202, statusText: 'Accepted' });
    await vi.advanceTimersByTimeAsync(1000);
    await answer(expectPoll(), new ProgressEvent('error'));
    expect(store.state().kind).toBe('writing');
    await vi.advanceTimersByTimeAsync(1500);
    await answer(expectPoll(), new ProgressEvent('error'));
    await vi.advanceTimersByTimeAsync(2250);
    await answer(expectPoll(), new ProgressEvent('error'));
    expect(store.state()).toMatchObject({ kind: 'failed', message: expect.stringContaining('could not be reached') });
  });
});
