// Load benchmark (not a test): autocannon against the built api on loopback.
// Scenarios — the book tree, a lesson's content, the lesson text and a ready
// rewrite at their content-addressed URLs, a cached personalization, many
// learners' reading heartbeats and a hybrid search — each printed as
// requests/second and p99 latency, and as a ratio to a bare `node:http`
// server (a child process) answering the same method and path with the same
// status, headers and body bytes the real server returned, measured with the
// same autocannon settings in the same run. The hybrid search is also
// compared with its own SQL statement (search.sql.ts, the same parameters and
// session settings) run directly through `pg` with as many concurrent
// clients, in the same run.
//
// One api process and one worker against a fresh database (migrated, the
// sample book synced), the repo's fake OpenAI server as the LLM. Every
// request must answer its expected status: any error, timeout or other status
// is printed and the exit code is 1.
//
//   npm run bench -- load [--seconds 8] [--connections 16] [--only personalize,search] [--cpu-prof DIR]
//
// --cpu-prof DIR runs the api under V8's sampling profiler and writes its
// profile there when the bench ends (open it in Chrome DevTools, or read its
// self and total times by function): where Lectern's share of a request goes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, freshDatabase, lecternEnv, ROOT, run, startProcess } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const SECONDS = arg('--seconds', 8);
const CONNECTIONS = arg('--connections', 16);
const WARMUP_SECONDS = 1;
const LEARNERS = arg('--learners', 200);
// Each side is measured in ROUNDS slices of SECONDS / ROUNDS, Lectern and its baselines taking turns, so that a
// change in the machine's load during the run (other processes) weighs on both alike.
const ROUNDS = arg('--rounds', 3);
const CPU_PROF = process.argv.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[process.argv.indexOf('--cpu-prof') + 1]}`] : [];
// --only personalize,search: measure only the scenarios whose name contains one of these words (case-insensitive).
// The issue's goals (#16): a hot read at least half a bare node:http server's throughput; hybrid search at least 0.7 of its own SQL.
const BARE_GOAL = 0.5;
const SEARCH_GOAL = 0.7;
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].toLowerCase().split(',') : null;
const sql = await import(pathToFileURL(join(ROOT, 'backend/src/modules/search/search.sql.ts')).href);
const LESSON = 'the-embodiment-hypothesis';
const QUERY = 'sensor fusion complementary filter';
const ANSWERS = {
  educationLevel: 'undergraduate',
  programmingExperience: 'intermediate',
  roboticsBackground: false,
  aiMlExperience: 'basic',
  learningGoals: ['building_projects'],
  preferredLanguage: 'en',
};
// Headers the bare server must not copy: Node sets its own framing and Date.
const HOP_BY_HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

// The whole run is bounded: whatever hangs, everything is cleaned up and the exit code is 1.
const watchdog = setTimeout(() => {
  console.error('load bench: gave up after 15 minutes');
  void cleanup().finally(() => process.exit(1));
}, 15 * 60_000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
const processes = [];
let db;
let env;
let cleaned;

function cleanup() {
  cleaned ??= (async () => {
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (env) {
      rmSync(env.CONTENT_STORE_DIR, { recursive: true, force: true });
      await dropRedisKeys(`${env.QUEUE_PREFIX}:*`).catch((error) => console.error(`could not clean Redis: ${error.message}`));
    }
    await db?.drop();
  })();
  return cleaned;
}

/** The bench's own Redis keys (queues, rate limits, caches under its QUEUE_PREFIX). */
async function dropRedisKeys(pattern) {
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    for (let rounds = 0; rounds < 10_000; rounds += 1) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

/** A child process answering fixed responses by `METHOD path`; it reads each request body before answering, as the api does. */
async function startBareServer(routes) {
  const code = `
    import http from 'node:http';
    let input = '';
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) input += chunk;
    const routes = new Map(JSON.parse(input).map((r) => {
      const body = Buffer.from(r.body, 'base64');
      return [r.method + ' ' + r.path, { status: r.status, headers: { ...r.headers, 'content-length': String(body.length) }, body }];
    }));
    const server = http.createServer((req, res) => {
      const route = routes.get(req.method + ' ' + req.url);
      req.resume();
      req.on('end', () => {
        if (!route) return void res.writeHead(404).end();
        res.writeHead(route.status, route.headers);
        res.end(route.body);
      });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
    process.on('SIGTERM', () => process.exit(0));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  child.stdin.end(JSON.stringify(routes));
  const port = await new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('the bare server did not start')), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        done(JSON.parse(out).port);
      }
    });
    child.once('exit', (c) => fail(new Error(`the bare server exited ${c}`)));
  });
  return `http://127.0.0.1:${port}`;
}

