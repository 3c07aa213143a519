import type { OnboardingAnswers, PersonalizeJobStatus, PersonalizeQueued, PersonalizeReady } from '@lectern/api-types';
import { ContentJobsModule, ContentModule, ContentSyncHandler, ContentSyncService, CONTENT_QUEUE } from '@lectern/content';
import { LlmBudget, QueueModule, WorkerRunnerModule, jobBinding } from '@lectern/infra';
import { OnboardingModule } from '@lectern/onboarding';
import { bearer, createLearner, createTestApp, RUN_ID, startFakeOpenAI, type FakeOpenAI, type TestApp } from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import { resolve } from 'node:path';
import { PersonalizeHandler } from './personalize.handler';
import { PersonalizeJobsModule, PersonalizeModule } from './personalize.module';
import { PersonalizeService } from './personalize.service';
import { estimateRewriteTokens } from './rewrite-estimate';
import { PERSONALIZE_QUEUE } from './personalize.jobs';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
const LESSONS = [
  'digital-ai-vs-physical-ai',
  'the-embodiment-hypothesis',
  'real-world-constraints',
  'how-robots-sense',
  'why-humanoid-form',
];

const apiModules = () => [QueueModule.forRoot(), UsersModule, OnboardingModule, ContentModule, PersonalizeModule];
const worker = () =>
  WorkerRunnerModule.forRoot(
    [jobBinding(CONTENT_QUEUE, ContentSyncHandler), jobBinding(PERSONALIZE_QUEUE, PersonalizeHandler)],
    [ContentJobsModule, PersonalizeJobsModule],
  );

/** Ten different profiles (every learner a different preferences hash). */
const PROFILES: Array<Partial<OnboardingAnswers>> = Array.from({ length: 10 }, (_, i) => ({
  educationLevel: (['high_school', 'undergraduate', 'graduate', 'professional'] as const)[i % 4],
  programmingExperience: (['none', 'beginner', 'intermediate', 'advanced'] as const)[Math.floor(i / 4) % 4],
  roboticsBackground: i % 2 === 0,
  aiMlExperience: (['none', 'basic'] as const)[Math.floor(i / 2) % 2],
  // A goal pair no other test file uses: no rewrite of theirs can be cached for these.
  learningGoals: ['hobby', 'research'],
}));

/**
 * Profiles of their own for each later test (no rewrite of another test, or of
 * another test file sharing the database, can be cached for them).
 */
const ownProfile = (i: number): Partial<OnboardingAnswers> => ({
  educationLevel: (['high_school', 'undergraduate', 'graduate', 'professional'] as const)[i % 4],
  programmingExperience: (['none', 'beginner', 'intermediate', 'advanced'] as const)[Math.floor(i / 4) % 4],
  roboticsBackground: true,
  aiMlExperience: 'intermediate',
  learningGoals: ['career_change', 'teaching'],
});

