// Benchmark (not a test) of search at scale, per the search issue: a fresh
// database migrated by the built CLI, >= 50,000 generated chunks (words drawn
// from the sample book, a few topic words per lesson) with 1536-d vectors,
// then, side by side over the same queries: full-text p50/p95, vector top-10
// through the HNSW index p50/p95 with its recall@10 against an exact scan,
// the exact scan itself (the baseline, measured in the same run), and the
// hybrid statement p95. The SQL is the service's own: this script imports
// backend/src/modules/search/search.sql.ts (Node strips its types).
//
//   npm run bench -- search [--chunks 50000] [--queries 200] [--random] [--keep]
//
// Vectors are clustered by default (topic + lesson + noise, like real
// embeddings of a book); --random draws i.i.d. Gaussian vectors, HNSW's
// worst case (see /work/shared/notes/pgvector.md).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freshDatabase, lecternEnv, percentile, ROOT, run } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const CHUNKS = arg('--chunks', 50_000);
const QUERIES = arg('--queries', 200);
const RANDOM = process.argv.includes('--random');
const KEEP = process.argv.includes('--keep');
const CHUNKS_PER_LESSON = 25;
const LESSONS = Math.ceil(CHUNKS / CHUNKS_PER_LESSON);
const TOPICS = 200;
const MODEL = 'bench-embedding';
const DIMS = 1536;
const K = 10;

// The service's SQL. Node 24 strips the types; its "module type not specified" notice is noise here.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) =>
  String(warning).includes('Module type') ? undefined : emitWarning.call(process, warning, ...rest);
const sql = await import(pathToFileURL(join(ROOT, 'backend/src/modules/search/search.sql.ts')).href);
process.emitWarning = emitWarning;

// A seeded generator: the same run produces the same book and queries.
function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261124);
const pick = (list) => list[Math.floor(rand() * list.length)];

