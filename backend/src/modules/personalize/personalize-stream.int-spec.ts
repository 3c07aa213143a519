import type {
  OnboardingAnswers,
  PersonalizeFeedbackSummary,
  PersonalizeJobStatus,
  PersonalizeQueued,
  PersonalizeReady,
} from '@lectern/api-types';
import { ContentJobsModule, ContentModule, ContentSyncHandler, ContentSyncService, CONTENT_QUEUE } from '@lectern/content';
import { DraftStreamService, MetricsService, QueueModule, WorkerRunnerModule, jobBinding } from '@lectern/infra';
import { OnboardingModule } from '@lectern/onboarding';
import { bearer, createLearner, createTestApp, startFakeOpenAI, type FakeOpenAI, type TestApp } from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import { resolve } from 'node:path';
import { PersonalizeHandler } from './personalize.handler';
import { PersonalizeJobsModule, PersonalizeModule } from './personalize.module';
import { REWRITE_FAILED_FOR_LEARNER } from './personalize-draft';
import { PERSONALIZE_QUEUE } from './personalize.jobs';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
const LESSON = 'the-embodiment-hypothesis';
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };

const modules = () => [
  QueueModule.forRoot(),
  UsersModule,
  OnboardingModule,
  ContentModule,
  PersonalizeModule,
  WorkerRunnerModule.forRoot(
    [jobBinding(CONTENT_QUEUE, ContentSyncHandler), jobBinding(PERSONALIZE_QUEUE, PersonalizeHandler)],
    [ContentJobsModule, PersonalizeJobsModule],
  ),
];

interface SseEvent {
  event: string;
  data: unknown;
  /** When the event arrived (ms since the epoch). */
  at: number;
}

/** A server-sent event stream read with fetch, as the web app reads it (bearer header, no token in the URL). */
class SseClient {
  readonly events: SseEvent[] = [];
  readonly finished: Promise<void>;
  private readonly waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  private readonly abort = new AbortController();
  status = 0;
  contentType = '';

  constructor(url: string, token: string) {
    this.finished = this.run(url, token);
  }

  draft(): string {
    let text = '';
    for (const e of this.events) {
      if (e.event === 'restart') text = '';
      if (e.event === 'delta') text += (e.data as { text: string }).text;
    }
    return text;
  }

  last(event: string): SseEvent | undefined {
    return this.events.filter((e) => e.event === event).at(-1);
  }