describe('the daily LLM budget is a hard cap (real PostgreSQL, Redis, BullMQ worker, fake OpenAI server)', () => {
  let fake: FakeOpenAI;
  const apps: TestApp[] = [];

  async function app(name: string, overrides: Record<string, string>, withWorker: boolean): Promise<TestApp> {
    const t = await createTestApp([...apiModules(), ...(withWorker ? [worker()] : [])], {
      OPENAI_BASE_URL: fake.url,
      PERSONALIZE_RATE_PER_MINUTE: '1000',
      LLM_REQUESTS_PER_MINUTE: '10000',
      QUEUE_PREFIX: `${RUN_ID}-${name}`,
      ...overrides,
    });
    apps.push(t);
    return t;
  }

  /** Polls the job's status (as the web app does) until it completed or failed. */
  async function finished(t: TestApp, jobId: string, timeoutMs = 60_000): Promise<PersonalizeJobStatus> {
    const service = t.app.get(PersonalizeService);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await service.jobStatus(jobId);
      if (status.state === 'completed' || status.state === 'failed') return status;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status.state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const post = (t: TestApp, token: string, lessonSlug: string) =>
    t.app.inject({ method: 'POST', url: '/api/personalize', headers: bearer(token), payload: { lessonSlug } });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const setup = await app('setup', {}, false);
    await setup.app.get(ContentSyncService).sync(SAMPLE_BOOK);
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  /** Tokens the given jobs spent, from llm_calls. */
  const spentBy = async (t: TestApp, jobIds: string[]): Promise<number> =>
    Number(
      (
        await t.dataSource.query(
          'SELECT coalesce(sum(prompt_tokens + completion_tokens), 0)::int AS n FROM llm_calls WHERE job_id = ANY($1::text[])',
          [jobIds],
        )
      )[0].n,
    );

  it('50 concurrent rewrite requests from 10 learners never spend more than the budget plus one job', async () => {
    const lengths = await Promise.all(
      LESSONS.map(async (slug) => (await apps[0].app.inject({ method: 'GET', url: `/api/content/lessons/${slug}/content` })).body.length),
    );
    const largest = Math.max(...lengths.map((n) => estimateRewriteTokens(n, 'en')));
    const budget = Math.round(largest * 3.5);
    const t = await app('cap', { LLM_DAILY_TOKEN_BUDGET_REWRITES: String(budget), LLM_DAILY_TOKEN_BUDGET: '10000000' }, true);
    const learners = await Promise.all(PROFILES.map((p) => createLearner(t.app, p)));
    const answers = await Promise.all(learners.flatMap((l) => LESSONS.map((slug) => post(t, l.token, slug))));
    const codes = answers.map((a) => a.statusCode);
    const queued = answers.filter((a) => a.statusCode === 202).map((a) => a.json<PersonalizeQueued>().jobId);
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(queued.length + refused.length).toBe(50);
    expect(queued.length).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].json()).toMatchObject({ statusCode: 429, code: 'daily_budget_exhausted', message: expect.stringMatching(/budget/) });
    expect(codes.every((c) => c === 202 || c === 429)).toBe(true);

    const states = await Promise.all(queued.map((id) => finished(t, id).then((s) => s.state)));
    expect(states.filter((s) => s === 'completed').length).toBeGreaterThan(0);
    const spent = await spentBy(t, queued);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(budget + largest);
    // Everything settled: the counter holds what was really spent.
    expect((await t.app.get(LlmBudget).usage('rewrites')).used).toBe(spent);
    expect(fake.calls.chat).toBe(states.filter((s) => s === 'completed').length);
  });

  it('the worker refuses a job admitted before other work used up the budget, without calling the provider', async () => {
    const api = await app('late', { LLM_DAILY_TOKEN_BUDGET_REWRITES: '200000' }, false);
    const learner = await createLearner(api.app, ownProfile(0));
    const res = await post(api, learner.token, 'how-robots-sense');
    expect(res.statusCode).toBe(202);
    const jobId = res.json<PersonalizeQueued>().jobId;
    // Other work spends past the budget while the job waits (say, calls that used more than they reserved).
    await api.app.get(LlmBudget).charge('rewrites', 250_000);
    const processing = await app('late', { LLM_DAILY_TOKEN_BUDGET_REWRITES: '200000' }, true);
    const status = await finished(processing, jobId);
    expect(status.state).toBe('failed');
    expect(status.failedReason).toMatch(/budget/);
    expect(fake.calls.chat).toBe(0);
    // Its hold was given back: only the other work's tokens remain counted.
    expect((await api.app.get(LlmBudget).usage('rewrites')).used).toBe(250_000);
  });

  it('caps the jobs one learner may have queued', async () => {
    const t = await app('queue-cap', { LLM_QUEUED_JOBS_PER_LEARNER: '2' }, false);
    const learner = await createLearner(t.app, ownProfile(1));
    const codes = [];
    for (const slug of LESSONS.slice(0, 3)) codes.push((await post(t, learner.token, slug)).statusCode);
    expect(codes).toEqual([202, 202, 429]);
    const refused = await post(t, learner.token, LESSONS[3]);
    expect(refused.json()).toMatchObject({ code: 'too_many_queued', message: expect.stringMatching(/being written/) });
    // Asking again for a lesson already queued joins its job: no new hold, not refused.
    expect((await post(t, learner.token, LESSONS[0])).statusCode).toBe(202);
  });

  it('caps the jobs queued in total', async () => {
    const t = await app('total-cap', { LLM_QUEUED_JOBS_TOTAL: '3' }, false);
    const learners = await Promise.all([2, 3, 4, 5].map((i) => createLearner(t.app, ownProfile(i))));
    const codes = [];
    for (const l of learners) codes.push((await post(t, l.token, 'real-world-constraints')).statusCode);
    expect(codes).toEqual([202, 202, 202, 429]);
  });

  describe('shared rows belong to nobody', () => {
    it('learner B with A\'s answers drops "their" rewrite: A still gets the cached one with no new LLM call, B a fresh one', async () => {
      const t = await app('shared', {}, true);
      const a = await createLearner(t.app, ownProfile(6));
      const first = await post(t, a.token, 'the-embodiment-hypothesis');
      expect(first.statusCode).toBe(202);
      const shared = (await finished(t, first.json<PersonalizeQueued>().jobId)).result as PersonalizeReady;
      expect(fake.calls.chat).toBe(1);

      const b = await createLearner(t.app, ownProfile(6));
      const bHit = await post(t, b.token, 'the-embodiment-hypothesis');
      expect(bHit.json<PersonalizeReady>()).toMatchObject({ cached: true, content: shared.content });
      const drop = await t.app.inject({
        method: 'DELETE',
        url: '/api/personalize/cache?lessonSlug=the-embodiment-hypothesis',
        headers: bearer(b.token),
      });
      expect(drop.statusCode).toBe(204);
      const dropAll = await t.app.inject({ method: 'DELETE', url: '/api/personalize/cache', headers: bearer(b.token) });
      expect(dropAll.statusCode).toBe(204);

      const aAgain = await post(t, a.token, 'the-embodiment-hypothesis');
      expect(aAgain.statusCode).toBe(200);
      expect(aAgain.json<PersonalizeReady>()).toMatchObject({ cached: true, content: shared.content, generatedAt: shared.generatedAt });
      expect(fake.calls.chat).toBe(1);

      // B regenerates: a row of B's own, under a job id of its own.
      const bAgain = await post(t, b.token, 'the-embodiment-hypothesis');
      expect(bAgain.statusCode).toBe(202);
      expect(bAgain.json<PersonalizeQueued>().jobId).not.toBe(first.json<PersonalizeQueued>().jobId);
      expect((await finished(t, bAgain.json<PersonalizeQueued>().jobId)).state).toBe('completed');
      expect(fake.calls.chat).toBe(2);
      const rows: Array<{ variant: string }> = await t.dataSource.query(
        "SELECT variant FROM personalized_lessons WHERE lesson_slug = 'the-embodiment-hypothesis' AND preferences_hash = $1 ORDER BY variant",
        [shared.preferencesHash],
      );
      expect(rows).toHaveLength(2);
      expect(rows[0].variant).toBe('');
      // B dropping again removes only B's own row; A's shared row stays.
      await t.app.inject({ method: 'DELETE', url: '/api/personalize/cache', headers: bearer(b.token) });
      expect(
        await t.dataSource.query(
          "SELECT variant FROM personalized_lessons WHERE lesson_slug = 'the-embodiment-hypothesis' AND preferences_hash = $1",
          [shared.preferencesHash],
        ),
      ).toEqual([{ variant: '' }]);
    });

    it("a regeneration counts against the learner's rate limit", async () => {
      const t = await app('regen-limit', { PERSONALIZE_RATE_PER_MINUTE: '2' }, false);
      const learner = await createLearner(t.app, ownProfile(7));
      const drop = () => t.app.inject({ method: 'DELETE', url: '/api/personalize/cache', headers: bearer(learner.token) });
      expect((await drop()).statusCode).toBe(204);
      expect((await drop()).statusCode).toBe(204);
      expect((await drop()).statusCode).toBe(429);
    });
  });
});
