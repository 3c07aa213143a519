import type { PersonalizeQueued, PersonalizeReady } from '@lectern/api-types';
import { ContentJobsModule, ContentSyncHandler, ContentSyncService, CONTENT_QUEUE } from '@lectern/content';
import { WorkerRunnerModule, jobBinding } from '@lectern/infra';
import { PersonalizeHandler, PersonalizeJobsModule, PERSONALIZE_QUEUE } from '@lectern/personalize';
import { SearchIndexHandler, SearchJobsModule, INDEX_QUEUE } from '@lectern/search';
import {
  bearer,
  createLearner,
  createTestApp,
  startFakeOpenAI,
  startPrivateRedis,
  type FakeOpenAI,
  type PrivateRedis,
  type TestApp,
} from '@lectern/testing';
import { resolve } from 'node:path';
import { AppModule } from '../src/app.module';

const SAMPLE_BOOK = resolve(__dirname, '../../content');

describe('Redis goes away and comes back (a private redis-server)', () => {
  jest.setTimeout(300_000);
  let redis: PrivateRedis;
  let fake: FakeOpenAI;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    fake = await startFakeOpenAI();
    t = await createTestApp(
      (config) => {
        const api = AppModule.forRoot(config);
        return {
          ...api,
          imports: [
            ...(api.imports ?? []),
            WorkerRunnerModule.forRoot(
              [
                jobBinding(CONTENT_QUEUE, ContentSyncHandler),
                jobBinding(PERSONALIZE_QUEUE, PersonalizeHandler),
                jobBinding(INDEX_QUEUE, SearchIndexHandler),
              ],
              [ContentJobsModule, PersonalizeJobsModule, SearchJobsModule],
            ),
          ],
        };
      },
      { REDIS_URL: redis.url, OPENAI_BASE_URL: fake.url },
    );
    await t.app.get(ContentSyncService).sync(SAMPLE_BOOK);
  });
  afterAll(async () => {
    // Closing the app needs Redis (BullMQ connections), also when the test failed during the outage.
    if (redis && !redis.running()) await redis.start();
    await t?.close();
    await fake?.close();
    await redis?.stop();
  });

  it('serves cached rewrites from PostgreSQL, fails misses fast with 503, stays healthy, and recovers', async () => {
    const learner = await createLearner(t.app, { educationLevel: 'graduate' });
    const post = (lessonSlug: string) =>
      t.app.inject({ method: 'POST', url: '/api/personalize', headers: bearer(learner.token), payload: { lessonSlug } });

    // A rewrite in the cache while Redis is up.
    const queued = (await post('why-humanoid-form')).json<PersonalizeQueued>();
    const cachedBy = Date.now() + 60_000;
    while (Date.now() < cachedBy) {
      const status = (
        await t.app.inject({ method: 'GET', url: `/api/personalize/jobs/${queued.jobId}`, headers: bearer(learner.token) })
      ).json<{ state: string }>();
      if (status.state === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await post('why-humanoid-form')).statusCode).toBe(200);

    // A rewrite still being written when Redis goes away (a slow LLM).
    fake.setBehaviour({ kind: 'normal', delayMs: 2_000 }, 'chat');
    const streamedBefore = fake.calls.chatStreamed;
    const inFlight = (await post('challenges-and-future-directions')).json<PersonalizeQueued>();
    // In flight means the worker has called the LLM (not a guess at how long that takes on a busy machine).
    const calledBy = Date.now() + 30_000;
    while (fake.calls.chatStreamed === streamedBefore) {
      if (Date.now() > calledBy) throw new Error('the worker never called the LLM');
      await new Promise((r) => setTimeout(r, 25));
    }

    await redis.stop();

    const hit = await post('why-humanoid-form');
    expect(hit.statusCode).toBe(200);
    expect(hit.json<PersonalizeReady>().cached).toBe(true);

    const started = Date.now();
    const miss = await post('current-platforms');
    expect(miss.statusCode).toBe(503);
    // Not a speed target: a miss must not hang on the dead Redis (the queue's own timeouts are 2 s); generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(miss.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });

    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    // Load while Redis is away: every request answers, quickly, and nothing but a new rewrite fails.
    const loadStarted = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 8 }).flatMap(() => [
        t.app.inject({ method: 'GET', url: '/api/content/book' }),
        t.app.inject({ method: 'GET', url: '/api/content/lessons/why-humanoid-form/content' }),
        post('why-humanoid-form'),
        post('current-platforms'),
        t.app.inject({
          method: 'PUT',
          url: '/api/progress/lessons/why-humanoid-form/time',
          headers: bearer(learner.token),
          payload: { seconds: 5 },
        }),
        t.app.inject({ method: 'POST', url: '/api/search', payload: { query: 'humanoid form' } }),
      ]),
    );
    expect(Date.now() - loadStarted).toBeLessThan(20_000);
    expect(answers.filter((a) => a.statusCode >= 500 && a.statusCode !== 503)).toEqual([]);
    expect(answers.filter((a) => a.statusCode === 503).length).toBe(8);
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ database: 'up', redis: 'down' });
    expect((await t.app.inject({ method: 'GET', url: '/api/content/book' })).statusCode).toBe(200);

    await redis.start();
    fake.setBehaviour({ kind: 'normal' }, 'chat');

    // The job in flight during the outage was kept (append-only Redis) and is finished: jobs resume.
    let state = '';
    const resumedBy = Date.now() + 90_000;
    while (state !== 'completed' && Date.now() < resumedBy) {
      const res = await t.app.inject({ method: 'GET', url: `/api/personalize/jobs/${inFlight.jobId}`, headers: bearer(learner.token) });
      state = res.statusCode === 200 ? res.json<{ state: string }>().state : `http ${res.statusCode}`;
      if (state !== 'completed') await new Promise((r) => setTimeout(r, 150));
    }
    expect(state).toBe('completed');

    let recovered = 0;
    const recoveredBy = Date.now() + 60_000;
    for (;;) {
      recovered = (await post('current-platforms')).statusCode;
      if (recovered === 202 || Date.now() > recoveredBy) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(202);
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });
});
