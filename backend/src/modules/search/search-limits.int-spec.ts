import type { SearchResponse } from '@lectern/api-types';
import { ContentJobsModule, ContentModule, ContentSyncHandler, ContentSyncService, CONTENT_QUEUE } from '@lectern/content';
import { LlmBudget, QueueModule, QueueService, WorkerRunnerModule, jobBinding } from '@lectern/infra';
import { bearer, createLearner, createTestApp, RUN_ID, startFakeOpenAI, type FakeOpenAI, type TestApp } from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import Redis from 'ioredis';
import { resolve } from 'node:path';
import { QueryVectorCache } from './query-vector-cache';
import { SearchIndexHandler } from './search-index.handler';
import { SearchJobsModule, SearchModule } from './search.module';
import { INDEX_QUEUE } from './search.jobs';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
const api = () => [QueueModule.forRoot(), UsersModule, ContentModule, SearchModule];

/**
 * What searching may cost: per-address and per-learner limits, query
 * embeddings only for learners and only through the shared provider rate
 * limit, their own daily budget, and a bounded query-vector cache.
 */
describe('search limits (real PostgreSQL + pgvector, Redis, fake OpenAI embeddings)', () => {
  let fake: FakeOpenAI;
  let indexer: TestApp;
  let redis: Redis;
  const apps: TestApp[] = [];

  /** An api process with its own Redis prefix (fresh counters, limits and cache); the book's vectors are already in PostgreSQL. */
  async function apiWith(name: string, overrides: Record<string, string>): Promise<TestApp> {
    const t = await createTestApp(api(), { OPENAI_BASE_URL: fake.url, QUEUE_PREFIX: `${RUN_ID}-${name}`, ...overrides });
    apps.push(t);
    return t;
  }

  const search = (t: TestApp, query: string, token?: string) =>
    t.app.inject({ method: 'POST', url: '/api/search', payload: { query }, ...(token ? { headers: bearer(token) } : {}) });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    indexer = await createTestApp(
      [
        ...api(),
        // Only the queues this test needs: search does not depend on personalize.
        WorkerRunnerModule.forRoot(
          [jobBinding(CONTENT_QUEUE, ContentSyncHandler), jobBinding(INDEX_QUEUE, SearchIndexHandler)],
          [ContentJobsModule, SearchJobsModule],
        ),
      ],
      { OPENAI_BASE_URL: fake.url, LLM_REQUESTS_PER_MINUTE: '10000' },
    );
    await indexer.app.get(ContentSyncService).sync(SAMPLE_BOOK);
    const queue = indexer.app.get(QueueService).queue('index');
    // Until every chunk has its vector: the index queue's job counts drop to zero.
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    redis = new Redis(indexer.config.REDIS_URL);
  }, 120_000);
  afterAll(async () => {
    for (const t of apps) await t.close();
    await indexer?.close();
    redis?.disconnect();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  it('200 distinct queries from one address: limited per address, and provider calls stay within LLM_REQUESTS_PER_MINUTE', async () => {
    const t = await apiWith('flood', {
      LLM_REQUESTS_PER_MINUTE: '10',
      SEARCH_PER_IP_PER_MINUTE: '60',
      SEARCH_PER_LEARNER_PER_MINUTE: '30',
    });
    const learners = await Promise.all(Array.from({ length: 20 }, () => createLearner(t.app)));
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => search(t, `distinct question number ${i} about robot joints`, learners[i % 20].token)),
    );
    const codes = answers.map((a) => a.statusCode);
    const admitted = codes.filter((c) => c === 200).length;
    // 60 a minute (fixed windows: a burst straddling a minute boundary may see two windows' worth).
    expect(admitted).toBeGreaterThanOrEqual(60);
    expect(admitted).toBeLessThanOrEqual(120);
    expect(codes.filter((c) => c === 429)).toHaveLength(200 - admitted);
    const limited = answers.find((a) => a.statusCode === 429);
    expect(limited?.json()).toMatchObject({
      statusCode: 429,
      code: 'rate_limited',
      message: expect.stringMatching(/searches from this address/),
    });
    const modes = answers.filter((a) => a.statusCode === 200).map((a) => a.json<SearchResponse>().mode);
    // The provider got at most its per-minute limit; the other admitted searches answered full-text.
    expect(fake.calls.embeddings).toBeLessThanOrEqual(10);
    expect(fake.calls.embeddings).toBeGreaterThan(0);
    expect(modes.filter((m) => m === 'hybrid').length).toBe(fake.calls.embeddings);
    expect(modes.filter((m) => m === 'fulltext').length).toBe(admitted - fake.calls.embeddings);
  });

  it('a learner is limited on their own too', async () => {
    const t = await apiWith('learner', { SEARCH_PER_IP_PER_MINUTE: '1000', SEARCH_PER_LEARNER_PER_MINUTE: '5' });
    const learner = await createLearner(t.app);
    const codes = [];
    for (let i = 0; i < 12; i++) codes.push((await search(t, `question ${i}`, learner.token)).statusCode);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    // At most 5 in each of the (at most two) one-minute windows the requests fell in.
    expect(codes.filter((c) => c === 200).length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(2);
  });

  it('anonymous searches (no learner token) are full-text only and never call the provider', async () => {
    const t = await apiWith('anon', { SEARCH_PER_IP_PER_MINUTE: '1000' });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => search(t, `anonymous question ${i} on balance`)));
    expect(answers.every((a) => a.statusCode === 200 && a.json<SearchResponse>().mode === 'fulltext')).toBe(true);
    expect(fake.calls.embeddings).toBe(0);
    // A token that does not verify is refused, not treated as anonymous.
    const forged = await search(t, 'balance', 'not.a.token');
    expect(forged.statusCode).toBe(401);
  });

  it('query vectors in Redis stay under SEARCH_QUERY_CACHE_MAX_ENTRIES, oldest dropped first', async () => {
    const t = await apiWith('cache', {
      SEARCH_QUERY_CACHE_MAX_ENTRIES: '20',
      SEARCH_PER_IP_PER_MINUTE: '1000',
      SEARCH_PER_LEARNER_PER_MINUTE: '1000',
      LLM_REQUESTS_PER_MINUTE: '10000',
    });
    const learner = await createLearner(t.app);
    for (let i = 0; i < 60; i++)
      expect((await search(t, `cache filler query ${i}`, learner.token)).json<SearchResponse>().mode).toBe('hybrid');
    expect(fake.calls.embeddings).toBe(60);
    const cache = t.app.get(QueryVectorCache);
    expect(await cache.size()).toBe(20);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${t.config.QUEUE_PREFIX}:search:query-vector:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys).toHaveLength(20);
    let bytes = 0;
    for (const key of keys) bytes += Number(await redis.memory('USAGE', key));
    bytes += Number(await redis.memory('USAGE', cache.indexKey));
    // 20 vectors of 1536 floats, plus per-key overhead and the index: well under 20 × 8 KB.
    expect(bytes).toBeLessThan(20 * 8 * 1024);
    // The newest query is still cached (no call); the oldest was dropped (a call again).
    await search(t, 'cache filler query 59', learner.token);
    expect(fake.calls.embeddings).toBe(60);
    await search(t, 'cache filler query 0', learner.token);
    expect(fake.calls.embeddings).toBe(61);
  });

  it('search embeddings have their own daily budget: used up, searches answer full-text and the rewrites budget is untouched', async () => {
    const t = await apiWith('budget', {
      LLM_DAILY_TOKEN_BUDGET: '100000',
      LLM_DAILY_TOKEN_BUDGET_SEARCH: '60',
      LLM_DAILY_TOKEN_BUDGET_REWRITES: '90000',
      SEARCH_PER_IP_PER_MINUTE: '1000',
      SEARCH_PER_LEARNER_PER_MINUTE: '1000',
      LLM_REQUESTS_PER_MINUTE: '10000',
    });
    const learner = await createLearner(t.app);
    const modes = [];
    for (let i = 0; i < 30; i++)
      modes.push((await search(t, `budget burner question number ${i}`, learner.token)).json<SearchResponse>().mode);
    expect(modes[0]).toBe('hybrid');
    expect(modes.at(-1)).toBe('fulltext');
    const budget = t.app.get(LlmBudget);
    const usage = await budget.usage('search');
    expect(usage.used).toBeLessThanOrEqual(60);
    expect(usage.used).toBeGreaterThan(0);
    expect(modes.filter((m) => m === 'hybrid').length).toBe(fake.calls.embeddings);
    expect((await budget.usage('rewrites')).used).toBe(0);
    // The rewrites' whole budget is still there to reserve.
    await expect(budget.admit('rewrites', 'a-rewrite', 90_000, learner.id)).resolves.toBe('ok');
    await budget.release('rewrites', 'a-rewrite');
  });
});
