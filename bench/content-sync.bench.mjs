// Benchmark (not a test): sync a generated book of N lessons (default 1,000)
// through the real CLI into a fresh database, then re-sync it unchanged.
// Prints lessons/second for both, and as ratios to a baseline measured in
// the same run: reading and hashing the same files, the least any sync must do.
//
//   npm run bench -- content-sync [--lessons 1000]
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '..');
const lessons = Number(process.argv[process.argv.indexOf('--lessons') + 1]) || 1000;
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function generateBook(dir, count) {
  const perChapter = 10;
  const chapters = Math.ceil(count / perChapter);
  const perPart = 10;
  const parts = Math.ceil(chapters / perPart);
  const lines = [
    'slug: bench-book',
    'title: Benchmark Book',
    'version: 1.0.0',
    'layers:',
    '  - { id: L1, label: One }',
    '  - { id: L2, label: Two }',
    'parts:',
  ];
  let chapterNo = 0;
  let lessonNo = 0;
  for (let p = 1; p <= parts; p++) {
    lines.push(`  - number: ${p}`, `    slug: part-${p}`, `    title: Part ${p}`, `    layer: ${p % 2 ? 'L1' : 'L2'}`, '    chapters:');
    for (let c = 0; c < perPart && chapterNo < chapters; c++) {
      chapterNo++;
      lines.push(
        `      - number: ${chapterNo}`,
        `        slug: chapter-${chapterNo}`,
        `        title: Chapter ${chapterNo}`,
        `        prerequisites: [${chapterNo > 1 ? chapterNo - 1 : ''}]`,
        '        lessons:',
      );
      for (let l = 0; l < perChapter && lessonNo < count; l++) {
        lessonNo++;
        const file = `lessons/lesson-${lessonNo}.md`;
        lines.push(`          - { slug: lesson-${lessonNo}, file: ${file}, goals: [hobby] }`);
        const body = Array.from(
          { length: 6 },
          (_, s) =>
            `## Section ${s + 1}\n\n${`Lesson ${lessonNo} explains sensors, actuators and control loops in section ${s + 1}. `.repeat(12)}\n\n\`\`\`python\nprint(${lessonNo * 10 + s})\n\`\`\``,
        ).join('\n\n');
        writeFileSync(join(dir, file), `---\ntitle: Lesson ${lessonNo}\n---\n${body}\n`);
      }
    }
  }
  writeFileSync(join(dir, 'book.yaml'), `${lines.join('\n')}\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'lectern-bench-book-'));
mkdirSync(join(dir, 'lessons'));
generateBook(dir, lessons);

// Baseline: read every lesson file and hash it.
const t0 = performance.now();
for (const f of readdirSync(join(dir, 'lessons')))
  createHash('sha256')
    .update(readFileSync(join(dir, 'lessons', f)))
    .digest('hex');
const baselineMs = performance.now() - t0;

const database = `lectern_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE "${database}"`);
const url = new URL(ADMIN_URL);
url.pathname = `/${database}`;
const store = mkdtempSync(join(tmpdir(), 'lectern-bench-store-'));
const env = {
  ...process.env,
  DATABASE_URL: url.toString(),
  TOKEN_SECRET: randomBytes(32).toString('hex'),
  ADMIN_TOKEN: randomBytes(16).toString('hex'),
  CONTENT_STORE_DIR: store,
  QUEUE_PREFIX: `bench-${process.pid}`,
  LOG_LEVEL: 'warn',
};
const cli = (...args) => execFileSync(process.execPath, [join(ROOT, 'dist/backend/cli.js'), ...args], { env, cwd: ROOT, encoding: 'utf8' });
try {
  cli('migrate');
  const first = JSON.parse(cli('content', 'sync', dir, '--json').trim().split('\n').pop());
  const second = JSON.parse(cli('content', 'sync', dir, '--json').trim().split('\n').pop());
  const rate = (ms) => (lessons / (ms / 1000)).toFixed(0);
  console.log(`content sync of a generated book: ${lessons} lessons`);
  console.log('| run | ms | lessons/s | vs. read+hash baseline |');
  console.log('|---|---|---|---|');
  console.log(`| baseline: read + SHA-256 every file | ${baselineMs.toFixed(0)} | ${rate(baselineMs)} | 1.00× |`);
  console.log(
    `| first sync (${first.added.length} added, ${first.writes} writes) | ${first.durationMs} | ${rate(first.durationMs)} | ${(first.durationMs / baselineMs).toFixed(1)}× slower |`,
  );
  console.log(
    `| no-change re-sync (${second.unchanged.length} unchanged, ${second.writes} writes) | ${second.durationMs} | ${rate(second.durationMs)} | ${(second.durationMs / baselineMs).toFixed(1)}× slower |`,
  );
  if (second.writes !== 0) {
    console.error(`A no-change re-sync wrote ${second.writes} time(s); expected none.`);
    process.exitCode = 1;
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
  rmSync(store, { recursive: true, force: true });
}
