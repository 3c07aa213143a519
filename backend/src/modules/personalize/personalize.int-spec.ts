import { createHash } from 'node:crypto';
import type { OnboardingAnswers, PersonalizeJobStatus, PersonalizeQueued, PersonalizeReady } from '@lectern/api-types';
import { ContentJobsModule, ContentModule, ContentSyncHandler, ContentSyncService, CONTENT_QUEUE } from '@lectern/content';
import { LlmBudget, MetricsService, QueueModule, WorkerRunnerModule, jobBinding } from '@lectern/infra';
import { OnboardingModule } from '@lectern/onboarding';
import { bearer, createLearner, createTestApp, startFakeOpenAI, type FakeOpenAI, type TestApp } from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { once } from 'node:events';
import { PersonalizedLessonEntity } from './entities/personalized-lesson.entity';
import { PersonalizeHandler } from './personalize.handler';
import { PersonalizeLookupCache } from './personalize-lookup-cache';
import { PersonalizeJobsModule, PersonalizeModule } from './personalize.module';
import { PersonalizeService } from './personalize.service';
import { PersonalizeFastPath } from './personalize.controller';
import { RewriteTextFastPath } from './rewrite-text.controller';
import { CONTINUE_INSTRUCTION, maxTokensFor } from './prompt';
import { PERSONALIZE_QUEUE } from './personalize.jobs';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
const LESSON = 'the-embodiment-hypothesis';

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

