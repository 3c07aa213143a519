// Benchmark (not a test): recommendations for a learner with 500 completed
// lessons (and a few in progress) in a generated 2,000-lesson book (20 parts ×
// 10 chapters × 10 lessons, seeded goals, layers (passed through, not ranked
// on) and prerequisites). Prints p50/p95 of the pure recommender, and as a ratio to a baseline measured in
// the same run: one plain pass that builds the progress Map and filters out
// the completed lessons, the least any recommender must do.
//
//   npm run bench -- recommendations [--runs 200] [--lessons 2000] [--completed 500]
//
// The recommender is pure TypeScript with type-only imports, so it is bundled
// in memory with esbuild (no Nest, no database) and imported from a temp file.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const RUNS = arg('runs', 200);
const LESSONS = arg('lessons', 2000);
const COMPLETED = arg('completed', 500);
const IN_PROGRESS = 5;
const WARM_UP = 50;

const bundled = await build({
  entryPoints: [join(ROOT, 'backend/src/modules/recommendations/recommender.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  write: false,
  logLevel: 'error',
});
const dir = mkdtempSync(join(tmpdir(), 'lectern-bench-recommender-'));
const file = join(dir, 'recommender.mjs');
writeFileSync(file, bundled.outputFiles[0].text);
const { rankLessons } = await import(pathToFileURL(file).href);
rmSync(dir, { recursive: true, force: true });

/** mulberry32: seeded, so every run sees the same book and learner. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(2026);
const pick = (list) => list[Math.floor(rnd() * list.length)];
const GOALS = ['career_change', 'research', 'hobby', 'teaching', 'building_projects'];

function generateBook(count) {
  const perChapter = 10;
  const chaptersPerPart = 10;
  const chapters = Math.ceil(count / perChapter);
  const parts = Math.ceil(chapters / chaptersPerPart);
  const lessons = [];
  const chapterPrerequisites = new Map();
  for (let c = 1; c <= chapters; c++) {
    const part = Math.ceil(c / chaptersPerPart);
    const partLayer = Math.min(5, 1 + Math.floor(((part - 1) * 5) / parts));
    // A part's first chapter needs the chapter before it; the others need their part's first chapter,
    // and now and then an earlier chapter too (so many lessons are open at once, as in a real book).
    const partFirst = (part - 1) * chaptersPerPart + 1;
    const prereqs = c === partFirst ? (c > 1 ? [c - 1] : []) : [partFirst];
    if (c > 3 && rnd() < 0.3) prereqs.push(1 + Math.floor(rnd() * (c - 2)));
    chapterPrerequisites.set(c, [...new Set(prereqs)]);
    const first = lessons.length;
    for (let l = 0; l < perChapter && lessons.length < count; l++) {
      const i = lessons.length;
      const prerequisites = [];
      if (l > 0 && rnd() < 0.4) prerequisites.push(lessons[first + Math.floor(rnd() * l)].slug);
      if (i > perChapter && rnd() < 0.15) prerequisites.push(lessons[Math.floor(rnd() * (first - 1))].slug);
      lessons.push({
        slug: `lesson-${i + 1}`,
        title: `Lesson ${i + 1}`,
        type: l === perChapter - 1 ? 'lab' : 'lesson',
        layer: `L${Math.min(5, partLayer + (rnd() < 0.3 ? 1 : 0))}`,
        chapterNumber: c,
        chapterTitle: `Chapter ${c}`,
        partTitle: `Part ${part}`,
        prerequisites: [...new Set(prerequisites)],
        goals: GOALS.filter(() => rnd() < 0.4),
        estimatedMinutes: 5 + Math.floor(rnd() * 20),
      });
    }
  }
  return { lessons, chapterPrerequisites };
}

const { lessons, chapterPrerequisites } = generateBook(LESSONS);
// The learner: mostly in reading order, a few read ahead; a handful in progress.
const statusRows = [];
const done = new Set();
for (let i = 0; done.size < COMPLETED * 0.9 && i < lessons.length; i++) done.add(lessons[i].slug);
while (done.size < COMPLETED) done.add(lessons[Math.floor(rnd() * Math.min(lessons.length, COMPLETED * 2))].slug);
for (const slug of done) statusRows.push([slug, 'completed']);
for (let k = 0; k < IN_PROGRESS; k++) {
  const slug = pick(lessons.slice(COMPLETED, COMPLETED * 2)).slug;
  if (!done.has(slug)) statusRows.push([slug, 'in_progress']);
}
// Full onboarding answers (the recommender reads education, AI/ML experience and the language too).
const profiles = {
  'book-following, Urdu': {
    educationLevel: 'high_school',
    programmingExperience: 'none',
    roboticsBackground: false,
    aiMlExperience: 'none',
    learningGoals: ['hobby', 'building_projects'],
    preferredLanguage: 'ur',
  },
  experienced: {
    educationLevel: 'graduate',
    programmingExperience: 'advanced',
    roboticsBackground: true,
    aiMlExperience: 'advanced',
    learningGoals: ['research'],
    preferredLanguage: 'en',
  },
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function measure(fn) {
  for (let i = 0; i < WARM_UP; i++) fn();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

// Baseline: build the progress Map from the rows (as the service does) and filter out completed lessons.
let sink = 0;
const baseline = measure(() => {
  const progress = new Map(statusRows);
  sink += lessons.filter((l) => progress.get(l.slug) !== 'completed').length;
});

console.log(
  `recommendations: ${lessons.length} lessons, ${done.size} completed, ${statusRows.length - done.size} in progress; ${RUNS} runs after ${WARM_UP} warm-up`,
);
console.log('| run | p50 ms | p95 ms | p50 vs. baseline |');
console.log('|---|---|---|---|');
console.log(`| baseline: progress Map + filter completed | ${baseline.p50.toFixed(3)} | ${baseline.p95.toFixed(3)} | 1.0× |`);
for (const [name, profile] of Object.entries(profiles)) {
  let result;
  const timing = measure(() => {
    result = rankLessons({ lessons, chapterPrerequisites, progress: new Map(statusRows), profile, limit: 5 });
    sink += result.total;
  });
  console.log(
    `| recommend(limit 5), ${name} learner (${result.total} eligible) | ${timing.p50.toFixed(3)} | ${timing.p95.toFixed(3)} | ${(timing.p50 / baseline.p50).toFixed(1)}× |`,
  );
  if (result.recommendations.some((r) => done.has(r.lesson.slug)) || result.recommendations.length === 0) {
    console.error(`The ${name} learner got a completed lesson or nothing at all.`);
    process.exitCode = 1;
  }
}
if (sink < 0) console.log(sink); // keeps the work observable
