// Load benchmark (not a test): autocannon against the built api on loopback.
// Five scenarios — the book tree, a lesson's content, a cached
// personalization, the reading heartbeat and a search — each printed as
// requests/second and p99 latency, and as a ratio to a bare `node:http`
// server (a child process) answering the same method and path with the same
// status, headers and body bytes the real server returned, measured with the
// same autocannon settings in the same run.
//
// One api process and one worker against a fresh database (migrated, the
// sample book synced), the repo's fake OpenAI server as the LLM. Every
// request must answer its expected status: any error, timeout or other status
// is printed and the exit code is 1.
//
//   npm run bench -- load [--seconds 8] [--connections 16]
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { freePort, freshDatabase, lecternEnv, ROOT, run, startProcess } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const SECONDS = arg('--seconds', 8);
const CONNECTIONS = arg('--connections', 16);
const WARMUP_SECONDS = 1;
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
  console.error('load bench: gave up after 5 minutes');
  void cleanup().finally(() => process.exit(1));
}, 5 * 60_000);
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

/** One autocannon run; everything but the expected status counts as bad. */
async function measure(base, scenario) {
  const result = await autocannon({
    url: `${base}${scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    warmup: { connections: CONNECTIONS, duration: WARMUP_SECONDS },
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
  const unexpected = Object.entries(statuses)
    .filter(([code]) => Number(code) !== scenario.status)
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpected,
    statuses,
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
    LLM_DAILY_TOKEN_BUDGET: '0',
  });
  await run('dist/backend/cli.js', ['migrate'], env);
  await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
  processes.push(
    await startProcess([join(ROOT, 'dist/backend/main.js')], env, async () => (await fetch(`${base}/health/ready`)).ok, 'api'),
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
  const started = await fetch(`${base}/api/progress/lessons/${LESSON}/start`, { method: 'POST', headers: auth, body: '{}' });
  if (started.status !== 200) throw new Error(`start answered ${started.status}: ${await started.text()}`);

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
    { name: 'GET book tree', method: 'GET', path: '/api/content/book', status: 200 },
    { name: 'GET lesson content', method: 'GET', path: `/api/content/lessons/${LESSON}/content`, status: 200 },
    {
      name: 'POST personalize (cache hit)',
      method: 'POST',
      path: '/api/personalize',
      headers: auth,
      body: JSON.stringify({ lessonSlug: LESSON }),
      status: 200,
    },
    {
      name: 'PUT progress heartbeat',
      method: 'PUT',
      path: `/api/progress/lessons/${LESSON}/time`,
      headers: auth,
      body: JSON.stringify({ seconds: 1 }),
      status: 200,
    },
    { name: 'POST search', method: 'POST', path: '/api/search', headers: json, body: JSON.stringify({ query: QUERY }), status: 200 },
  ];

  // One real response of each, captured for the bare server.
  const routes = [];
  for (const s of scenarios) {
    const res = await fetch(`${base}${s.path}`, { method: s.method, headers: s.headers, body: s.body });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== s.status) throw new Error(`${s.name} answered ${res.status}: ${body.toString()}`);
    s.bytes = body.length;
    if (s.path === '/api/search') s.note = `mode ${JSON.parse(body).mode}, ${JSON.parse(body).results.length} results`;
    if (s.path === '/api/personalize') s.note = `cached ${JSON.parse(body).cached}`;
    const headers = Object.fromEntries([...res.headers].filter(([name]) => !HOP_BY_HOP.has(name)));
    routes.push({ method: s.method, path: s.path, status: res.status, headers, body: body.toString('base64') });
  }
  const bare = await startBareServer(routes);

  const rows = [];
  for (const s of scenarios) {
    const lectern = await measure(base, s);
    const baseline = await measure(bare, s);
    rows.push({ s, lectern, baseline });
  }

  const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log(
    `load: ${CONNECTIONS} connections, ${SECONDS} s per run (after ${WARMUP_SECONDS} s warm-up), autocannon ${createRequire(import.meta.url)('autocannon/package.json').version}, ` +
      `1 api + 1 worker, Node ${process.version}; bare = node:http child answering the same status, headers and bytes`,
  );
  console.log(
    '| scenario | bytes | Lectern req/s | Lectern p99 ms | bare req/s | bare p99 ms | Lectern/bare throughput | bad (Lectern / bare) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  let bad = 0;
  for (const { s, lectern, baseline } of rows) {
    const badOf = (r) => r.errors + r.timeouts + r.non2xx + r.unexpected;
    bad += badOf(lectern) + badOf(baseline);
    const detail = (r) =>
      badOf(r) === 0 ? '0' : `${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx, statuses ${JSON.stringify(r.statuses)}`;
    console.log(
      `| ${s.name}${s.note ? ` (${s.note})` : ''} | ${s.bytes} | ${fmt(lectern.rps)} | ${fmt(lectern.p99, 1)} | ${fmt(baseline.rps)} | ${fmt(baseline.p99, 1)} | ` +
        `${fmt(lectern.rps / baseline.rps, 3)} | ${detail(lectern)} / ${detail(baseline)} |`,
    );
  }
  if (missing !== 0) console.log(`note: ${missing} chunks still had no vector when measuring`);
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