/** One autocannon slice of `seconds`; everything but the expected status counts as bad. */
async function measureSlice(base, scenario, seconds) {
  const result = await autocannon({
    url: `${base}${scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    // Many learners: each request takes the next learner's token (the bare server answers them all alike).
    ...(scenario.tokens
      ? {
          requests: [
            {
              setupRequest: (request) => {
                scenario.next = ((scenario.next ?? 0) + 1) % scenario.tokens.length;
                return { ...request, headers: { ...request.headers, authorization: `Bearer ${scenario.tokens[scenario.next]}` } };
              },
            },
          ],
        }
      : {}),
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    warmup: { connections: CONNECTIONS, duration: WARMUP_SECONDS },
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
  const unexpected = Object.entries(statuses)
    .filter(([code]) => Number(code) !== scenario.status)
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    total: result.requests.total,
    duration: result.duration,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpected,
    statuses,
  };
}

/** Runs each side's slices in turn for ROUNDS rounds; per side: total requests / total time, the highest slice p99. */
async function interleaved(sides) {
  const out = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, slice] of Object.entries(sides)) out[name].push(await slice(SECONDS / ROUNDS));
  }
  return Object.fromEntries(
    Object.entries(out).map(([name, slices]) => {
      const sum = (f) => slices.reduce((n, x) => n + (f(x) ?? 0), 0);
      const statuses = {};
      for (const x of slices) for (const [code, n] of Object.entries(x.statuses ?? {})) statuses[code] = (statuses[code] ?? 0) + n;
      return [
        name,
        {
          rps: sum((x) => x.total) / sum((x) => x.duration),
          p99: Math.max(...slices.map((x) => x.p99)),
          errors: sum((x) => x.errors),
          timeouts: sum((x) => x.timeouts),
          non2xx: sum((x) => x.non2xx),
          unexpected: sum((x) => x.unexpected),
          statuses,
        },
      ];
    }),
  );
}

/** `run` in CONNECTIONS concurrent loops for `seconds` (after a warm-up), as a slice like autocannon's. */
async function concurrentSlice(run, seconds) {
  const loops = async (duration, latencies) => {
    const end = performance.now() + duration * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < end) {
          const started = performance.now();
          await run();
          latencies?.push(performance.now() - started);
        }
      }),
    );
  };
  await loops(WARMUP_SECONDS);
  const latencies = [];
  const started = performance.now();
  await loops(seconds, latencies);
  latencies.sort((a, b) => a - b);
  return {
    total: latencies.length,
    duration: (performance.now() - started) / 1000,
    p99: latencies[Math.ceil(0.99 * latencies.length) - 1],
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    unexpected: 0,
  };
}

/** Milliseconds per call of a synchronous `run`, over about `seconds`. */
function syncMs(run, seconds = 0.5) {
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 50; i += 1) run();
    calls += 50;
  }
  return (performance.now() - started) / calls;
}

/**
 * The search's own statement (search.sql.ts, hybrid) with the parameters the
 * service sends for QUERY — the query vector read back from the service's
 * Redis cache — through a pg pool as large as the api's, each connection with
 * the same HNSW session settings: `slice(seconds)` runs CONNECTIONS loops.
 * Also the parts of a search outside its SQL, for the breakdown: `vectorSlice`
 * reads the cached query vector from Redis and turns it into the statement's
 * literal (what an api instance without it in memory does), `limitsSlice`
 * makes two sequential Redis round trips (the per-address and per-learner
 * rate limits), `memoryVectorMs` hashes the query and finds its vector in a
 * Map (what a warm instance does).
 */
async function prepareSearchSql() {
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keys = [];
  let cursor = '0';
  do {
    let found;
    [cursor, found] = await redis.scan(cursor, 'MATCH', `${env.QUEUE_PREFIX}:search:query-vector:*`, 'COUNT', 10_000);
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length !== 1) throw new Error(`expected one cached query vector, found ${keys.length}`);
  const toLiteral = (bytes) =>
    sql.vectorLiteral(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))));
  const literal = toLiteral(await redis.getBuffer(keys[0]));
  const [space] = await db.query(
    'SELECT model, dimensions FROM chunk_embeddings GROUP BY model, dimensions ORDER BY count(*) DESC LIMIT 1',
  );
  const limit = 10;
  const params = [QUERY, null, null, sql.candidatesFor(limit), sql.fallbackQuery(QUERY), limit, literal, space.model, space.dimensions];
  const poolSize = 10;
  const pool = new pg.Pool({ connectionString: db.url, max: poolSize });
  pool.on('connect', (client) => void client.query(sql.hnswSessionSql()));
  const statement = sql.searchSql(true);
  const check = await pool.query(statement, params);
  if (check.rows.length === 0) throw new Error('the hybrid statement found nothing');
  const memory = new Map([[keys[0], { literal, space }]]);
  const limitKey = `${env.QUEUE_PREFIX}:bench:limits`;
  return {
    poolSize,
    slice: (seconds) => concurrentSlice(() => pool.query(statement, params), seconds),
    vectorSlice: (seconds) => concurrentSlice(async () => toLiteral(await redis.getBuffer(keys[0])), seconds),
    limitsSlice: (seconds) =>
      concurrentSlice(async () => {
        await redis.incr(`${limitKey}:a`);
        await redis.incr(`${limitKey}:b`);
      }, seconds),
    memoryVectorMs: syncMs(() => memory.get(keys[0].replace(/[0-9a-f]{64}$/, createHash('sha256').update(QUERY).digest('hex')))),
    close: async () => {
      await pool.end();
      redis.disconnect();
    },
  };
}

try {
  db = await freshDatabase('lectern_bench_load');
  const fakePort = await freePort();
  const fake = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', join(ROOT, 'backend/testing/fake-openai/main.ts'), '--port', String(fakePort)],
    { cwd: ROOT, stdio: 'ignore' },
  );
  children.push(fake);
  const apiPort = await freePort();
  const base = `http://127.0.0.1:${apiPort}`;
  env = lecternEnv(db.url, {
    PORT: String(apiPort),
    OPENAI_BASE_URL: `http://127.0.0.1:${fakePort}/v1`,
    OPENAI_API_KEY: 'bench',
    LLM_REQUESTS_PER_MINUTE: '100000',
    PERSONALIZE_RATE_PER_MINUTE: '10000',
    WRITES_PER_LEARNER_PER_MINUTE: '1000000',
    SEARCH_PER_IP_PER_MINUTE: '1000000',
    SEARCH_PER_LEARNER_PER_MINUTE: '1000000',
    LLM_DAILY_TOKEN_BUDGET: '0',
  });
  await run('dist/backend/cli.js', ['migrate'], env);
  await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
  processes.push(
    await startProcess([...CPU_PROF, join(ROOT, 'dist/backend/main.js')], env, async () => (await fetch(`${base}/health/ready`)).ok, 'api'),
  );
  processes.push(await startProcess([join(ROOT, 'dist/backend/worker.js')], env, async () => true, 'worker'));

  // A learner, onboarded; one lesson personalized (and cached); the same lesson started.
  const created = await fetch(`${base}/api/user/create`, { method: 'POST' });
  if (!created.ok) throw new Error(`user/create answered ${created.status}`);
  const { token } = await created.json();
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const onboarded = await fetch(`${base}/api/onboarding`, { method: 'POST', headers: auth, body: JSON.stringify(ANSWERS) });
  if (onboarded.status !== 201) throw new Error(`onboarding answered ${onboarded.status}: ${await onboarded.text()}`);
  const personalize = () =>
    fetch(`${base}/api/personalize`, { method: 'POST', headers: auth, body: JSON.stringify({ lessonSlug: LESSON }) });
  const first = await personalize();
  const queued = await first.json();
  if (first.status === 202) {
    let state;
    for (let polls = 0; polls < 300 && state !== 'completed'; polls += 1) {
      await sleep(200);
      ({ state } = await fetch(`${base}${queued.statusUrl}`, { headers: auth }).then((r) => r.json()));
      if (state === 'failed') throw new Error('the personalization job failed');
    }
    if (state !== 'completed') throw new Error('the personalization was not ready within 60 s');
  } else if (first.status !== 200) throw new Error(`personalize answered ${first.status}: ${JSON.stringify(queued)}`);
  const rewrite = await personalize().then((r) => r.json());
  if (rewrite.status !== 'ready') throw new Error(`the rewrite is not ready: ${JSON.stringify(rewrite)}`);
  const lesson = await fetch(`${base}/api/content/lessons/${LESSON}`).then((r) => r.json());

  // Many learners, each reading the lesson (heartbeats spread over their rows, not one contended row).
  const tokens = [];
  for (let i = 0; i < LEARNERS; i += 1) {
    const res = await fetch(`${base}/api/user/create`, { method: 'POST' });
    if (!res.ok) throw new Error(`user/create answered ${res.status}`);
    const learner = (await res.json()).token;
    const started = await fetch(`${base}/api/progress/lessons/${LESSON}/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${learner}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (started.status !== 200) throw new Error(`start answered ${started.status}: ${await started.text()}`);
    tokens.push(learner);
  }

  // Search answers hybrid once every chunk has a vector (the worker embeds them after the sync).
  let missing;
  for (let polls = 0; polls < 300; polls += 1) {
    [{ missing }] = await db.query(
      `SELECT count(*)::int AS missing FROM lesson_chunks c
        WHERE NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_hash = c.chunk_hash)`,
    );
    if (missing === 0) break;
    await sleep(200);
  }

  const json = { 'content-type': 'application/json' };
  const scenarios = [
    { name: 'GET book tree', method: 'GET', path: '/api/content/book', status: 200, goal: BARE_GOAL },
    { name: 'GET lesson content', method: 'GET', path: `/api/content/lessons/${LESSON}/content`, status: 200, goal: BARE_GOAL },
    {
      name: 'POST personalize (cache hit)',
      method: 'POST',
      path: '/api/personalize',
      headers: auth,
      body: JSON.stringify({ lessonSlug: LESSON }),
      status: 200,
      goal: BARE_GOAL,
    },
    { name: 'GET lesson text (content-addressed)', method: 'GET', path: lesson.contentUrl, status: 200, goal: BARE_GOAL },
    { name: 'GET rewrite (content-addressed)', method: 'GET', path: rewrite.contentUrl, status: 200, goal: BARE_GOAL },
    {
      name: `PUT progress heartbeat (${LEARNERS} learners)`,
      method: 'PUT',
      path: `/api/progress/lessons/${LESSON}/time`,
      headers: { ...json, authorization: `Bearer ${tokens[0]}` },
      tokens,
      body: JSON.stringify({ seconds: 1 }),
      status: 200,
    },
    { name: 'POST search', method: 'POST', path: '/api/search', headers: auth, body: JSON.stringify({ query: QUERY }), status: 200 },
  ];

  // One real response of each, captured for the bare server.
  const routes = [];
  if (ONLY) scenarios.splice(0, scenarios.length, ...scenarios.filter((s) => ONLY.some((word) => s.name.toLowerCase().includes(word))));
  for (const s of scenarios) {
    const res = await fetch(`${base}${s.path}`, { method: s.method, headers: s.headers, body: s.body });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== s.status) throw new Error(`${s.name} answered ${res.status}: ${body.toString()}`);
    s.bytes = body.length;
    s.response = body.toString();
    if (s.path === '/api/search') s.note = `mode ${JSON.parse(body).mode}, ${JSON.parse(body).results.length} results`;
    if (s.path === '/api/personalize') s.note = `cached ${JSON.parse(body).cached}`;
    const headers = Object.fromEntries([...res.headers].filter(([name]) => !HOP_BY_HOP.has(name)));
    routes.push({ method: s.method, path: s.path, status: res.status, headers, body: body.toString('base64') });
  }
  const bare = await startBareServer(routes);

  const searchSql = scenarios.some((s) => s.path === '/api/search') ? await prepareSearchSql() : null;
  const rows = [];
  let ownSql;
  for (const s of scenarios) {
    const sides = { lectern: (sec) => measureSlice(base, s, sec), baseline: (sec) => measureSlice(bare, s, sec) };
    if (s.path === '/api/search') {
      sides.pg = (sec) => searchSql.slice(sec);
      sides.vector = (sec) => searchSql.vectorSlice(sec);
      sides.limits = (sec) => searchSql.limitsSlice(sec);
    }
    const measured = await interleaved(sides);
    if (measured.pg) ownSql = { ...measured.pg, poolSize: searchSql.poolSize, vector: measured.vector, limits: measured.limits };
    rows.push({ s, lectern: measured.lectern, baseline: measured.baseline });
  }
  await searchSql?.close();
  const searchRow = rows.find((r) => r.s.path === '/api/search');

  const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log(
    `load: ${CONNECTIONS} connections, ${SECONDS} s per side in ${ROUNDS} interleaved slices (each after ${WARMUP_SECONDS} s warm-up; p99: the highest slice's), autocannon ${createRequire(import.meta.url)('autocannon/package.json').version}, ` +
      `1 api + 1 worker, Node ${process.version}; bare = node:http child answering the same status, headers and bytes`,
  );
  console.log(
    '| scenario | bytes | Lectern req/s | Lectern p99 ms | bare req/s | bare p99 ms | Lectern/bare throughput | goal | bad (Lectern / bare) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|---|');
  const goals = [];
  const goalCell = (ratio, goal, what) => {
    if (goal === undefined) return '—';
    const met = Number.isFinite(ratio) && ratio >= goal;
    goals.push({ what, met });
    return `≥ ${goal}: ${met ? 'met' : 'not met'}`;
  };
  let bad = 0;
  for (const { s, lectern, baseline } of rows) {
    const badOf = (r) => r.errors + r.timeouts + r.non2xx + r.unexpected;
    bad += badOf(lectern) + badOf(baseline);
    const detail = (r) =>
      badOf(r) === 0 ? '0' : `${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx, statuses ${JSON.stringify(r.statuses)}`;
    console.log(
      `| ${s.name}${s.note ? ` (${s.note})` : ''} | ${s.bytes} | ${fmt(lectern.rps)} | ${fmt(lectern.p99, 1)} | ${fmt(baseline.rps)} | ${fmt(baseline.p99, 1)} | ` +
        `${fmt(lectern.rps / baseline.rps, 3)} | ${goalCell(lectern.rps / baseline.rps, s.goal, s.name)} | ${detail(lectern)} / ${detail(baseline)} |`,
    );
  }
  if (searchRow) {
    console.log('');
    console.log(
      `hybrid search against its own SQL statement through pg (${CONNECTIONS} concurrent clients on a pool of ${ownSql.poolSize}, interleaved with the search's slices):`,
    );
    console.log('| what | req/s | p99 ms | Lectern/pg throughput | goal |');
    console.log('|---|---:|---:|---:|---|');
    const ofPg = searchRow.lectern.rps / ownSql.rps;
    console.log(
      `| POST /api/search (hybrid) | ${fmt(searchRow.lectern.rps)} | ${fmt(searchRow.lectern.p99, 1)} | ${fmt(ofPg, 3)} | ${goalCell(ofPg, SEARCH_GOAL, 'hybrid search / its SQL')} |`,
    );
    console.log(`| its SQL via pg | ${fmt(ownSql.rps)} | ${fmt(ownSql.p99, 1)} | 1 | — |`);
    // Where a search's time goes: each part's throughput-time (1000 / req/s at the same concurrency, or ms per call for
    // the in-process parts) in the same run. The parts share the machine's cores with each other, so they do not add up exactly.
    const perRequest = (rps) => 1000 / rps;
    const whole = perRequest(searchRow.lectern.rps);
    const answer = JSON.parse(searchRow.s.response);
    const jsonMs = syncMs(() => JSON.stringify(answer));
    const parts = [
      ['query vector, warm instance (sha256 of the query + in-memory Map)', searchSql.memoryVectorMs],
      ['query vector, cold instance (Redis GET + pgvector literal)', perRequest(ownSql.vector.rps)],
      ['the SQL statement via pg', perRequest(ownSql.rps)],
      ['rate limits (2 sequential Redis round trips)', perRequest(ownSql.limits.rps)],
      [`JSON.stringify of the answer (${searchRow.s.bytes} bytes)`, jsonMs],
      ['HTTP of the same bytes (bare node:http)', perRequest(searchRow.baseline.rps)],
    ];
    const warmParts = parts.filter(([name]) => !name.includes('cold'));
    const rest = whole - warmParts.reduce((sum, [, ms]) => sum + ms, 0);
    console.log('');
    console.log(
      `where a hybrid search's time goes (ms per request at ${CONNECTIONS} concurrent; the api keeps the query vector in memory):`,
    );
    console.log('| part | ms/request | share of the search |');
    console.log('|---|---:|---:|');
    console.log(`| POST /api/search, whole | ${fmt(whole, 3)} | 1 |`);
    for (const [name, ms] of parts) console.log(`| ${name} | ${fmt(ms, 3)} | ${fmt(ms / whole, 3)} |`);
    console.log(
      `| rest: Nest pipeline (guard, validation, interceptors), pool checkout, row mapping | ${fmt(rest, 3)} | ${fmt(rest / whole, 3)} |`,
    );
  }
  if (missing !== 0) console.log(`note: ${missing} chunks still had no vector when measuring`);
  if (goals.length > 0) {
    const unmet = goals.filter((g) => !g.met).map((g) => g.what);
    console.log(`\ngoals met in this run: ${goals.length - unmet.length} of ${goals.length}${unmet.length ? ` (not met: ${unmet.join('; ')})` : ''}`);
  }
  if (bad > 0) {
    console.log(`FAIL: ${bad} requests errored, timed out or answered an unexpected status`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
