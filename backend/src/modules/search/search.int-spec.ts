import type { ApiErrorBody, SearchResponse } from '@lectern/api-types';
import { ContentJobsModule, ContentModule, ContentService, ContentSyncHandler, ContentSyncService, CONTENT_QUEUE } from '@lectern/content';
import { LlmService, QueueModule, QueueService, WorkerRunnerModule, jobBinding } from '@lectern/infra';
import {
  bearer,
  createLearner,
  CONTENT_TABLES,
  createTestApp,
  queriesDuring,
  RUN_ID,
  startFakeOpenAI,
  startPrivateRedis,
  type FakeOpenAI,
  type TestApp,
} from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reciprocalRankFusion } from './rrf';
import { SearchIndexHandler } from './search-index.handler';
import { ChunkIndexService, REINDEX_BATCH } from './indexing/chunk-index.service';
import { EmbeddingBackfillService } from './indexing/embedding-backfill.service';
import { SearchJobsModule, SearchModule } from './search.module';
import {
  fulltextCandidatesSql,
  hnswSettingsSql,
  RESULTS_PER_LESSON,
  RRF_K,
  VECTOR_MIN_SIMILARITY,
  vectorCandidatesSql,
  vectorLiteral,
} from './search.sql';
import { INDEX_QUEUE } from './search.jobs';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
const SENSE_FILE = 'part-1/ch02-sensors-actuators-body-plan/01-how-robots-sense.md';

/** The api's search modules, with a worker running the queues search needs (content sync, indexing) in this process. */
const withWorker = () => [
  QueueModule.forRoot(),
  UsersModule,
  ContentModule,
  SearchModule,
  WorkerRunnerModule.forRoot(
    [jobBinding(CONTENT_QUEUE, ContentSyncHandler), jobBinding(INDEX_QUEUE, SearchIndexHandler)],
    [ContentJobsModule, SearchJobsModule],
  ),
];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Until no `index` job is waiting, delayed or running. */
async function indexIdle(t: TestApp): Promise<void> {
  const queue = t.app.get(QueueService).queue('index');
  await waitFor('the index queue to drain', async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).every((n) => n === 0) ? true : undefined;
  });
}

/** Searches in these tests come from one address, many a minute; the limits have tests of their own (search-limits.int-spec.ts). */
const NO_SEARCH_LIMITS = { SEARCH_PER_IP_PER_MINUTE: '1000000', SEARCH_PER_LEARNER_PER_MINUTE: '1000000' };

/** Learner tokens of the apps whose searches are made as a learner (anonymous searches are full-text only). */
const learnerTokens = new Map<TestApp, string>();
async function asLearner(t: TestApp): Promise<TestApp> {
  learnerTokens.set(t, (await createLearner(t.app)).token);
  return t;
}

