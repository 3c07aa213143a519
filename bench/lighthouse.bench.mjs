// Benchmark (not a test): Lighthouse on the book page and a lesson page of the
// built Lectern (api serving dist/frontend) against a fresh database, driving
// Debian's Chromium (CHROME_PATH, default /usr/bin/chromium; no download).
// Prints the performance, accessibility, best-practices and SEO scores, FCP,
// LCP, TBT, CLS (and Speed Index) and the JavaScript transferred of each page,
// as the median of --runs runs, with Lighthouse's mobile settings (simulated
// slow 4G, 4× CPU) and its desktop settings (--mobile or --desktop for one).
// Each run is a cold visit (empty HTTP cache) by a learner who has onboarded
// (token and user id in localStorage, so the app does not redirect to
// /onboarding). The pages are server-rendered (README "Server-side
// rendering"). Targets (issue 16): mobile performance ≥ 95, LCP ≤ 1.5 s,
// accessibility 100, SEO 100; the audits that fall short are listed. Scores
// vary a little run to run.
//
// --save DIR writes each run's full Lighthouse report (JSON) there, to read
// the audits behind a score (opportunities, long tasks, the LCP element).
//
//   npm run bench -- lighthouse [--runs 3] [--mobile | --desktop] [--lesson how-robots-sense] [--no-build] [--save DIR]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { audit, CHROME_PATH, createLearner, failingAudits, launchAuditChrome, summarize } from '../e2e/src/support/lighthouse.ts';
import { freePort, freshDatabase, lecternEnv, ROOT, run, startProcess } from './lib.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const RUNS = Math.max(1, Number(option('--runs', '1')));
const FORM_FACTORS = argv.includes('--desktop') ? ['desktop'] : argv.includes('--mobile') ? ['mobile'] : ['mobile', 'desktop'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const LESSON = option('--lesson', 'how-robots-sense');
const FRONTEND_DIST = join(ROOT, 'dist/frontend/browser');
const SAVE_DIR = option('--save', undefined);
if (SAVE_DIR) mkdirSync(SAVE_DIR, { recursive: true });

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
if (!['index.csr.html', 'index.html'].some((f) => existsSync(join(FRONTEND_DIST, f)))) throw new Error(`No built frontend in ${FRONTEND_DIST}`);

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
    `Lighthouse on ${base} with ${version.Browser} (${CHROME_PATH}); ${FORM_FACTORS.join(' and ')} settings, simulated throttling; median of ${RUNS} run(s)\n`,
  );

  const rows = [];
  const shortfalls = [];
  for (const formFactor of FORM_FACTORS) {
    for (const page of pages) {
      const runs = [];
      for (let i = 0; i < RUNS; i += 1) {
        await chrome.prepare(base, learner);
        const lhr = await audit(chrome.port, `${base}${page.path}`, { categories: CATEGORIES, desktop: formFactor === 'desktop' });
        const summary = summarize(lhr);
        if (SAVE_DIR)
          writeFileSync(join(SAVE_DIR, `${formFactor}-${page.path.split('/').filter(Boolean).join('-')}-${i + 1}.json`), JSON.stringify(lhr));
        if (new URL(summary.finalUrl).pathname !== page.path)
          throw new Error(`${page.path} ended at ${summary.finalUrl}: the learner was not recognised`);
        const scripts = lhr.audits['resource-summary']?.details?.items?.find((item) => item.resourceType === 'script');
        runs.push({ ...summary, scriptKb: scripts ? scripts.transferSize / 1024 : NaN });
        if (i === 0) {
          for (const category of ['accessibility', 'seo']) {
            const failing = failingAudits(lhr, category);
            if (failing.length) shortfalls.push(`${formFactor} ${page.name}, ${category}:\n${failing.join('\n')}`);
          }
        }
      }
      const pick = (f) => median(runs.map(f));
      rows.push({
        page: `${page.name}, ${formFactor}`,
        performance: pick((r) => r.scores.performance),
        accessibility: pick((r) => r.scores.accessibility),
        'best-practices': pick((r) => r.scores['best-practices']),
        seo: pick((r) => r.scores.seo),
        'FCP ms': pick((r) => r.metrics.fcpMs),
        'LCP ms': pick((r) => r.metrics.lcpMs),
        'TBT ms': pick((r) => r.metrics.tbtMs),
        CLS: pick((r) => r.metrics.cls),
        'SI ms': pick((r) => r.metrics.speedIndexMs),
        'JS kB': pick((r) => r.scriptKb),
      });
    }
  }

  const fmt = (key, value) => {
    if (!Number.isFinite(value)) return 'n/a';
    if (key.endsWith('ms') || key.endsWith('kB')) return String(Math.round(value));
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
  console.log('\nScores are 0–100; FCP, LCP, TBT and SI in milliseconds (simulated), CLS unitless; JS kB: scripts transferred.');
  console.log('Targets: mobile performance ≥ 95, LCP ≤ 1500 ms, accessibility 100, SEO 100.');
  if (shortfalls.length) console.log(`\nAudits that did not pass (first run):\n${shortfalls.join('\n')}`);
} finally {
  await chrome?.stop();
  for (const p of processes.reverse()) await p.stop();
  await db.drop();
}