  /** Resolves once `test` holds (checked at every event and at the end). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  close(): void {
    this.abort.abort();
  }

  private async run(url: string, token: string): Promise<void> {
    try {
      const response = await fetch(url, { headers: { ...bearer(token), accept: 'text/event-stream' }, signal: this.abort.signal });
      this.status = response.status;
      this.contentType = response.headers.get('content-type') ?? '';
      if (!response.body) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          if (event && data !== undefined) this.events.push({ event, data: JSON.parse(data), at: Date.now() });
          this.check();
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
    } finally {
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
    }
  }

  private check(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter?.test()) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

describe('personalization streamed, feedback and reader view (real PostgreSQL, Redis, worker, fake OpenAI)', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await createTestApp(modules(), {
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'test-key',
      LLM_MAX_RETRIES: '0',
      PERSONALIZE_RATE_PER_MINUTE: '1000',
    });
    await t.app.get(ContentSyncService).sync(SAMPLE_BOOK);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address();
    base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  const queue = async (token: string, lessonSlug = LESSON): Promise<string> => {
    const res = await t.app.inject({ method: 'POST', url: '/api/personalize', headers: bearer(token), payload: { lessonSlug } });
    expect(res.statusCode).toBe(202);
    return res.json<PersonalizeQueued>().jobId;
  };
  const jobStatus = async (token: string, jobId: string): Promise<PersonalizeJobStatus> =>
    (await t.app.inject({ method: 'GET', url: `/api/personalize/jobs/${jobId}`, headers: bearer(token) })).json<PersonalizeJobStatus>();
  async function waitForJob(token: string, jobId: string, timeoutMs = 30_000): Promise<PersonalizeJobStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await jobStatus(token, jobId);
      if (status.state === 'completed' || status.state === 'failed') return status;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status.state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stream = (token: string, jobId: string) => new SseClient(`${base}/api/personalize/jobs/${jobId}/stream`, token);

  it('streams the draft while the job is active, then the checked result replaces it; a late subscriber gets the draft so far', async () => {
    fake.setBehaviour({ kind: 'slow-stream', chunkDelayMs: 15 }, 'chat');
    const learner = await createLearner(t.app, { programmingExperience: 'intermediate', learningGoals: ['research'] });
    const jobId = await queue(learner.token);
    const first = stream(learner.token, jobId);

    await first.until(() => first.events.filter((e) => e.event === 'delta').length >= 3 || first.last('done') !== undefined);
    expect(first.status).toBe(200);
    expect(first.contentType).toContain('text/event-stream');
    expect(first.last('done')).toBeUndefined();
    const draftSoFar = first.draft();
    expect(draftSoFar.length).toBeGreaterThan(0);
    // Text arrived while the job was still being written.
    expect((await jobStatus(learner.token, jobId)).state).toBe('active');

    const late = stream(learner.token, jobId);
    await late.until(() => late.draft().length >= draftSoFar.length);
    expect(late.draft().startsWith(draftSoFar)).toBe(true);
    expect(late.last('done')).toBeUndefined();

    await Promise.all([first.finished, late.finished]);
    const done = first.last('done')?.data as { result: PersonalizeReady };
    expect(done.result.status).toBe('ready');
    expect(done.result.content.trim()).toBe(first.draft().trim());
    expect(late.draft()).toBe(first.draft());
    expect((late.last('done')?.data as { result: PersonalizeReady }).result.content).toBe(done.result.content);
    // Every delta came before done.
    const doneIndex = first.events.findIndex((e) => e.event === 'done');
    expect(first.events.slice(doneIndex + 1)).toHaveLength(0);
    expect(first.events.some((e) => e.event === 'progress')).toBe(true);
    // The polling API agrees once the worker has recorded the job as completed.
    const finished = await waitForJob(learner.token, jobId);
    expect({ ...finished, result: null }).toMatchObject({ state: 'completed' });
    expect(finished.result?.content).toBe(done.result.content);
  });

  it('a job already finished answers at once with its result', async () => {
    const learner = await createLearner(t.app, { programmingExperience: 'advanced', learningGoals: ['hobby'] });
    const jobId = await queue(learner.token);
    const live = stream(learner.token, jobId);
    await live.finished;
    expect((await waitForJob(learner.token, jobId)).state).toBe('completed');
    const late = stream(learner.token, jobId);
    await late.finished;
    expect(late.events.map((e) => e.event)).toEqual(['done']);
    expect((late.last('done')?.data as { result: PersonalizeReady }).result.content).toBe(
      (live.last('done')?.data as { result: PersonalizeReady }).result.content,
    );
  });

  it('a rewrite that fails the fidelity check ends with `failed` and a reason written for the learner', async () => {
    fake.setBehaviour({ kind: 'drop-code-block' }, 'chat');
    const learner = await createLearner(t.app, { programmingExperience: 'none', learningGoals: ['career_change'] });
    const jobId = await queue(learner.token, 'how-robots-sense'); // a lesson with code blocks
    const client = stream(learner.token, jobId);
    await client.finished;
    const failed = client.last('failed')?.data as { reason: string };
    expect(failed.reason).toBe(REWRITE_FAILED_FOR_LEARNER);
    expect(failed.reason).not.toMatch(/fidelity|code block|OPENAI|Error/);
    expect(client.last('done')).toBeUndefined();
    // The second attempt started over: the draft was reset between the two.
    expect(client.events.some((e) => e.event === 'restart')).toBe(true);
  });

  it('answers 404 for an unknown job and 401 without a token', async () => {
    const learner = await createLearner(t.app);
    const missing = await fetch(`${base}/api/personalize/jobs/rewrite-${'0'.repeat(40)}/stream`, { headers: bearer(learner.token) });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, code: 'job_not_found' });
    const anonymous = await fetch(`${base}/api/personalize/jobs/rewrite-${'0'.repeat(40)}/stream`);
    expect(anonymous.status).toBe(401);
  });

  it('DraftStreamService replays from the start, follows, ends at close and stops on abort', async () => {
    const streams = t.app.get(DraftStreamService);
    const key = `test-${Date.now()}`;
    await streams.append(key, 'delta', { text: 'a' });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of streams.read(key)) seen.push(`${e.event}:${JSON.stringify(e.data)}`);
    })();
    await streams.append(key, 'delta', { text: 'b' });
    await streams.close(key, 'done', { ok: true });
    await reading;
    expect(seen).toEqual(['delta:{"text":"a"}', 'delta:{"text":"b"}', 'done:{"ok":true}']);

    const abort = new AbortController();
    const waiting = (async () => {
      const got: string[] = [];
      for await (const e of streams.read(`${key}-never-written`, abort.signal)) got.push(e.event);
      return got;
    })();
    abort.abort();
    expect(await waiting).toEqual([]);
  });

  describe('feedback', () => {
    const send = (token: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/personalize/feedback', headers: bearer(token), payload });
    const summary = async (): Promise<PersonalizeFeedbackSummary[]> => {
      const res = await t.app.inject({ method: 'GET', url: '/api/admin/personalize/feedback', headers: ADMIN });
      expect(res.statusCode).toBe(200);
      return res.json<PersonalizeFeedbackSummary[]>();
    };
    async function learnerWithRewrite(answers: Partial<OnboardingAnswers>): Promise<{ token: string }> {
      const learner = await createLearner(t.app, answers);
      const jobId = await queue(learner.token, 'how-robots-sense');
      const client = stream(learner.token, jobId);
      await client.finished;
      expect(client.last('done')).toBeDefined();
      return learner;
    }

    it('404 without a rewrite; stored, replaced on resend; the admin summary counts per lesson and prompt version', async () => {
      const none = await createLearner(t.app, { aiMlExperience: 'none' });
      const missing = await send(none.token, { lessonSlug: 'how-robots-sense', rating: 'up' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'rewrite_not_found' });

      const a = await learnerWithRewrite({ aiMlExperience: 'advanced', learningGoals: ['teaching'] });
      expect((await send(a.token, { lessonSlug: 'how-robots-sense', rating: 'up' })).statusCode).toBe(204);
      expect(
        (await send(a.token, { lessonSlug: 'how-robots-sense', rating: 'down', reason: 'too_simple', comment: ' Too basic. ' })).statusCode,
      ).toBe(204);
      const rows = await t.dataSource.query('SELECT rating, reason, comment FROM personalize_feedback WHERE lesson_slug = $1', [
        'how-robots-sense',
      ]);
      expect(rows).toEqual([{ rating: 'down', reason: 'too_simple', comment: 'Too basic.' }]);

      // A second learner with the same answers shares the rewrite; their rating is their own.
      const b = await createLearner(t.app, { aiMlExperience: 'advanced', learningGoals: ['teaching'] });
      expect((await send(b.token, { lessonSlug: 'how-robots-sense', rating: 'up' })).statusCode).toBe(204);

      const entry = (await summary()).find((s) => s.lessonSlug === 'how-robots-sense');
      expect(entry).toMatchObject({ ups: 1, downs: 1, reasons: { too_simple: 1 } });
      expect(typeof entry?.promptVersion).toBe('number');

      const metrics = await t.app.get(MetricsService).registry.metrics();
      expect(metrics).toMatch(/lectern_personalize_feedback_total\{rating="down",reason="too_simple"\} 1/);
    });

    it('400 for a bad rating, reason or an over-long comment; 401 for the summary without the admin token', async () => {
      const learner = await createLearner(t.app);
      for (const payload of [
        { lessonSlug: LESSON, rating: 'meh' },
        { lessonSlug: LESSON, rating: 'down', reason: 'boring' },
        { lessonSlug: LESSON, rating: 'down', comment: 'x'.repeat(501) },
      ]) {
        const res = await send(learner.token, payload);
        expect(res.statusCode).toBe(400);
        expect(res.json().details.length).toBeGreaterThan(0);
      }
      const res = await t.app.inject({ method: 'GET', url: '/api/admin/personalize/feedback', headers: bearer(learner.token) });
      expect(res.statusCode).toBe(401);
    });
  });

  describe('reader view', () => {
    it('is Original until the learner picks Personalized, and never changes the preferences hash', async () => {
      const learner = await createLearner(t.app, {});
      const get = () => t.app.inject({ method: 'GET', url: '/api/user/reader-view', headers: bearer(learner.token) });
      const hash = async () =>
        (await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) })).json<{
          preferencesHash: string;
        }>().preferencesHash;
      expect((await get()).json()).toEqual({ view: 'original' });
      const before = await hash();
      const put = await t.app.inject({
        method: 'PUT',
        url: '/api/user/reader-view',
        headers: bearer(learner.token),
        payload: { view: 'personalized' },
      });
      expect(put.statusCode).toBe(200);
      expect((await get()).json()).toEqual({ view: 'personalized' });
      expect(await hash()).toBe(before);

      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/user/reader-view',
        headers: bearer(learner.token),
        payload: { view: 'x' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details[0].field).toBe('view');
      expect((await t.app.inject({ method: 'GET', url: '/api/user/reader-view' })).statusCode).toBe(401);
    });
  });
});