describe('search (real PostgreSQL + pgvector, Redis, BullMQ worker, fake OpenAI embeddings)', () => {
  let fake: FakeOpenAI;
  /** LLM configured (the fake server), worker in process. */
  let hybrid: TestApp;
  /** No LLM configured, no worker: what a deployment without an API key runs. */
  let plain: TestApp;
  let book: string;

  const search = (t: TestApp, payload: unknown) => {
    const token = learnerTokens.get(t);
    return t.app.inject({ method: 'POST', url: '/api/search', payload: payload as object, ...(token ? { headers: bearer(token) } : {}) });
  };
  const ok = async (t: TestApp, payload: Record<string, unknown>): Promise<SearchResponse> => {
    const res = await search(t, payload);
    expect(res.statusCode).toBe(200);
    return res.json<SearchResponse>();
  };
  const rows = async (sql: string, params: unknown[] = []) =>
    (await hybrid.dataSource.query(sql, params)) as Array<Record<string, unknown>>;
  const hashesOf = async (slug: string) =>
    (await rows('SELECT chunk_hash FROM lesson_chunks WHERE lesson_slug = $1 ORDER BY position', [slug])).map(
      (r) => r.chunk_hash as string,
    );

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    hybrid = await asLearner(
      await createTestApp(withWorker(), {
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: 'test-key',
        LLM_REQUESTS_PER_MINUTE: '10000',
        EMBEDDING_BATCH_TOKENS: '6000',
        ...NO_SEARCH_LIMITS,
      }),
    );
    plain = await createTestApp([QueueModule.forRoot(), ContentModule, SearchModule], NO_SEARCH_LIMITS);
    book = mkdtempSync(join(tmpdir(), 'lectern-search-book-'));
    cpSync(SAMPLE_BOOK, book, { recursive: true });
    await hybrid.app.get(ContentSyncService).sync(book);
    await indexIdle(hybrid);
  });
  afterAll(async () => {
    await hybrid?.close();
    await plain?.close();
    await fake?.close();
    rmSync(book, { recursive: true, force: true });
  });

  describe('indexing', () => {
    it('a sync chunks every lesson (anchors as rendered) and embeds every chunk, in batches, recorded in llm_calls', async () => {
      const [{ lessons, chunks, hashes }] = await rows(
        'SELECT count(DISTINCT lesson_slug)::int AS lessons, count(*)::int AS chunks, count(DISTINCT chunk_hash)::int AS hashes FROM lesson_chunks',
      );
      expect(lessons).toBe(28);
      expect(chunks).toBeGreaterThan(100);
      const [{ vectors }] = await rows(
        "SELECT count(*)::int AS vectors FROM chunk_embeddings WHERE model = 'text-embedding-3-small' AND dimensions = 1536",
      );
      expect(vectors).toBe(hashes);
      expect(await hybrid.app.get(EmbeddingBackfillService).countMissing()).toBe(0);

      // Every anchor is an id the lesson's rendered headings have.
      const content = hybrid.app.get(ContentService);
      for (const { lesson_slug: slug, anchor } of await rows("SELECT DISTINCT lesson_slug, anchor FROM lesson_chunks WHERE anchor <> ''")) {
        const { headings } = await content.lesson(slug as string);
        expect(headings.map((h) => h.id)).toContain(anchor);
      }

      const [calls] = await rows(
        "SELECT count(*)::int AS n, sum(prompt_tokens)::int AS tokens, min(outcome) AS outcome FROM llm_calls WHERE purpose = 'search-index'",
      );
      expect(calls.outcome).toBe('ok');
      expect(calls.tokens).toBeGreaterThan(0);
      // Batched: far fewer requests than chunks (one embed-lesson job per lesson, each batched by tokens).
      expect(calls.n).toBeLessThan(chunks as number);
    });

    it('a re-sync with no change writes nothing and makes zero embedding calls', async () => {
      const before = await rows('SELECT id, chunk_hash FROM lesson_chunks ORDER BY id');
      fake.reset();
      const summary = await hybrid.app.get(ContentSyncService).sync(book);
      expect(summary.writes).toBe(0);
      await indexIdle(hybrid);
      expect(fake.calls.embeddings).toBe(0);
      expect(await rows('SELECT id, chunk_hash FROM lesson_chunks ORDER BY id')).toEqual(before);
    });

    it('`search reindex` with nothing changed makes zero embedding calls too', async () => {
      fake.reset();
      const result = await hybrid.app.get(ChunkIndexService).reindexAll();
      expect(result).toMatchObject({ lessons: 28, changed: 0 });
      expect(await hybrid.app.get(EmbeddingBackfillService).embedMissing()).toMatchObject({ embedded: 0, requests: 0 });
      expect(fake.calls.embeddings).toBe(0);
    });

    it('`search reindex` reads the lessons through content a batch at a time: one look-up of the book per batch', async () => {
      const lessons = (await hybrid.app.get(ContentService).snapshot()).order.length;
      const queries = await queriesDuring(CONTENT_TABLES, () => hybrid.app.get(ChunkIndexService).reindexAll());
      // Content keeps the book in memory between syncs: at most one version check per batch, never one per lesson.
      expect(lessons).toBeGreaterThan(REINDEX_BATCH);
      expect(queries.length).toBeLessThanOrEqual(1 + Math.ceil(lessons / REINDEX_BATCH));
      expect(queries.every((sql) => /^SELECT\b/.test(sql))).toBe(true);
    });

    it('editing one section re-embeds only the chunks whose text changed; full-text sees the edit as soon as the sync returns', async () => {
      const slug = 'how-robots-sense';
      const before = await hashesOf(slug);
      const otherLessons = await rows("SELECT id FROM lesson_chunks WHERE lesson_slug <> 'how-robots-sense' ORDER BY id");
      const file = join(book, SENSE_FILE);
      const markdown = readFileSync(file, 'utf8');
      writeFileSync(
        file,
        markdown.replace(
          '## Choosing and placing sensors\n',
          '## Choosing and placing sensors\n\nMount a magnetoquirk sensor away from the motors.\n',
        ),
      );
      fake.reset();
      await hybrid.app.get(ContentSyncService).sync(book);

      // Full-text needs no embedding: the new word is found at once, by the server without any LLM too.
      const found = await ok(plain, { query: 'magnetoquirk' });
      expect(found).toMatchObject({ mode: 'fulltext', results: [{ lessonSlug: slug, heading: 'Choosing and placing sensors' }] });
      expect(found.results[0].snippet).toContain('<mark>magnetoquirk</mark>');

      await indexIdle(hybrid);
      const after = await hashesOf(slug);
      const fresh = after.filter((h) => !before.includes(h));
      expect(fresh.length).toBeGreaterThanOrEqual(1);
      expect(fresh.length).toBeLessThan(after.length);
      expect(fake.calls.embeddingInputs).toBe(fresh.length);
      expect(await hybrid.app.get(EmbeddingBackfillService).countMissing()).toBe(0);
      // Vectors of the replaced chunk text are dropped; other lessons' rows were not touched.
      const gone = before.filter((h) => !after.includes(h));
      expect(await rows('SELECT 1 FROM chunk_embeddings WHERE chunk_hash = ANY($1::text[])', [gone])).toEqual([]);
      expect(await rows("SELECT id FROM lesson_chunks WHERE lesson_slug <> 'how-robots-sense' ORDER BY id")).toEqual(otherLessons);
    });

    it('removing a lesson removes its chunks and their vectors', async () => {
      const slug = 'lab-research-humanoid-robots';
      const hashes = await hashesOf(slug);
      expect(hashes.length).toBeGreaterThan(0);
      const manifest = join(book, 'book.yaml');
      writeFileSync(
        manifest,
        readFileSync(manifest, 'utf8')
          .split('\n')
          .filter((line) => !line.includes(`slug: ${slug},`))
          .join('\n'),
      );
      const summary = await hybrid.app.get(ContentSyncService).sync(book);
      expect(summary.removed).toEqual([slug]);
      expect(await hashesOf(slug)).toEqual([]);
      expect(await rows('SELECT 1 FROM chunk_embeddings WHERE chunk_hash = ANY($1::text[])', [hashes])).toEqual([]);
      const res = await ok(hybrid, { query: 'research humanoid robots lab', limit: 50 });
      expect(res.results.map((r) => r.lessonSlug)).not.toContain(slug);
    });
  });

  describe('querying', () => {
    it('answers full-text with no LLM configured: best passage first, deep-link anchor, highlighted snippet', async () => {
      fake.reset();
      const res = await ok(plain, { query: "Moravec's paradox" });
      expect(res.mode).toBe('fulltext');
      expect(res.results[0]).toMatchObject({
        lessonSlug: 'digital-ai-vs-physical-ai',
        lessonTitle: 'Digital AI vs Physical AI',
        heading: 'Why the physical world is harder',
        anchor: 'why-the-physical-world-is-harder',
      });
      expect(res.results[0].snippet).toMatch(/<mark>Moravec<\/mark>&#39;s <mark>paradox<\/mark>/);
      expect(res.results[0].score).toBeGreaterThan(0);
      expect(fake.calls.embeddings).toBe(0);
    });

    it('ranks a title match above a body match and keeps at most two passages of a lesson', async () => {
      const res = await ok(plain, { query: 'digital twin', limit: 50 });
      expect(res.results[0].lessonSlug).toBe('what-makes-a-digital-twin');
      const perLesson = new Map<string, number>();
      for (const r of res.results) perLesson.set(r.lessonSlug, (perLesson.get(r.lessonSlug) ?? 0) + 1);
      expect(Math.max(...perLesson.values())).toBeLessThanOrEqual(RESULTS_PER_LESSON);
      const scores = res.results.map((r) => r.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    });

    it('answers hybrid with the fake embedder, and finds passages full-text cannot', async () => {
      // A quoted phrase the book never uses: full-text keeps to it exactly and finds nothing.
      const query = '"humanoid robots balancing on ice"';
      expect(await ok(plain, { query })).toEqual({ mode: 'fulltext', results: [] });
      const fused = await ok(hybrid, { query });
      expect(fused.mode).toBe('hybrid');
      expect(fused.results).toHaveLength(10);
      // Any-word full-text fallback, for a plain question.
      const question = await ok(plain, { query: 'what happens when a humanoid falls on ice' });
      expect(question.results.length).toBeGreaterThan(0);
    });

    it('answers nothing for a query the book does not cover: the semantic side has a relevance floor', async () => {
      const query = 'sourdough bread recipe with rye flour';
      const vectorCalls = fake.calls.embeddings;
      const res = await ok(hybrid, { query });
      expect(fake.calls.embeddings).toBe(vectorCalls + 1); // the query was embedded: its neighbours were looked at
      expect(res).toEqual({ mode: 'hybrid', results: [] });
      // Without the floor the same vectors would have answered a full page of unrelated sections.
      const [vector] = (await hybrid.app.get(LlmService).embed([query], { purpose: 'test' })).vectors;
      const unfloored: unknown[] = await hybrid.dataSource.transaction(async (m) => {
        await m.query(hnswSettingsSql(40));
        return m.query(vectorCandidatesSql('$1', '$2', '$3', '$4', 'TRUE'), [vectorLiteral(vector), 'text-embedding-3-small', 1536, 40]);
      });
      expect(unfloored.length).toBeGreaterThanOrEqual(10);
    });

    it('caches query vectors in Redis: the same query again makes no embedding call', async () => {
      const query = 'how does a robot know where its own joints are';
      await ok(hybrid, { query });
      const calls = fake.calls.embeddings;
      const again = await ok(hybrid, { query: `  ${query.replace(/ /g, '   ')} ` });
      expect(again.mode).toBe('hybrid');
      expect(fake.calls.embeddings).toBe(calls);
      const [call] = await rows("SELECT model, outcome FROM llm_calls WHERE purpose = 'search-query' ORDER BY id DESC LIMIT 1");
      expect(call).toEqual({ model: 'text-embedding-3-small', outcome: 'ok' });
    });

    it('fuses in SQL exactly as reciprocal-rank fusion of the full-text and vector rankings', async () => {
      const query = 'sensor fusion complementary filter drift';
      const limit = 10;
      const k = 40;
      const [vector] = (await hybrid.app.get(LlmService).embed([query], { purpose: 'test' })).vectors;
      const candidates = async (sql: string, params: unknown[]) => {
        // The same session settings as the service's statement.
        const ids: Array<{ id: string; tier?: number }> = await hybrid.dataSource.transaction(async (m) => {
          await m.query(hnswSettingsSql(k));
          return m.query(`${sql} ORDER BY rank`, params);
        });
        const meta = await rows('SELECT id::text AS id, lesson_slug, position, anchor FROM lesson_chunks WHERE id = ANY($1::bigint[])', [
          ids.map((r) => r.id),
        ]);
        const byId = new Map(meta.map((m) => [m.id as string, m]));
        return ids.map((r) => {
          const m = byId.get(String(r.id)) as Record<string, unknown>;
          return {
            id: String(r.id),
            group: m.lesson_slug as string,
            position: m.position as number,
            anchor: m.anchor as string,
            exact: r.tier === 0,
          };
        });
      };
      const lexical = await candidates(fulltextCandidatesSql(), [query, null, null, k, query]);
      const semantic = await candidates(vectorCandidatesSql('$1', '$2', '$3', '$4', 'TRUE', VECTOR_MIN_SIMILARITY), [
        vectorLiteral(vector),
        'text-embedding-3-small',
        1536,
        k,
      ]);
      expect(lexical.length).toBeGreaterThan(0);
      expect(semantic.length).toBeGreaterThan(0);
      const expected = reciprocalRankFusion([lexical, semantic], { k: RRF_K, perGroup: RESULTS_PER_LESSON, limit });
      const res = await ok(hybrid, { query, limit });
      expect(res.mode).toBe('hybrid');
      expect(res.results.map((r) => [r.lessonSlug, r.anchor, r.score])).toEqual(
        expected.map((e) => [e.group, (e as unknown as { anchor: string }).anchor, Math.round(e.score * 1e6) / 1e6]),
      );
    });

    it.each([
      ['layer', { layer: 'L3' }, "SELECT slug FROM lessons WHERE layer = 'L3'"],
      [
        'partSlug',
        { partSlug: 'ros2-fundamentals' },
        "SELECT l.slug FROM lessons l JOIN chapters c ON c.id = l.chapter_id JOIN parts p ON p.id = c.part_id WHERE p.slug = 'ros2-fundamentals'",
      ],
      [
        'both',
        { layer: 'L2', partSlug: 'simulation-systems' },
        "SELECT l.slug FROM lessons l JOIN chapters c ON c.id = l.chapter_id JOIN parts p ON p.id = c.part_id WHERE p.slug = 'simulation-systems' AND l.layer = 'L2'",
      ],
    ])('filters by %s, in both modes', async (_name, filter, allowedSql) => {
      const allowed = new Set((await rows(allowedSql)).map((r) => r.slug as string));
      expect(allowed.size).toBeGreaterThan(0);
      for (const t of [plain, hybrid]) {
        const res = await ok(t, { query: 'robot', limit: 50, ...filter });
        expect(res.results.length).toBeGreaterThan(0);
        for (const r of res.results) expect(allowed.has(r.lessonSlug)).toBe(true);
      }
      const unfiltered = await ok(hybrid, { query: 'robot', limit: 50 });
      expect(unfiltered.results.some((r) => !allowed.has(r.lessonSlug))).toBe(true);
    });

    it('answers an unknown part with no results', async () => {
      for (const t of [plain, hybrid]) expect(await ok(t, { query: 'robot', partSlug: 'no-such-part' })).toMatchObject({ results: [] });
    });

    it('snippets are safe to render: the text is escaped, only <mark> tags are markup', async () => {
      const file = join(book, SENSE_FILE);
      writeFileSync(
        file,
        `${readFileSync(file, 'utf8')}\n\n## Unsafe sample\n\nA page is hijackable when 1 < 2 && 3 > 2 is shown as HTML.\n\n\`\`\`html\n<script>alert("hijackable")</script>\n<img src=x onerror="alert(1)">\n\`\`\`\n`,
      );
      await hybrid.app.get(ContentSyncService).sync(book);
      // The sync queued the new section's embedding: wait for it, as a learner's
      // search would only be expected to include vectors once they exist.
      await indexIdle(hybrid);
      for (const t of [plain, hybrid]) {
        const res = await search(t, { query: 'hijackable' });
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toMatch(/<script|<img/i);
        const [first] = res.json<SearchResponse>().results;
        expect(first.snippet).toContain('<mark>hijackable</mark>');
        expect(first.snippet).toContain('1 &lt; 2 &amp;&amp; 3 &gt; 2');
        expect(first.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
      }
    });

    it('finds a rare exact term first in hybrid mode before its section is embedded', async () => {
      // The index queue is paused, so the new section is in the full-text
      // list only; the top vector neighbour ties with it on RRF score and must
      // not win the tie. The section goes into the lesson whose slug sorts
      // last, so a tie broken by slug alone would lose it.
      const queue = hybrid.app.get(QueueService).queue('index');
      await queue.pause();
      try {
        const file = join(book, 'part-2/ch05-creating-ros2-packages-python/01-your-first-ros2-python-package.md');
        writeFileSync(file, `${readFileSync(file, 'utf8')}\n\n## Rare term\n\nA gimbal can be quixotically balanced.\n`);
        await hybrid.app.get(ContentSyncService).sync(book);
        const [missing] = await rows(
          `SELECT count(*)::int AS n FROM lesson_chunks c
           WHERE c."text" LIKE '%quixotically%' AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_hash = c.chunk_hash)`,
        );
        expect(missing.n).toBe(1);
        const res = await ok(hybrid, { query: 'quixotically' });
        expect(res.mode).toBe('hybrid');
        expect(res.results[0]).toMatchObject({ lessonSlug: 'your-first-ros2-python-package', heading: 'Rare term' });
        expect(res.results[0].snippet).toContain('<mark>quixotically</mark>');
      } finally {
        await queue.resume();
      }
      await indexIdle(hybrid);
    });
  });

  describe('bad input: a clear 400 or an empty 200, never a 500', () => {
    const cases: Array<[string, unknown, 400 | 200, RegExp | null]> = [
      ['an empty query', { query: '' }, 400, /query must not be empty/],
      ['a blank query', { query: '   \t ' }, 400, /query must not be empty/],
      ['a query over 500 characters', { query: 'a'.repeat(501) }, 400, /query must be at most 500 characters/],
      ['no query', {}, 400, /query must be a string/],
      ['a number for a query', { query: 42 }, 400, /query must be a string/],
      ['an unknown field', { query: 'robot', sql: 'x' }, 400, /sql is not an accepted field/],
      ['limit 0', { query: 'robot', limit: 0 }, 400, /limit must be between 1 and 50/],
      ['limit 51', { query: 'robot', limit: 51 }, 400, /limit must be between 1 and 50/],
      ['a string limit', { query: 'robot', limit: '5' }, 400, /limit must be a whole number/],
      ['an unknown layer', { query: 'robot', layer: 'L6' }, 400, /layer must be one of/],
      ['a malformed part slug', { query: 'robot', partSlug: "x' OR 1=1" }, 400, /partSlug must be a part slug/],
      ['exactly 500 characters', { query: `${'robot '.repeat(83)}ab` }, 200, null],
      ['only punctuation', { query: '!!!' }, 200, null],
      ['SQL-looking text', { query: "'; DROP TABLE lessons; --" }, 200, null],
      ['only emoji', { query: '🤖🦾' }, 200, null],
      ['mixed scripts', { query: 'ROS 2 روبوٹ mixed' }, 200, null],
      ['a script tag', { query: '<script>alert(1)</script>' }, 200, null],
      ['tsquery operators', { query: 'robot & | ! <-> :* ( "unbalanced' }, 200, null],
      ['a NUL character', { query: 'robot\u0000arm' }, 200, null],
    ];

    it.each(cases)('%s', async (_name, payload, status, message) => {
      for (const t of [plain, hybrid]) {
        const res = await search(t, payload);
        expect(res.statusCode).toBe(status);
        if (status === 400) {
          const body = res.json<ApiErrorBody>();
          expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
          expect(body.message).toMatch(message as RegExp);
        } else {
          expect(res.json<SearchResponse>().results).toEqual(expect.any(Array));
          expect(res.body).not.toMatch(/<script/i);
        }
      }
      // Nothing was dropped or changed by what the queries held.
      expect(await rows('SELECT count(*)::int > 20 AS intact FROM lessons')).toEqual([{ intact: true }]);
    });

    it('answers nothing for a query with no letters or digits, without asking the embedder', async () => {
      fake.reset();
      for (const query of ['!!!', '🤖🦾', '— … ?']) expect(await ok(hybrid, { query })).toEqual({ mode: 'fulltext', results: [] });
      expect(fake.calls.embeddings).toBe(0);
    });

    it('falls back to full-text when Redis is down (query-vector cache, budget), and says so', async () => {
      const redis = await startPrivateRedis();
      const t = await asLearner(
        await createTestApp([QueueModule.forRoot(), UsersModule, ContentModule, SearchModule], {
          REDIS_URL: redis.url,
          OPENAI_BASE_URL: fake.url,
          QUEUE_PREFIX: `${RUN_ID}-outage`,
        }),
      );
      try {
        expect((await ok(t, { query: 'sensor fusion' })).mode).toBe('hybrid');
        await redis.stop();
        const res = await ok(t, { query: 'a question asked while Redis is away' });
        expect(res.mode).toBe('fulltext');
        expect(res.results.length).toBeGreaterThan(0);
      } finally {
        await redis.start();
        await t.close();
        await redis.stop();
      }
    });

    it('falls back to full-text when the embedding provider fails, and says so', async () => {
      fake.setBehaviour({ kind: 'status', status: 500 }, 'embeddings');
      try {
        const res = await ok(hybrid, { query: 'a query nobody has asked before about grippers' });
        expect(res.mode).toBe('fulltext');
      } finally {
        fake.setBehaviour({ kind: 'normal' }, 'embeddings');
      }
    });
  });

  describe('changing the embedding model', () => {
    let next: TestApp;

    afterAll(async () => {
      await next?.close();
    });

    it('re-embeds in the background while searches keep using the previous model, then switches and drops the old vectors', async () => {
      fake.reset();
      fake.setBehaviour({ kind: 'normal', delayMs: 400 }, 'embeddings');
      // A process with the new model (its own queues: the first app's worker keeps the old model).
      next = await asLearner(
        await createTestApp(withWorker(), {
          OPENAI_BASE_URL: fake.url,
          OPENAI_EMBEDDING_MODEL: 'text-embedding-3-large',
          EMBEDDING_DIMENSIONS: '1024',
          EMBEDDING_BATCH_TOKENS: '4000',
          LLM_REQUESTS_PER_MINUTE: '10000',
          QUEUE_PREFIX: `${RUN_ID}-next`,
          ...NO_SEARCH_LIMITS,
        }),
      );
      const index = next.app.get(EmbeddingBackfillService);
      // The worker saw the model change at start-up and queued the re-embedding.
      expect(await index.countMissing()).toBeGreaterThan(0);
      const during = await ok(next, { query: 'complementary filter gyroscope accelerometer' });
      expect(during.mode).toBe('hybrid');
      const duringModels = fake.calls.log
        .filter((e) => e.endpoint === 'embeddings' && e.summary.startsWith('1 input(s)'))
        .map((e) => e.model);
      expect(duringModels).toEqual(['text-embedding-3-small']);

      await waitFor('the new model to cover every chunk', async () => ((await index.countMissing()) === 0 ? true : undefined), 60_000);
      await indexIdle(next);
      const used = await waitFor('searches to switch to the new model', async () => {
        const res = await ok(next, { query: `gyroscope drift ${Date.now()}` });
        const last = fake.calls.log.filter((e) => e.endpoint === 'embeddings').pop();
        return res.mode === 'hybrid' && last?.model === 'text-embedding-3-large' ? last : undefined;
      });
      expect(used.summary).toMatch(/1024 dims/);
      expect(await rows('SELECT DISTINCT model, dimensions FROM chunk_embeddings')).toEqual([
        { model: 'text-embedding-3-large', dimensions: 1024 },
      ]);
      fake.setBehaviour({ kind: 'normal' }, 'embeddings');
    }, 120_000);
  });
});
