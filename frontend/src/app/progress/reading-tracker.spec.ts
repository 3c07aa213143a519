import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, type TestRequest, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { LessonTimeRequest } from '@lectern/api-types';
import type { Mock } from 'vitest';
import { authInterceptor } from '../core/auth.interceptor';
import { SessionService } from '../core/session.service';
import { learner, lessonProgress } from '../testing/fixtures';
import { READING, ReadingTracker } from './reading-tracker';

const SLUG = 'digital-ai-vs-physical-ai';
const TIME_URL = `/api/progress/lessons/${SLUG}/time`;

describe('ReadingTracker', () => {
  let http: HttpTestingController;
  let tracker: ReadingTracker;
  let fetchMock: Mock<(url: string, init: RequestInit) => Promise<unknown>>;
  let visibility: DocumentVisibilityState;

  /** Lets the session promise and the requests behind it run (timers are fake). */
  const flush = () => vi.advanceTimersByTimeAsync(0);
  /** `seconds` of wall time, one second at a time. */
  const wait = (seconds: number) => vi.advanceTimersByTimeAsync(seconds * 1000);

  async function readFor(seconds: number): Promise<void> {
    // The learner scrolls every 20 s: always active.
    for (let left = seconds; left > 0; left -= Math.min(20, left)) {
      window.dispatchEvent(new Event('scroll'));
      await wait(Math.min(20, left));
    }
  }

  function setVisibility(state: DocumentVisibilityState): void {
    visibility = state;
    document.dispatchEvent(new Event('visibilitychange'));
  }

  const heartbeats = (): TestRequest[] => http.match({ method: 'PUT', url: TIME_URL });
  const keepalives = () =>
    fetchMock.mock.calls.map(([url, init]) => ({ url, init, body: JSON.parse(String(init.body)) as LessonTimeRequest }));

  const startUrl = (slug = SLUG) => `/api/progress/lessons/${slug}/start`;

  /** Opens the lesson: its progress is read (GET), nothing is started. */
  async function open(section: string | null = null, slug = SLUG): Promise<void> {
    tracker.open(slug, section);
    await flush();
    http.expectOne({ method: 'GET', url: `/api/progress/lessons/${slug}` }).flush(lessonProgress(slug, 'not_started'));
    await flush();
  }

  /** Opens the lesson and reads the 10 s that start it (the start answered). */
  async function openAndStart(section: string | null = null, slug = SLUG): Promise<TestRequest> {
    await open(section, slug);
    await readFor(READING.startAfterSeconds);
    const start = http.expectOne({ method: 'POST', url: startUrl(slug) });
    start.flush(lessonProgress(slug, 'in_progress'));
    await flush();
    return start;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    visibility = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    fetchMock = vi.fn<(url: string, init: RequestInit) => Promise<unknown>>(() => Promise.resolve({ ok: true }));
    vi.stubGlobal('fetch', fetchMock);
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        ReadingTracker,
        { provide: SessionService, useValue: { ensure: () => Promise.resolve(learner(true)), token: signal('tok-1') } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    tracker = TestBed.inject(ReadingTracker);
  });

  afterEach(() => {
    tracker.close();
    http.verify();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    delete (document as { visibilityState?: unknown }).visibilityState;
    document.body.innerHTML = '';
  });

  it('reads the progress on open and starts nothing: a lesson opened and left alone is not reported', async () => {
    await open();
    expect(tracker.progress()?.status).toBe('not_started');
    await wait(5 * 60); // no scroll, key or pointer: the learner never read it
    expect(http.match({ method: 'POST', url: startUrl() })).toHaveLength(0);
    expect(heartbeats()).toHaveLength(0);
    tracker.close();
    expect(keepalives()).toEqual([]);
  });

  it('reports nothing for a lesson glanced at for less than 10 s, even with activity', async () => {
    await open();
    await readFor(READING.startAfterSeconds - 1);
    tracker.close();
    expect(http.match({ method: 'POST', url: startUrl() })).toHaveLength(0);
    expect(keepalives()).toEqual([]);
  });

  it('starts the lesson after 10 s of reading, with the deep link’s section, and shows the answer', async () => {
    await open('try-it');
    await readFor(READING.startAfterSeconds - 1);
    expect(http.match({ method: 'POST', url: startUrl() })).toHaveLength(0);
    await readFor(1);
    const start = http.expectOne({ method: 'POST', url: startUrl() });
    expect(start.request.body).toEqual({ section: 'try-it' });
    expect(start.request.headers.get('Authorization')).toBe('Bearer tok-1');
    start.flush(lessonProgress(SLUG, 'in_progress'));
    await flush();
    expect(tracker.progress()?.status).toBe('in_progress');
  });

  it('starts at once when the learner scrolls on to another section than the one it opened at', async () => {
    const body = document.createElement('div');
    body.innerHTML = '<p>Intro</p><h2 id="two-kinds">A</h2><h2 id="try-it">B</h2>';
    document.body.append(body);
    const tops: Record<string, number> = { 'two-kinds': 50, 'try-it': 700 };
    for (const heading of Array.from(body.querySelectorAll('h2'))) {
      vi.spyOn(heading, 'getBoundingClientRect').mockImplementation(() => ({ top: tops[heading.id] }) as DOMRect);
    }
    tracker.watchSections(() => body);
    await open('two-kinds'); // a deep link: being at its section is not reading yet
    window.dispatchEvent(new Event('scroll'));
    await wait(2);
    expect(http.match({ method: 'POST', url: startUrl() })).toHaveLength(0);
    Object.assign(tops, { 'two-kinds': -600, 'try-it': 40 });
    window.dispatchEvent(new Event('scroll'));
    await wait(1);
    http.expectOne({ method: 'POST', url: startUrl() }).flush(lessonProgress(SLUG, 'in_progress'));
    expect(http.match({ method: 'POST', url: startUrl() })).toHaveLength(0);
  });

  it('starts with an empty body without a section, and ignores a fragment that is not an anchor', async () => {
    await open('not an anchor', 'controllers');
    await readFor(READING.startAfterSeconds);
    expect(http.expectOne(startUrl('controllers')).request.body).toEqual({});
  });

  it('sends a heartbeat every 30 s of reading, with the counted seconds', async () => {
    await openAndStart();
    await readFor(19);
    expect(heartbeats()).toHaveLength(0);
    await readFor(1);
    const [first] = heartbeats();
    expect(first.request.body).toEqual({ seconds: 30 });
    expect(first.request.headers.get('Authorization')).toBe('Bearer tok-1');
    first.flush(lessonProgress(SLUG, 'in_progress', { timeSpentSeconds: 30 }));
    await readFor(60);
    const next = heartbeats();
    expect(next.map((r) => r.request.body)).toEqual([{ seconds: 30 }, { seconds: 30 }]);
    next.forEach((r) => r.flush(lessonProgress(SLUG, 'in_progress')));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('stops counting after a minute without activity, and counts again on scroll, key or pointer', async () => {
    await openAndStart();
    await wait(5 * 60); // left alone after the last scroll: only its first minute counts
    expect(heartbeats().map((r) => r.request.body)).toEqual([{ seconds: 30 }, { seconds: 30 }]);
    tracker.close();
    expect(keepalives()).toEqual([]); // nothing left to report

    await openAndStart(null, 'controllers');
    await wait(60);
    http.match('/api/progress/lessons/controllers/time'); // the first minute's two heartbeats
    await wait(60);
    expect(http.match('/api/progress/lessons/controllers/time')).toHaveLength(0);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await wait(20);
    document.body.dispatchEvent(new Event('pointerdown', { bubbles: true }));
    await wait(10);
    expect(http.match('/api/progress/lessons/controllers/time').map((r) => r.request.body)).toEqual([{ seconds: 30 }]);
  });

  it('does not count while the tab is hidden, and flushes with a keepalive request when it is hidden', async () => {
    await openAndStart();
    await readFor(2);
    setVisibility('hidden');
    expect(keepalives()).toEqual([
      {
        url: TIME_URL,
        init: expect.objectContaining({
          method: 'PUT',
          keepalive: true,
          headers: { Authorization: 'Bearer tok-1', 'Content-Type': 'application/json' },
        }),
        body: { seconds: 12 },
      },
    ]);
    await wait(120);
    setVisibility('visible');
    await readFor(18);
    expect(heartbeats()).toHaveLength(0); // 18 s counted since the flush
    await readFor(12);
    expect(heartbeats().map((r) => r.request.body)).toEqual([{ seconds: 30 }]);
  });

  it('flushes what is left on pagehide and when the lesson is closed (leaving the page)', async () => {
    await openAndStart();
    await readFor(25);
    heartbeats().forEach((r) => r.flush(lessonProgress(SLUG, 'in_progress')));
    window.dispatchEvent(new Event('pagehide'));
    expect(keepalives().map((k) => k.body)).toEqual([{ seconds: 5 }]);
    await readFor(7);
    tracker.close();
    expect(keepalives().map((k) => k.body)).toEqual([{ seconds: 5 }, { seconds: 7 }]);
    await readFor(60); // closed: no more counting, no listeners left
    window.dispatchEvent(new Event('pagehide'));
    expect(heartbeats()).toHaveLength(0);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('flushes the previous lesson when another one opens', async () => {
    await openAndStart();
    await readFor(9);
    tracker.open('controllers');
    expect(keepalives().map((k) => [k.url, k.body])).toEqual([[TIME_URL, { seconds: 19 }]]);
    await flush();
    http.expectOne('/api/progress/lessons/controllers').flush(lessonProgress('controllers', 'not_started'));
  });

  it('reports the section: the last heading scrolled past the top of the viewport', async () => {
    const body = document.createElement('div');
    body.innerHTML = '<p>Intro</p><h2 id="two-kinds">A</h2><h3 id="why-bodies">B</h3><h2 id="try-it">C</h2><h4 id="deep">D</h4>';
    document.body.append(body);
    const tops: Record<string, number> = { 'two-kinds': -800, 'why-bodies': 40, 'try-it': 600, deep: -10 };
    for (const heading of Array.from(body.querySelectorAll('h2, h3, h4'))) {
      vi.spyOn(heading, 'getBoundingClientRect').mockImplementation(() => ({ top: tops[heading.id] }) as DOMRect);
    }
    let shown = true;
    tracker.watchSections(() => (shown ? body : null));

    await open();
    await readFor(30);
    // Already at a section: the lesson was started at the first tick, there.
    const start = http.expectOne({ method: 'POST', url: startUrl() });
    expect(start.request.body).toEqual({ section: 'why-bodies' });
    start.flush(lessonProgress(SLUG, 'in_progress'));
    expect(heartbeats().map((r) => r.request.body)).toEqual([{ seconds: 30, section: 'why-bodies' }]);

    tops['why-bodies'] = 500; // scrolled back up
    await readFor(4);
    setVisibility('hidden');
    expect(keepalives().map((k) => k.body)).toEqual([{ seconds: 4, section: 'two-kinds' }]);

    setVisibility('visible');
    tops['two-kinds'] = 300; // back at the introduction
    await readFor(30);
    expect(heartbeats().map((r) => r.request.body)).toEqual([{ seconds: 30 }]);

    Object.assign(tops, { 'two-kinds': -2000, 'why-bodies': -1500, 'try-it': 0 });
    await readFor(1);
    shown = false; // another view (the Personalized tab): the last section seen is kept
    tops['try-it'] = 900;
    await readFor(29);
    expect(heartbeats().map((r) => r.request.body)).toEqual([{ seconds: 30, section: 'try-it' }]);
  });

  it('marks the lesson as complete, and a late heartbeat does not undo it', async () => {
    await openAndStart();
    await readFor(20);
    const [late] = heartbeats();
    const done = tracker.complete();
    await flush();
    http.expectOne({ method: 'POST', url: `/api/progress/lessons/${SLUG}/complete` }).flush(lessonProgress(SLUG, 'completed'));
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(tracker.progress()?.status).toBe('completed');
    late.flush(lessonProgress(SLUG, 'in_progress', { timeSpentSeconds: 30 }));
    await flush();
    expect(tracker.progress()).toMatchObject({ status: 'completed', timeSpentSeconds: 30 });
  });

  it('counts again the seconds of a heartbeat that did not reach the server', async () => {
    await openAndStart();
    await readFor(20);
    heartbeats()[0].error(new ProgressEvent('error'));
    await readFor(30);
    expect(heartbeats().map((r) => r.request.body)).toEqual([{ seconds: 60 }]);
  });

  it('ticks once a second', () => {
    expect(READING.tickMs).toBe(1000);
    expect(READING.heartbeatSeconds).toBe(30);
    expect(READING.idleAfterMs).toBe(60_000);
    expect(READING.startAfterSeconds).toBe(10);
  });
});
