// Benchmark (not a test): Lighthouse on the book page and a lesson page of the
// built Lectern (api serving dist/frontend) against a fresh database, driving
// Debian's Chromium (CHROME_PATH, default /usr/bin/chromium; no download).
// Prints the performance, accessibility and best-practices scores and FCP,
// LCP, TBT, CLS (and Speed Index) of each page, as the median of --runs runs.
// Each run is a cold visit (empty HTTP cache) by a learner who has onboarded
// (token and user id in localStorage, so the app does not redirect to
// /onboarding). Lighthouse's default settings: mobile, simulated slow 4G and
// 4× CPU; --desktop for its desktop settings. Scores vary a little run to run.
//
//   npm run bench -- lighthouse [--runs 3] [--desktop] [--lesson how-robots-sense] [--no-build]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { audit, CHROME_PATH, createLearner, launchAuditChrome, summarize } from '../e2e/src/support/lighthouse.ts';
import { freePort, freshDatabase, lecternEnv, ROOT, run, startProcess } from './lib.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const RUNS = Math.max(1, Number(option('--runs', '1')));
const DESKTOP = argv.includes('--desktop');
const LESSON = option('--lesson', 'how-robots-sense');
const FRONTEND_DIST = join(ROOT, 'dist/frontend/browser');

// scripts/bench.sh builds the backend only; the pages audited are the frontend's.
if (!argv.includes('--no-build')) {
  const code = await new Promise((done) =>
    spawn('npx', ['nx', 'build', 'frontend', '--output-style=static'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).on(
      'exit',
      done,
    ),
  );
  if (code !== 0) throw new Error(`nx build frontend exited ${code}`);
}
if (!existsSync(join(FRONTEND_DIST, 'index.html'))) throw new Error(`No built frontend in ${FRONTEND_DIST}`);

const median = (values) => {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

const db = await freshDatabase('lectern_bench_lighthouse');
const apiPort = await freePort();
const base = `http://127.0.0.1:${apiPort}`;
const env = lecternEnv(db.url, { PORT: String(apiPort), HOST: '127.0.0.1', FRONTEND_DIST });
const processes = [];
let chrome;
try {
  await run('dist/backend/cli.js', ['migrate'], env);
  await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
  processes.push(
    await startProcess([join(ROOT, 'dist/backend/main.js')], env, async () => (await fetch(`${base}/health/ready`)).ok, 'api'),
  );
  const lessonRes = await fetch(`${base}/api/content/lessons/${LESSON}`);
  if (!lessonRes.ok) throw new Error(`No lesson ${LESSON} (GET /api/content/lessons/${LESSON} answered ${lessonRes.status})`);

  chrome = await launchAuditChrome();
  const version = await fetch(`http://127.0.0.1:${chrome.port}/json/version`).then((r) => r.json());
  const learner = await createLearner(base);
  const pages = [
    { name: 'book', path: '/book' },
    { name: `lesson (${LESSON})`, path: `/lessons/${LESSON}` },
  ];
  console.log(
    `Lighthouse on ${base} with ${version.Browser} (${CHROME_PATH}); ${DESKTOP ? 'desktop' : 'mobile'} settings, simulated throttling; median of ${RUNS} run(s)\n`,
  );

  const rows = [];
  for (const page of pages) {
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) {
      await chrome.prepare(base, learner);
      const summary = summarize(
        await audit(chrome.port, `${base}${page.path}`, {
          categories: ['performance', 'accessibility', 'best-practices'],
          desktop: DESKTOP,
        }),
      );
      if (new URL(summary.finalUrl).pathname !== page.path)
        throw new Error(`${page.path} ended at ${summary.finalUrl}: the learner was not recognised`);
      runs.push(summary);
    }
    const pick = (f) => median(runs.map(f));
    rows.push({
      page: page.name,
      performance: pick((r) => r.scores.performance),
      accessibility: pick((r) => r.scores.accessibility),
      'best-practices': pick((r) => r.scores['best-practices']),
      'FCP ms': pick((r) => r.metrics.fcpMs),
      'LCP ms': pick((r) => r.metrics.lcpMs),
      'TBT ms': pick((r) => r.metrics.tbtMs),
      CLS: pick((r) => r.metrics.cls),
      'SI ms': pick((r) => r.metrics.speedIndexMs),
    });
  }

  const fmt = (key, value) => {
    if (!Number.isFinite(value)) return 'n/a';
    if (key.endsWith('ms')) return String(Math.round(value));
    if (key === 'CLS') return value.toFixed(3);
    return String(Math.round(value * 100));
  };
  const header = Object.keys(rows[0]);
  const table = [header, ...rows.map((row) => header.map((k) => (k === 'page' ? row[k] : fmt(k, row[k]))))];
  const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
  for (const [n, row] of table.entries()) {
    console.log(row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('\nScores are 0–100; FCP, LCP, TBT and SI in milliseconds (simulated), CLS unitless.');
} finally {
  await chrome?.stop();
  for (const p of processes.reverse()) await p.stop();
  await db.drop();
}