/** The sample book's words with their frequencies: generated text reads like the book, common words common. */
function vocabulary() {
  const files = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : name.endsWith('.md') ? [path] : [];
    });
  const counts = new Map();
  for (const file of files(join(ROOT, 'content'))) {
    for (const word of readFileSync(file, 'utf8')
      .toLowerCase()
      .match(/[a-z][a-z'-]{2,}/g) ?? [])
      counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const words = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const cumulative = [];
  let total = 0;
  for (const [, n] of words) cumulative.push((total += n));
  return {
    words: words.map(([w]) => w),
    draw() {
      const x = rand() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      return words[lo][0];
    },
  };
}

const vocab = vocabulary();
// Topic words: from the book's less common words (specific terms), 12 per topic.
const specific = vocab.words.slice(200, 200 + TOPICS * 12);
const topicWords = Array.from({ length: TOPICS }, (_, t) => specific.slice(t * 12, t * 12 + 12));
const sentence = (topic, length) => Array.from({ length }, () => (rand() < 0.25 ? pick(topicWords[topic]) : vocab.draw())).join(' ') + '.';

const db = await freshDatabase('lectern_bench_search');
const env = lecternEnv(db.url);
const client = new pg.Client({ connectionString: db.url });
const timings = {};
const time = async (label, work) => {
  const t0 = performance.now();
  const result = await work();
  timings[label] = performance.now() - t0;
  return result;
};

try {
  await run('dist/backend/cli.js', ['migrate'], env);
  await client.connect();

  // --- the book skeleton: 5 parts (one per layer), 100 chapters, LESSONS lessons ---------------------
  const [{ id: bookId }] = (
    await client.query(
      "INSERT INTO books (slug, title, version, layers, source_format) VALUES ('bench', 'Bench book', '1', '[]', 'lectern') RETURNING id",
    )
  ).rows;
  await client.query(
    "INSERT INTO parts (book_id, number, slug, title, layer) SELECT $1, n, 'part-' || n, 'Part ' || n, 'L' || n FROM generate_series(1, 5) n",
    [bookId],
  );
  await client.query(
    `INSERT INTO chapters (book_id, part_id, number, local_number, slug, title)
     SELECT $1, p.id, n, n, 'chapter-' || n, 'Chapter ' || n FROM generate_series(1, 100) n JOIN parts p ON p.book_id = $1 AND p.number = (n - 1) / 20 + 1`,
    [bookId],
  );
  await client.query(
    `INSERT INTO lessons (slug, book_id, chapter_id, title, position, type, layer, estimated_minutes, content_hash, storage_key)
     SELECT 'lesson-' || n, $1, c.id, 'Lesson ' || n, n, 'lesson', p.layer, 10, encode(sha256(n::text::bytea), 'hex'), 'bench/' || n
     FROM generate_series(1, $2::int) n
     JOIN chapters c ON c.book_id = $1 AND c.number = (n - 1) * 100 / $2::int + 1
     JOIN parts p ON p.id = c.part_id`,
    [bookId, LESSONS],
  );
  const lessons = (
    await client.query(
      'SELECT l.slug, l.position, l.layer, p.slug AS part_slug FROM lessons l JOIN chapters c ON c.id = l.chapter_id JOIN parts p ON p.id = c.part_id ORDER BY l.position',
    )
  ).rows;

  // --- chunks: the service's insert (tsvector computed in SQL), 1,000 rows a statement -----------------
  await time('insert chunks', async () => {
    let batch = [];
    let made = 0;
    for (const lesson of lessons) {
      const topic = lesson.position % TOPICS;
      const title = `${pick(topicWords[topic])} ${pick(topicWords[topic])} and ${pick(topicWords[topic])}`;
      for (let position = 0; position < CHUNKS_PER_LESSON && made < CHUNKS; position += 1, made += 1) {
        const heading = `${pick(topicWords[topic])} ${vocab.draw()}`;
        const text = Array.from({ length: 6 + Math.floor(rand() * 6) }, () => sentence(topic, 12 + Math.floor(rand() * 10))).join(' ');
        batch.push({
          lesson_slug: lesson.slug,
          position,
          heading_path: [heading],
          heading,
          anchor: heading.replace(/ /g, '-'),
          text,
          chunk_hash: createHash('sha256').update(`${lesson.slug}/${position}/${text}`).digest('hex'),
          token_count: Math.ceil(text.length / 4),
          lesson_title: title,
          layer: lesson.layer,
          part_slug: lesson.part_slug,
        });
        if (batch.length === 1000) {
          await client.query(sql.CHUNK_INSERT_SQL, [JSON.stringify(batch)]);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await client.query(sql.CHUNK_INSERT_SQL, [JSON.stringify(batch)]);
  });
  const [{ n: chunkCount }] = (await client.query('SELECT count(*)::int AS n FROM lesson_chunks')).rows;

  // --- vectors, generated in PostgreSQL: topic + lesson + noise (or pure noise with --random) -----------
  const gauss = 'sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())';
  const noise = (scale, ref) => `(SELECT array_agg(${scale} * ${gauss}) FROM generate_series(1, ${DIMS}) WHERE ${ref} IS NOT NULL)::vector`;
  await client.query('SELECT setseed(0.42)');
  await client.query(`CREATE TABLE bench_topics AS SELECT t AS topic, ${noise(1, 't')} AS v FROM generate_series(0, ${TOPICS - 1}) t`);
  await client.query(
    `CREATE TABLE bench_lessons AS SELECT slug, position % ${TOPICS} AS topic, ${noise(0.8, 'position')} AS v FROM lessons`,
  );
  const hnswDefinition = (await client.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_chunk_embeddings_hnsw'")).rows[0]
    .indexdef;
  await client.query('DROP INDEX idx_chunk_embeddings_hnsw');
  await time('generate vectors', async () => {
    // Two connections (the machines have two cores), each half of the chunks.
    await Promise.all(
      [0, 1].map(async (half) => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        await c.query('SELECT setseed($1)', [0.1 + half / 10]);
        await c.query(
          `INSERT INTO chunk_embeddings (chunk_hash, model, dimensions, embedding)
           SELECT ch.chunk_hash, $1, ${DIMS}, ${RANDOM ? noise(1, 'ch.id') : `t.v + l.v + ${noise(0.6, 'ch.id')}`}
           FROM lesson_chunks ch JOIN bench_lessons l ON l.slug = ch.lesson_slug JOIN bench_topics t ON t.topic = l.topic
           WHERE ch.id % 2 = $2`,
          [MODEL, half],
        );
        await c.end();
      }),
    );
  });
  await client.query("SET maintenance_work_mem = '2GB'");
  await time('build HNSW index', () => client.query(hnswDefinition));
  await client.query('VACUUM ANALYZE lesson_chunks');
  await client.query('VACUUM ANALYZE chunk_embeddings');

  // --- queries: a lesson's topic words as text; a vector near that lesson's passages -----------------
  const targets = Array.from({ length: QUERIES }, () => pick(lessons));
  const queries = [];
  for (const lesson of targets) {
    const topic = lesson.position % TOPICS;
    const words = Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(topicWords[topic]));
    const [{ v }] = (
      await client.query(
        `SELECT (${RANDOM ? noise(1, 'l.slug') : `t.v + l.v + ${noise(0.6, 'l.slug')}`})::text AS v
         FROM bench_lessons l JOIN bench_topics t ON t.topic = l.topic WHERE l.slug = $1`,
        [lesson.slug],
      )
    ).rows;
    queries.push({ text: words.join(' '), vector: v, layer: lesson.layer });
  }

  const candidates = sql.candidatesFor(K);
  const fulltextParams = (q, layer = null) => [q.text, layer, null, candidates, sql.fallbackQuery(q.text), K];
  const hybridParams = (q, layer = null) => [...fulltextParams(q, layer), q.vector, MODEL, DIMS];
  const vectorTopK = `SELECT id FROM (${sql.vectorCandidatesSql('$1', '$2', '$3', '$4', 'TRUE')}) v ORDER BY rank`;
  const hybridSql = sql.searchSql(true);
  const fulltextSql = sql.searchSql(false);

  /** Runs `statement` inside a transaction set up by `setup` (SET LOCAL …); times the statement alone. */
  async function timed(setup, statement, params) {
    await client.query(`BEGIN; ${setup}`);
    const t0 = performance.now();
    const result = await client.query(statement, params);
    const ms = performance.now() - t0;
    await client.query('COMMIT');
    return { ms, rows: result.rows };
  }
  const hnsw = sql.hnswSettingsSql(K);
  const exact = 'SET LOCAL enable_indexscan = off';

  // Warm-up: caches, plans.
  for (const q of queries.slice(0, 20)) {
    await timed(hnsw, vectorTopK, [q.vector, MODEL, DIMS, K]);
    await timed(exact, vectorTopK, [q.vector, MODEL, DIMS, K]);
    await timed('', fulltextSql, fulltextParams(q));
  }
  const plan = (
    await client.query(
      `EXPLAIN ${vectorTopK.replaceAll('$1', `'${queries[0].vector}'`).replace('$2', `'${MODEL}'`).replace('$3', String(DIMS)).replace('$4', String(K))}`,
    )
  ).rows
    .map((r) => r['QUERY PLAN'])
    .join('\n');
  const usesHnsw = plan.includes('idx_chunk_embeddings_hnsw');

  const results = { fulltext: [], hnsw: [], exact: [], hybrid: [], hybridFiltered: [] };
  let recallSum = 0;
  for (const q of queries) {
    results.fulltext.push((await timed('', fulltextSql, fulltextParams(q))).ms);
    const approx = await timed(hnsw, vectorTopK, [q.vector, MODEL, DIMS, K]);
    const truth = await timed(exact, vectorTopK, [q.vector, MODEL, DIMS, K]);
    results.hnsw.push(approx.ms);
    results.exact.push(truth.ms);
    const truthIds = new Set(truth.rows.map((r) => r.id));
    recallSum += approx.rows.filter((r) => truthIds.has(r.id)).length / Math.max(1, truth.rows.length);
    results.hybrid.push((await timed(sql.hnswSettingsSql(candidates), hybridSql, hybridParams(q))).ms);
    results.hybridFiltered.push((await timed(sql.hnswSettingsSql(candidates), hybridSql, hybridParams(q, q.layer))).ms);
  }
  const recall = recallSum / queries.length;

  const f = (ms) => ms.toFixed(1).padStart(8);
  const row = (label, values, note = '') =>
    console.log(`  ${label.padEnd(30)}${f(percentile(values, 50))}${f(percentile(values, 95))}   ${note}`);
  console.log(
    `\nSearch benchmark: ${chunkCount.toLocaleString('en')} chunks in ${lessons.length.toLocaleString('en')} lessons, ${DIMS}-d ${RANDOM ? 'random (i.i.d. Gaussian)' : 'clustered (200 topics)'} vectors, ${QUERIES} queries, top-${K}`,
  );
  console.log(
    `  load: chunks + tsvector ${(timings['insert chunks'] / 1000).toFixed(1)} s, vectors ${(timings['generate vectors'] / 1000).toFixed(1)} s, HNSW build ${(timings['build HNSW index'] / 1000).toFixed(1)} s (m=16, ef_construction=64)`,
  );
  console.log(`  ${''.padEnd(30)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}`);
  row('full-text (AND, any-word)', results.fulltext);
  row(
    'vector, HNSW index',
    results.hnsw,
    `recall@10 vs exact: ${recall.toFixed(3)} (ef_search ${Math.max(sql.HNSW_EF_SEARCH, K)}, ${usesHnsw ? 'index scan' : 'NO index scan in plan'})`,
  );
  row(
    'vector, exact scan (baseline)',
    results.exact,
    `exact / HNSW: ${(percentile(results.exact, 50) / percentile(results.hnsw, 50)).toFixed(1)}x at p50`,
  );
  row('hybrid, one statement', results.hybrid, `(k=${candidates} per side, RRF k=${sql.RRF_K}, snippets included)`);
  row('hybrid + layer filter', results.hybridFiltered);
  console.log('  (each statement timed alone on one connection; the SET LOCAL round trip before it is not included)');
} finally {
  await client.end().catch(() => undefined);
  if (KEEP) console.log(`kept database: ${db.url}`);
  else await db.drop();
}