describe('personalized lessons (real PostgreSQL, Redis, BullMQ worker, fake OpenAI server)', () => {
  // Jobs are awaited by their state (waitForJob), with deadlines fit for a loaded 2-core machine: the test's own timeout is longer.
  jest.setTimeout(300_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let book: string;
  const apiEnv = () => ({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'test-key',
    LLM_MAX_RETRIES: '2',
    PERSONALIZE_RATE_PER_MINUTE: '1000',
  });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await createTestApp(modules(), apiEnv());
    book = mkdtempSync(join(tmpdir(), 'lectern-book-'));
    cpSync(SAMPLE_BOOK, book, { recursive: true });
    await t.app.get(ContentSyncService).sync(book);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    rmSync(book, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.reset();
  });

  const post = (token: string, lessonSlug = LESSON) =>
    t.app.inject({ method: 'POST', url: '/api/personalize', headers: bearer(token), payload: { lessonSlug } });

  async function waitForJob(token: string, jobId: string, timeoutMs = 120_000): Promise<PersonalizeJobStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await t.app.inject({ method: 'GET', url: `/api/personalize/jobs/${jobId}`, headers: bearer(token) });
      expect(res.statusCode).toBe(200);
      const status = res.json<PersonalizeJobStatus>();
      if (status.state === 'completed' || status.state === 'failed') return status;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status.state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function rewriteFor(
    answers: Partial<OnboardingAnswers>,
    lessonSlug = LESSON,
  ): Promise<{ learner: { id: string; token: string }; ready: PersonalizeReady }> {
    const learner = await createLearner(t.app, answers);
    const res = await post(learner.token, lessonSlug);
    if (res.statusCode === 200) return { learner, ready: res.json<PersonalizeReady>() };
    expect(res.statusCode).toBe(202);
    const status = await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId);
    expect(status.state).toBe('completed');
    return { learner, ready: status.result as PersonalizeReady };
  }

  const rows = async (where = ''): Promise<number> =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM personalized_lessons ${where}`))[0].n);

  it('20 learners with the same answers asking at once share one job and one LLM call', async () => {
    const answers = { educationLevel: 'graduate', programmingExperience: 'advanced', roboticsBackground: true } as const;
    const learners = await Promise.all(Array.from({ length: 20 }, () => createLearner(t.app, answers)));
    const first = await Promise.all(learners.map((l) => post(l.token, 'how-robots-sense')));
    const jobIds = new Set(first.map((r) => (r.statusCode === 202 ? r.json<PersonalizeQueued>().jobId : 'ready')));
    expect(first.every((r) => r.statusCode === 202 || r.statusCode === 200)).toBe(true);
    const [jobId] = [...jobIds].filter((id) => id !== 'ready');
    expect([...jobIds].filter((id) => id !== 'ready')).toHaveLength(1);
    const status = await waitForJob(learners[0].token, jobId);
    expect(status.state).toBe('completed');
    expect(status.progress).toBe(100);
    const second = await Promise.all(learners.map((l) => post(l.token, 'how-robots-sense')));
    const contents = new Set(second.map((r) => r.json<PersonalizeReady>().content));
    expect(second.every((r) => r.statusCode === 200 && r.json<PersonalizeReady>().cached)).toBe(true);
    expect(contents.size).toBe(1);
    expect(fake.calls.chat).toBe(1);
    // One row for these answers (other test files in this run may have rewritten the lesson for other profiles).
    const { preferencesHash } = second[0].json<PersonalizeReady>();
    expect(await rows(`WHERE lesson_slug = 'how-robots-sense' AND preferences_hash = '${preferencesHash}'`)).toBe(1);
  });

  it('keeps code, links and headings (the fidelity check passed and is stored with the row)', async () => {
    const { ready } = await rewriteFor({ programmingExperience: 'none' });
    const original = (await t.app.inject({ method: 'GET', url: `/api/content/lessons/${LESSON}/content` })).body;
    for (const heading of original.match(/^##+ .+$/gm) ?? []) expect(ready.content).toContain(heading);
    const [row] = await t.dataSource.query('SELECT fidelity FROM personalized_lessons WHERE lesson_slug = $1 AND preferences_hash = $2', [
      LESSON,
      ready.preferencesHash,
    ]);
    expect(row.fidelity).toMatchObject({ passed: true, attempts: 1 });
    const [call] = await t.dataSource.query(
      "SELECT outcome, prompt_tokens, completion_tokens, cost_usd FROM llm_calls WHERE purpose = 'personalize' ORDER BY id DESC LIMIT 1",
    );
    expect(call.outcome).toBe('ok');
    expect(call.prompt_tokens).toBeGreaterThan(0);
    expect(Number(call.cost_usd)).toBeGreaterThan(0);
  });

  it('different answers get different rewrites; the same answers in another order share the row', async () => {
    const a = await rewriteFor({ educationLevel: 'high_school', learningGoals: ['hobby', 'teaching'] });
    const b = await rewriteFor({ educationLevel: 'professional', learningGoals: ['hobby', 'teaching'] });
    expect(a.ready.preferencesHash).not.toBe(b.ready.preferencesHash);
    expect(a.ready.content).not.toBe(b.ready.content);
    const callsBefore = fake.calls.chat;
    const c = await rewriteFor({ educationLevel: 'high_school', learningGoals: ['teaching', 'hobby'] });
    expect(c.ready.preferencesHash).toBe(a.ready.preferencesHash);
    expect(c.ready.cached).toBe(true);
    expect(fake.calls.chat).toBe(callsBefore);
  });

  it('429 twice then success: completed after 3 calls', async () => {
    fake.setBehaviour({ kind: 'status', status: 429, times: 2, retryAfterSeconds: 0 }, 'chat');
    const { ready } = await rewriteFor({ aiMlExperience: 'advanced', educationLevel: 'undergraduate' });
    expect(ready.status).toBe('ready');
    expect(fake.calls.chat).toBe(3);
  });

  it('500 forever: the job fails, with the reason visible in the status API', async () => {
    fake.setBehaviour({ kind: 'status', status: 500, retryAfterSeconds: 0 }, 'chat');
    const learner = await createLearner(t.app, { aiMlExperience: 'intermediate', educationLevel: 'high_school' });
    const res = await post(learner.token);
    expect(res.statusCode).toBe(202);
    const status = await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId);
    expect(status.state).toBe('failed');
    expect(status.failedReason).toMatch(/500/);
    expect(status.attemptsMade).toBe(3);
    // The provider being down touches nothing else: the book and the lessons still answer.
    expect((await t.app.inject({ method: 'GET', url: '/api/content/book' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/content/lessons/${LESSON}/content` })).statusCode).toBe(200);
    // Try again starts fresh work once the provider is back.
    fake.setBehaviour({ kind: 'normal' }, 'chat');
    const again = await post(learner.token);
    expect(again.statusCode).toBe(202);
    expect((await waitForJob(learner.token, again.json<PersonalizeQueued>().jobId)).state).toBe('completed');
  });

  it('a rewrite that drops a code block twice fails the fidelity check: the job fails with the reason', async () => {
    fake.setBehaviour({ kind: 'drop-code-block' }, 'chat');
    const learner = await createLearner(t.app, { programmingExperience: 'intermediate', aiMlExperience: 'none', roboticsBackground: true });
    const res = await post(learner.token, 'how-robots-sense');
    const status = await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId);
    expect(status.state).toBe('failed');
    expect(status.failedReason).toMatch(/failed the fidelity check twice: code block/i);
    expect(fake.calls.chat).toBe(2);
    const [{ preferences_hash: hash }] = await t.dataSource.query('SELECT preferences_hash FROM learner_preferences WHERE user_id = $1', [
      learner.id,
    ]);
    expect(await rows(`WHERE preferences_hash = '${hash}'`)).toBe(0);
  });

  const fidelityOf = async (preferencesHash: string, lessonSlug = LESSON) =>
    (
      await t.dataSource.query('SELECT fidelity FROM personalized_lessons WHERE lesson_slug = $1 AND preferences_hash = $2', [
        lessonSlug,
        preferencesHash,
      ])
    )[0].fidelity;

  it('sends a max_tokens sized from the lesson', async () => {
    await rewriteFor({ educationLevel: 'undergraduate', programmingExperience: 'advanced', learningGoals: ['research', 'hobby'] });
    const markdown = (await t.app.inject({ method: 'GET', url: `/api/content/lessons/${LESSON}/content` })).body;
    const chat = fake.calls.log.find((entry) => entry.endpoint === 'chat');
    expect((chat?.body as { max_tokens?: number }).max_tokens).toBe(maxTokensFor(markdown, 'en'));
  });

  it('a rewrite with one chatty first line succeeds with ONE LLM call; the removal is recorded', async () => {
    fake.setBehaviour({ kind: 'chatty' }, 'chat');
    const { ready } = await rewriteFor({ educationLevel: 'high_school', programmingExperience: 'none', learningGoals: ['hobby'] });
    expect(fake.calls.chat).toBe(1);
    expect(ready.content).not.toMatch(/Here is this lesson/);
    expect(await fidelityOf(ready.preferencesHash)).toMatchObject({ passed: true, attempts: 1, removed: ['chatty-opening'] });
  });

  it('a rewrite wrapped in a Markdown fence succeeds with one call; the removal is recorded', async () => {
    fake.setBehaviour({ kind: 'fenced' }, 'chat');
    const { ready } = await rewriteFor({ educationLevel: 'high_school', programmingExperience: 'beginner', learningGoals: ['teaching'] });
    expect(fake.calls.chat).toBe(1);
    expect(ready.content.startsWith('```')).toBe(false);
    expect(await fidelityOf(ready.preferencesHash)).toMatchObject({ passed: true, attempts: 1, removed: ['wrapping-fence'] });
  });

  it('an answer cut off at the token limit (finish_reason "length") is continued, not failed', async () => {
    fake.setBehaviour({ kind: 'cut-off', fraction: 0.4 }, 'chat');
    const { ready } = await rewriteFor({ educationLevel: 'graduate', programmingExperience: 'none', learningGoals: ['building_projects'] });
    expect(fake.calls.chat).toBe(2);
    const continuation = fake.calls.log.filter((entry) => entry.endpoint === 'chat')[1].body as {
      messages: Array<{ role: string; content: string }>;
    };
    expect(continuation.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(continuation.messages[3].content).toBe(CONTINUE_INSTRUCTION);
    const original = (await t.app.inject({ method: 'GET', url: `/api/content/lessons/${LESSON}/content` })).body;
    for (const heading of original.match(/^##+ .+$/gm) ?? []) expect(ready.content).toContain(heading);
    expect(await fidelityOf(ready.preferencesHash)).toMatchObject({ passed: true, attempts: 1, continuations: 1 });
  });

  it('a hostile rewrite (script, onerror image, javascript: link) fails the check, naming what it added', async () => {
    fake.setBehaviour({ kind: 'hostile' }, 'chat');
    const learner = await createLearner(t.app, { educationLevel: 'professional', aiMlExperience: 'basic', learningGoals: ['research'] });
    const res = await post(learner.token);
    const status = await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId);
    expect(status.state).toBe('failed');
    expect(status.failedReason).toMatch(/failed the fidelity check twice/);
    expect(status.failedReason).toMatch(/adds an image the lesson does not have/);
    expect(status.failedReason).toMatch(/adds a script/);
    expect(status.failedReason).toMatch(/links to sites the lesson does not link to: javascript:/);
    expect(fake.calls.chat).toBe(2);
  });

  it('an Urdu rewrite is in Urdu and keeps the facts', async () => {
    const { ready } = await rewriteFor(
      { preferredLanguage: 'ur', educationLevel: 'professional', learningGoals: ['career_change'] },
      'how-robots-sense',
    );
    const fidelity = await fidelityOf(ready.preferencesHash, 'how-robots-sense');
    expect(fidelity).toMatchObject({ passed: true, attempts: 1 });
    expect(fidelity.metrics.urduShare).toBeGreaterThan(0.6);
    expect(ready.content).toContain('17-bit');
  });

  it('after the lesson is edited and re-synced the old rewrite is no longer served', async () => {
    const { learner, ready } = await rewriteFor({ preferredLanguage: 'ur' }, 'how-robots-sense');
    const file = join(book, 'part-1/ch02-sensors-actuators-body-plan/01-how-robots-sense.md');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n\nA sentence the author added later.\n`);
    await t.app.get(ContentSyncService).sync(book);
    const res = await post(learner.token, 'how-robots-sense');
    expect(res.statusCode).toBe(202);
    const [old] = await t.dataSource.query(
      'SELECT stale_since FROM personalized_lessons WHERE content_hash = $1 AND preferences_hash = $2',
      [ready.contentHash, ready.preferencesHash],
    );
    expect(old.stale_since).not.toBeNull();
    const status = await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId);
    expect(status.result?.contentHash).not.toBe(ready.contentHash);
    // The fake model writes Urdu for an Urdu profile (numbers, code and links kept), so the added sentence comes back translated.
    expect(status.result?.content).not.toBe(ready.content);
    expect(status.result?.content).toMatch(/[\u0600-\u06FF]/);

    // The content-addressed URLs: the new rewrite has its own; the old one is stale and never served again.
    expect(status.result?.contentUrl).not.toBe(ready.contentUrl);
    const fresh = await t.app.inject({ method: 'GET', url: status.result?.contentUrl as string });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.body).toBe(status.result?.content);
    expect(fresh.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await t.app.inject({ method: 'GET', url: ready.contentUrl })).statusCode).toBe(404);
  });

  it('a rewrite served from memory is never served once stale: the text edited and then put back answers 202, not the stale row', async () => {
    const { learner, ready } = await rewriteFor(
      { educationLevel: 'graduate', programmingExperience: 'advanced', learningGoals: ['hobby'] },
      'how-robots-sense',
    );
    // Asked again: found by the statement and kept in memory; asked once more: from memory.
    for (let i = 0; i < 2; i += 1) {
      const hit = await post(learner.token, 'how-robots-sense');
      expect(hit.statusCode).toBe(200);
      expect(hit.json<PersonalizeReady>().contentUrl).toBe(ready.contentUrl);
    }
    const file = join(book, 'part-1/ch02-sensors-actuators-body-plan/01-how-robots-sense.md');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\n\nAnother sentence, taken back later.\n`);
    await t.app.get(ContentSyncService).sync(book);
    writeFileSync(file, original);
    await t.app.get(ContentSyncService).sync(book);
    const [row] = await t.dataSource.query('SELECT stale_since FROM personalized_lessons WHERE id = $1', [
      /rewrites\/([0-9a-f-]{36})\//.exec(ready.contentUrl)?.[1],
    ]);
    expect(row.stale_since).not.toBeNull();
    // Its content-addressed URL, kept in memory with it, is gone too.
    expect((await t.app.inject({ method: 'GET', url: ready.contentUrl })).statusCode).toBe(404);
    const res = await post(learner.token, 'how-robots-sense');
    expect(res.statusCode).toBe(202);
    expect((await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId)).state).toBe('completed');
  });

  it('a ready rewrite is at a content-addressed URL: immutable, no token needed, 404 for any other hash or id', async () => {
    const { ready } = await rewriteFor({ educationLevel: 'high_school', learningGoals: ['hobby'] });
    const [, id, hash] = /^\/api\/personalize\/rewrites\/([0-9a-f-]{36})\/([0-9a-f]{64})\.md$/.exec(ready.contentUrl) ?? [];
    expect(hash).toBe(createHash('sha256').update(ready.content).digest('hex'));
    const res = await t.app.inject({ method: 'GET', url: ready.contentUrl });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe(ready.content);
    for (const url of [
      `/api/personalize/rewrites/${id}/${'0'.repeat(64)}.md`,
      `/api/personalize/rewrites/00000000-0000-4000-8000-000000000000/${hash}.md`,
      `/api/personalize/rewrites/not-a-uuid/${hash}.md`,
    ]) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
    // The same learner asking again gets the same URL (one indexed query finds the row).
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/personalize',
      headers: bearer((await createLearner(t.app, { educationLevel: 'high_school', learningGoals: ['hobby'] })).token),
      payload: { lessonSlug: LESSON },
    });
    expect(again.json<PersonalizeReady>().contentUrl).toBe(ready.contentUrl);
  });

  it('a learner who changes their answers gets the rewrite for the new answers at once (the cached preferences hash is dropped)', async () => {
    const { learner, ready } = await rewriteFor({
      educationLevel: 'undergraduate',
      programmingExperience: 'beginner',
      learningGoals: ['career_change'],
    });
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/api/user/preferences',
      headers: bearer(learner.token),
      payload: { programmingExperience: 'advanced' },
    });
    expect(changed.statusCode).toBe(200);
    const res = await post(learner.token);
    const answer =
      res.statusCode === 200 ? res.json<PersonalizeReady>() : (await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId)).result;
    expect(answer?.preferencesHash).not.toBe(ready.preferencesHash);
  });

  it('DELETE drops the cached rewrite so the next request regenerates it', async () => {
    const { learner, ready } = await rewriteFor({ educationLevel: 'graduate', learningGoals: ['research'] });
    // Served twice, so the learner's variant and the rewrite are kept in memory before the DELETE.
    for (let i = 0; i < 2; i += 1) expect((await post(learner.token)).json<PersonalizeReady>().contentUrl).toBe(ready.contentUrl);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/personalize/cache?lessonSlug=${LESSON}`,
      headers: bearer(learner.token),
    });
    expect(del.statusCode).toBe(204);
    const res = await post(learner.token);
    expect(res.statusCode).toBe(202);
    const regenerated = await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId);
    expect(regenerated.state).toBe('completed');
    expect(regenerated.result?.contentUrl).toMatch(/^\/api\/personalize\/rewrites\/[0-9a-f-]{36}\/[0-9a-f]{64}\.md$/);
  });

  it('answers 409 before onboarding, 404 for an unknown lesson, 400 for a bad body, 401 without a token', async () => {
    const fresh = await createLearner(t.app);
    expect((await post(fresh.token)).statusCode).toBe(409);
    const onboarded = await createLearner(t.app, {});
    expect((await post(onboarded.token, 'no-such-lesson')).statusCode).toBe(404);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/personalize',
      headers: bearer(onboarded.token),
      payload: { lessonSlug: '../etc/passwd', content: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['content', 'lessonSlug']);
    expect((await t.app.inject({ method: 'POST', url: '/api/personalize', payload: { lessonSlug: LESSON } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/personalize/jobs/nope', headers: bearer(onboarded.token) })).statusCode).toBe(
      404,
    );
  });

  it('a cache hit is answered before Nest with the answer Nest would send; anything else still goes through the controller', async () => {
    const { learner, ready } = await rewriteFor({ educationLevel: 'graduate', programmingExperience: 'beginner', preferredLanguage: 'en' });
    const fastPath = t.app.get(PersonalizeFastPath);
    const hits = async () =>
      (await t.app.get(MetricsService).personalizeCache.get()).values.find((v) => v.labels.result === 'hit')?.value ?? 0;
    const [answeredBefore, hitsBefore] = [fastPath.answered, await hits()];
    // The first hit is not kept in memory yet: the controller looks it up (one statement) and keeps it.
    const first = await post(learner.token);
    expect(first.statusCode).toBe(200);
    expect(fastPath.answered - answeredBefore).toBe(0);
    expect((await hits()) - hitsBefore).toBe(1);
    const hit = await post(learner.token);
    expect(hit.statusCode).toBe(200);
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.headers['x-content-type-options']).toBe('nosniff'); // the security headers are on it
    expect(hit.json<PersonalizeReady>()).toEqual({ ...ready, cached: true });
    expect(hit.rawPayload.equals(first.rawPayload)).toBe(true); // the controller's answer, byte for byte
    expect(fastPath.answered - answeredBefore).toBe(1);
    expect((await hits()) - hitsBefore).toBe(2); // each hit counted once
    // Not plain hits: the controller answers, with its own messages.
    const extra = await t.app.inject({
      method: 'POST',
      url: '/api/personalize',
      headers: bearer(learner.token),
      payload: { lessonSlug: LESSON, x: 1 },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().details).toEqual([expect.objectContaining({ field: 'x' })]);
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/personalize',
      headers: bearer(`${learner.token}x`),
      payload: { lessonSlug: LESSON },
    });
    expect(forged.statusCode).toBe(401);
    const other = await createLearner(t.app, { educationLevel: 'graduate', programmingExperience: 'beginner', preferredLanguage: 'ur' });
    // A miss runs the rewrite lookup once (in the controller), not once more before it.
    const statements = jest.spyOn(t.dataSource.getRepository(PersonalizedLessonEntity), 'query');
    let lookups: unknown[][] = [];
    const miss = await post(other.token).finally(() => {
      lookups = statements.mock.calls.filter(([sql]) => String(sql).includes('personalize_variants'));
      statements.mockRestore();
    });
    expect(lookups).toHaveLength(1);
    expect(miss.statusCode).toBe(202);
    expect(fastPath.answered - answeredBefore).toBe(1);
    expect((await hits()) - hitsBefore).toBe(2);
    await waitForJob(other.token, miss.json<PersonalizeQueued>().jobId);
  });

  describe('a second api instance (same database and Redis, its own memory)', () => {
    let b: TestApp;
    beforeAll(async () => {
      // The api modules only: the first instance's worker writes the rewrites.
      b = await createTestApp(modules().slice(0, 5), apiEnv());
    });
    afterAll(async () => {
      await b?.close();
    });

    it('serves a cached rewrite from memory, and after a DELETE on the other instance never again', async () => {
      const { learner, ready } = await rewriteFor({
        educationLevel: 'high_school',
        programmingExperience: 'advanced',
        learningGoals: ['research'],
      });
      const onB = () =>
        b.app.inject({ method: 'POST', url: '/api/personalize', headers: bearer(learner.token), payload: { lessonSlug: LESSON } });
      expect((await onB()).json<PersonalizeReady>().contentUrl).toBe(ready.contentUrl);
      // Kept: the next hit on B runs no statement.
      const statements = jest.spyOn(b.dataSource.getRepository(PersonalizedLessonEntity), 'query');
      try {
        const hit = await onB();
        expect(hit.statusCode).toBe(200);
        expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(hit.json<PersonalizeReady>()).toEqual({ ...ready, cached: true });
        expect(statements).not.toHaveBeenCalled();
        // Serialized once: the next hit answers the very same bytes (the answer names nothing of the learner's).
        expect((await onB()).rawPayload.equals(hit.rawPayload)).toBe(true);
      } finally {
        statements.mockRestore();
      }
      // Its content-addressed URL too: B serves the kept shared rewrite without a connection to PostgreSQL.
      const connections = jest.spyOn(b.dataSource.driver as PostgresDriver, 'obtainMasterConnection');
      try {
        const text = await b.app.inject({ method: 'GET', url: ready.contentUrl });
        expect(text.statusCode).toBe(200);
        expect(text.body).toBe(ready.content);
        expect(text.headers['content-type']).toBe('text/markdown; charset=utf-8');
        expect(text.headers['content-length']).toBe(String(Buffer.byteLength(ready.content)));
        expect(text.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        const [, id] = /rewrites\/([0-9a-f-]{36})\//.exec(ready.contentUrl) ?? [];
        expect((await b.app.inject({ method: 'GET', url: `/api/personalize/rewrites/${id}/${'0'.repeat(64)}.md` })).statusCode).toBe(404);
        expect(connections).toHaveBeenCalledTimes(1); // the wrong hash only: it was not kept, so PostgreSQL answered
      } finally {
        connections.mockRestore();
      }
      // The learner drops their rewrite through A: B hears it and answers with a new job.
      const heard = once(b.app.get(PersonalizeLookupCache).channel, 'message');
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/personalize/cache?lessonSlug=${LESSON}`,
        headers: bearer(learner.token),
      });
      expect(del.statusCode).toBe(204);
      await heard;
      const res = await onB();
      expect(res.statusCode).toBe(202);
      expect((await waitForJob(learner.token, res.json<PersonalizeQueued>().jobId)).state).toBe('completed');
    });

    it('reads a shared rewrite URL it never looked up from PostgreSQL once, then from memory before routing, and 404s once it is stale', async () => {
      const slug = 'actuators-and-movement';
      const { ready } = await rewriteFor(
        { educationLevel: 'undergraduate', programmingExperience: 'beginner', learningGoals: ['career_change'] },
        slug,
      );
      const fastPath = b.app.get(RewriteTextFastPath);
      const connections = jest.spyOn(b.dataSource.driver as PostgresDriver, 'obtainMasterConnection');
      try {
        const first = await b.app.inject({ method: 'GET', url: ready.contentUrl });
        expect(first.statusCode).toBe(200);
        expect(first.body).toBe(ready.content);
        expect(connections).toHaveBeenCalledTimes(1);
        const before = fastPath.answered;
        const second = await b.app.inject({ method: 'GET', url: ready.contentUrl });
        expect(fastPath.answered - before).toBe(1);
        expect(connections).toHaveBeenCalledTimes(1);
        // The same answer as the controller's: bytes and headers.
        expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
        for (const name of ['content-type', 'content-length', 'cache-control', 'etag', 'x-content-type-options', 'x-frame-options']) {
          expect([name, second.headers[name]]).toEqual([name, first.headers[name]]);
        }
      } finally {
        connections.mockRestore();
      }
      // The lesson's rewrites go stale on A (an edit): B drops what it kept, and the URL is a 404 there too.
      const heard = once(b.app.get(PersonalizeLookupCache).channel, 'message');
      expect(await t.app.get(PersonalizeService).markStale(slug, ready.contentHash)).toBeGreaterThan(0);
      await heard;
      expect((await b.app.inject({ method: 'GET', url: ready.contentUrl })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: ready.contentUrl })).statusCode).toBe(404);
    });
  });

  describe('limits', () => {
    let limited: TestApp;
    let redis: Redis;

    beforeAll(async () => {
      limited = await createTestApp(modules(), {
        OPENAI_BASE_URL: fake.url,
        PERSONALIZE_RATE_PER_MINUTE: '2',
        LLM_DAILY_TOKEN_BUDGET: '1000000',
      });
      redis = new Redis(limited.config.REDIS_URL);
    });
    afterAll(async () => {
      await limited?.close();
      redis?.disconnect();
    });

    it('a learner over their per-minute limit gets 429 for new rewrites', async () => {
      const learner = await createLearner(limited.app, { educationLevel: 'professional', programmingExperience: 'none' });
      const codes = [];
      for (const slug of ['digital-ai-vs-physical-ai', 'real-world-constraints', 'lab-try-with-ai']) {
        codes.push(
          (
            await limited.app.inject({
              method: 'POST',
              url: '/api/personalize',
              headers: bearer(learner.token),
              payload: { lessonSlug: slug },
            })
          ).statusCode,
        );
      }
      expect(codes).toEqual([202, 202, 429]);
    });

    it('past the daily token budget new misses get 429 while cached rewrites still work', async () => {
      const { learner } = await rewriteFor({ educationLevel: 'undergraduate', aiMlExperience: 'none', learningGoals: ['career_change'] });
      const key = limited.app.get(LlmBudget).counterKey('global');
      await redis.set(key, '999999999');
      try {
        const hit = await limited.app.inject({
          method: 'POST',
          url: '/api/personalize',
          headers: bearer(learner.token),
          payload: { lessonSlug: LESSON },
        });
        expect(hit.statusCode).toBe(200);
        const miss = await limited.app.inject({
          method: 'POST',
          url: '/api/personalize',
          headers: bearer(learner.token),
          payload: { lessonSlug: 'current-platforms' },
        });
        expect(miss.statusCode).toBe(429);
        expect(miss.json().message).toMatch(/budget/);
      } finally {
        await redis.del(key);
      }
    });
  });

  describe('with no LLM configured', () => {
    let bare: TestApp;

    beforeAll(async () => {
      bare = await createTestApp(modules(), {});
    });
    afterAll(async () => {
      await bare?.close();
    });

    it('a miss answers 503 saying how to configure one; a cached rewrite is still served', async () => {
      const { learner } = await rewriteFor({
        educationLevel: 'graduate',
        programmingExperience: 'beginner',
        aiMlExperience: 'basic',
        learningGoals: ['teaching'],
      });
      const hit = await bare.app.inject({
        method: 'POST',
        url: '/api/personalize',
        headers: bearer(learner.token),
        payload: { lessonSlug: LESSON },
      });
      expect(hit.statusCode).toBe(200);
      const miss = await bare.app.inject({
        method: 'POST',
        url: '/api/personalize',
        headers: bearer(learner.token),
        payload: { lessonSlug: 'current-platforms' },
      });
      expect(miss.statusCode).toBe(503);
      expect(miss.json().message).toMatch(/OPENAI_API_KEY|OPENAI_BASE_URL/);
    });
  });
});
