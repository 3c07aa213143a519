// Benchmark (not a test) of a streamed rewrite, per issue 13: in Chromium,
// the time from clicking Personalized to the first visible words of the
// draft, and to the complete (checked) text, with the fake LLM streaming at a
// fixed ~60 tokens/s, for the shortest and the longest lesson of the book.
// Time to first words should not grow with the lesson; time to the complete
// text does.
//
//   npm run bench -- personalize-stream [--tokens-per-second 60]
// Needs the built web app (npx nx build frontend) as well as the backend.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startFakeOpenAI } from '../backend/testing/fake-openai/fake-openai-server.ts';
import { freePort, freshDatabase, lecternEnv, ROOT, run, startProcess } from './lib.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const TOKENS_PER_SECOND = arg('--tokens-per-second', 60);
// The fake streams 4 words per chunk; ~1.33 tokens a word (OpenAI's rule of thumb) → ~5.3 tokens per chunk.
const TOKENS_PER_CHUNK = 4 * 1.33;
const CHUNK_DELAY_MS = Math.round((TOKENS_PER_CHUNK / TOKENS_PER_SECOND) * 1000);
const PROFILES = [
  // The warm-up's (unmeasured): the first rewrite of a fresh api and worker pays their cold start (JIT, pools, the browser's first page).
  { educationLevel: 'undergraduate', programmingExperience: 'intermediate', roboticsBackground: false, aiMlExperience: 'basic', learningGoals: ['career_change'], preferredLanguage: 'en' },
  { educationLevel: 'graduate', programmingExperience: 'advanced', roboticsBackground: true, aiMlExperience: 'intermediate', learningGoals: ['research'], preferredLanguage: 'en' },
  { educationLevel: 'high_school', programmingExperience: 'none', roboticsBackground: false, aiMlExperience: 'none', learningGoals: ['hobby'], preferredLanguage: 'en' },
];

const db = await freshDatabase('lectern_bench_stream');
const fake = await startFakeOpenAI({ behaviour: { kind: 'slow-stream', chunkDelayMs: CHUNK_DELAY_MS } });
const apiPort = await freePort();
const base = `http://127.0.0.1:${apiPort}`;
const env = lecternEnv(db.url, {
  PORT: String(apiPort),
  HOST: '127.0.0.1',
  FRONTEND_DIST: join(ROOT, 'dist/frontend/browser'),
  OPENAI_BASE_URL: fake.url,
  OPENAI_API_KEY: 'bench',
  LLM_REQUESTS_PER_MINUTE: '100000',
  PERSONALIZE_RATE_PER_MINUTE: '10000',
  LLM_DAILY_TOKEN_BUDGET: '0',
});
const processes = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  await run('dist/backend/cli.js', ['migrate'], env);
  await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
  // A shared or loaded machine may need minutes to start the api: the figures below are measured once it runs.
  processes.push(await startProcess([join(ROOT, 'dist/backend/main.js')], env, async () => (await fetch(`${base}/health/ready`)).ok, 'api', 300_000));
  processes.push(await startProcess([join(ROOT, 'dist/backend/worker.js')], env, async () => true, 'worker'));

  // The shortest and the longest lesson, by the length of their text.
  const book = await fetch(`${base}/api/content/book`).then((r) => r.json());
  const slugs = book.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons.map((l) => l.slug)));
  const sizes = await Promise.all(
    slugs.map(async (slug) => ({ slug, length: (await fetch(`${base}/api/content/lessons/${slug}/content`).then((r) => r.text())).length })),
  );
  sizes.sort((a, b) => a.length - b.length);
  const cases = [
    { label: 'warm-up (not reported)', warmUp: true, ...sizes[Math.floor(sizes.length / 2)] },
    { label: 'short', ...sizes[0] },
    { label: 'long', ...sizes[sizes.length - 1] },
  ];

  const rows = [];
  for (const [i, lesson] of cases.entries()) {
    // A new learner (and profile) per case: nothing is cached.
    const created = await fetch(`${base}/api/user/create`, { method: 'POST' }).then((r) => r.json());
    const headers = { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' };
    const onboarded = await fetch(`${base}/api/onboarding`, { method: 'POST', headers, body: JSON.stringify(PROFILES[i % PROFILES.length]) });
    if (onboarded.status !== 201) throw new Error(`onboarding answered ${onboarded.status}`);
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    await context.addInitScript(
      ([token, id]) => {
        localStorage.setItem('lectern.token', token);
        localStorage.setItem('lectern.userId', id);
      },
      [created.token, created.user.id],
    );
    const page = await context.newPage();
    await page.goto(`/lessons/${lesson.slug}`);
    await page.getByTestId('lesson-body').waitFor();
    const t0 = performance.now();
    await page.getByTestId('tab-personalized').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="personalized-draft"] .markdown')?.textContent ?? '').trim().length > 0, null, {
      timeout: 600_000,
      polling: 'raf',
    });
    const firstWords = performance.now() - t0;
    await page.getByTestId('personalized-body').waitFor({ timeout: 600_000 });
    const complete = performance.now() - t0;
    if (!lesson.warmUp) rows.push({ ...lesson, firstWords, complete });
    await context.close();
  }

  console.log(`streamed personalization: fake LLM at ~${TOKENS_PER_SECOND} tokens/s (${CHUNK_DELAY_MS} ms per 4-word chunk), Chromium`);
  console.log('| lesson | characters | first visible words | complete text |');
  console.log('|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.label}: ${r.slug} | ${r.length} | ${(r.firstWords / 1000).toFixed(2)} s | ${(r.complete / 1000).toFixed(2)} s |`);
  }
} finally {
  await browser.close();
  for (const p of processes.reverse()) await p.stop();
  await fake.close();
  await db.drop();
}
