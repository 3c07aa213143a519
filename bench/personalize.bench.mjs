// Benchmark (not a test) of personalization at scale, per issue 4:
// a fake LLM with a fixed 2 s latency; 200 learners over 12 profiles open the
// same 5 lessons at once. Prints the number of LLM calls (must be 12 × 5 = 60),
// time-to-ready p50/p95, and cache-hit requests/second as a ratio to
// GET /api/content/lessons/{slug}/content measured in the same run.
//
//   npm run bench -- personalize [--latency-ms 2000] [--learners 200]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, freshDatabase, lecternEnv, load, percentile, ROOT, run, startProcess } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const LATENCY_MS = arg('--latency-ms', 2000);
const LEARNERS = arg('--learners', 200);
const LESSONS = [
  'digital-ai-vs-physical-ai',
  'the-embodiment-hypothesis',
  'how-robots-sense',
  'actuators-and-movement',
  'why-humanoid-form',
];
const PROFILES = Array.from({ length: 12 }, (_, i) => ({
  educationLevel: ['high_school', 'undergraduate', 'graduate', 'professional'][i % 4],
  programmingExperience: ['none', 'beginner', 'intermediate', 'advanced'][Math.floor(i / 4) % 4],
  roboticsBackground: i % 2 === 0,
  aiMlExperience: ['none', 'basic', 'intermediate'][i % 3],
  learningGoals: [['hobby'], ['research', 'teaching'], ['building_projects']][i % 3],
  preferredLanguage: i === 11 ? 'ur' : 'en',
}));

const db = await freshDatabase('lectern_bench_personalize');
const fakePort = await freePort();
const fake = spawn(
  process.execPath,
  [
    '--experimental-strip-types',
    '--no-warnings',
    join(ROOT, 'backend/testing/fake-openai/main.ts'),
    '--port',
    String(fakePort),
    '--delay-ms',
    String(LATENCY_MS),
  ],
  { cwd: ROOT, stdio: 'ignore' },
);
const apiPort = await freePort();
const base = `http://127.0.0.1:${apiPort}`;
const env = lecternEnv(db.url, {
  PORT: String(apiPort),
  OPENAI_BASE_URL: `http://127.0.0.1:${fakePort}/v1`,
  OPENAI_API_KEY: 'bench',
  LLM_REQUESTS_PER_MINUTE: '100000',
  PERSONALIZE_RATE_PER_MINUTE: '10000',
  LLM_DAILY_TOKEN_BUDGET: '0',
});
const processes = [];
try {
  await run('dist/backend/cli.js', ['migrate'], env);
  await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
  processes.push(
    await startProcess([join(ROOT, 'dist/backend/main.js')], env, async () => (await fetch(`${base}/health/ready`)).ok, 'api'),
  );
  for (let i = 0; i < 4; i += 1)
    processes.push(await startProcess([join(ROOT, 'dist/backend/worker.js')], env, async () => true, `worker ${i + 1}`));

  const json = (res) => res.json();
  const learners = await Promise.all(
    Array.from({ length: LEARNERS }, async (_, i) => {
      const { token } = await fetch(`${base}/api/user/create`, { method: 'POST' }).then(json);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const res = await fetch(`${base}/api/onboarding`, { method: 'POST', headers, body: JSON.stringify(PROFILES[i % PROFILES.length]) });
      if (res.status !== 201) throw new Error(`onboarding answered ${res.status}`);
      return headers;
    }),
  );

  // Everyone opens the five lessons at once; each polls (every 200 ms) until its rewrite is ready.
  const started = performance.now();
  const timesToReady = await Promise.all(
    learners.flatMap((headers) =>
      LESSONS.map(async (lessonSlug) => {
        const t0 = performance.now();
        const first = await fetch(`${base}/api/personalize`, { method: 'POST', headers, body: JSON.stringify({ lessonSlug }) });
        const body = await first.json();
        if (first.status === 200) return performance.now() - t0;
        if (first.status !== 202) throw new Error(`personalize answered ${first.status}: ${JSON.stringify(body)}`);
        for (let polls = 0; polls < 3000; polls += 1) {
          await new Promise((r) => setTimeout(r, 200));
          const status = await fetch(`${base}${body.statusUrl}`, { headers }).then(json);
          if (status.state === 'completed') return performance.now() - t0;
          if (status.state === 'failed') throw new Error(`a rewrite failed: ${status.failedReason}`);
        }
        throw new Error('a rewrite did not finish within 10 minutes');
      }),
    ),
  );
  const wall = performance.now() - started;
  const [{ calls }] = await db.query("SELECT count(*)::int AS calls FROM llm_calls WHERE purpose = 'personalize'");

  // Cache hits against the plain lesson-content endpoint, same server, same run.
  const hitHeaders = learners[0];
  const hits = await load({
    seconds: 5,
    connections: 16,
    request: () =>
      fetch(`${base}/api/personalize`, { method: 'POST', headers: hitHeaders, body: JSON.stringify({ lessonSlug: LESSONS[1] }) }),
  });
  const baseline = await load({ seconds: 5, connections: 16, request: () => fetch(`${base}/api/content/lessons/${LESSONS[1]}/content`) });

  console.log(
    `personalization: ${LEARNERS} learners × ${LESSONS.length} lessons over ${PROFILES.length} profiles, fake LLM latency ${LATENCY_MS} ms, 4 workers`,
  );
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| LLM calls (expected ${PROFILES.length * LESSONS.length}) | ${calls} |`);
  console.log(
    `| time to ready p50 / p95 | ${(percentile(timesToReady, 50) / 1000).toFixed(2)} s / ${(percentile(timesToReady, 95) / 1000).toFixed(2)} s |`,
  );
  console.log(`| all ${timesToReady.length} rewrites ready after | ${(wall / 1000).toFixed(1)} s |`);
  console.log(`| cache-hit POST /api/personalize | ${hits.rps.toFixed(0)} req/s, p99 ${hits.p99.toFixed(1)} ms, ${hits.errors} errors |`);
  console.log(`| baseline GET /api/content/lessons/{slug}/content | ${baseline.rps.toFixed(0)} req/s, p99 ${baseline.p99.toFixed(1)} ms |`);
  console.log(`| cache hit vs baseline | ${(hits.rps / baseline.rps).toFixed(2)}× the requests/second |`);
  if (calls !== PROFILES.length * LESSONS.length) process.exitCode = 1;
} finally {
  for (const p of processes.reverse()) await p.stop();
  fake.kill('SIGTERM');
  await db.drop();
}
