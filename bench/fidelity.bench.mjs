// npm run bench -- fidelity [--variants 3] [--write <dir>]
//
// Measures the fidelity check (issue 18) on a generated corpus: harmful
// mutations of the sample book's lessons (changed numbers, units, formulas;
// deleted rows, tables, boxes, paragraphs, headings, code lines; inserted or
// changed code lines; English left in an Urdu rewrite; an added tracking
// image, password field, iframe or external link) and honest rewrites
// (paraphrased headings, promoted levels, split code blocks, added examples,
// casual openings, added anchors, reformatted numbers, a chatty first line,
// a wrapping fence), in English and Urdu. The corpus generator is
// backend/src/modules/personalize/fidelity/corpus/corpus.ts (seeded, so every
// run measures the same cases); --write saves every case as files.
//
// Prints, per class, how many cases were caught (harmful) or accepted
// (honest), then the catch rate and the false-rejection rate. Targets:
// ≥ 95 % caught, ≤ 5 % falsely rejected (the process exits 1 when missed).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { ROOT } from './lib.mjs';

const { values } = parseArgs({ options: { variants: { type: 'string', default: '3' }, write: { type: 'string' } } });
const variants = Number(values.variants);
if (!Number.isInteger(variants) || variants < 1 || variants > 20) throw new Error('--variants must be an integer from 1 to 20');

// The check and the corpus are TypeScript modules of the backend: bundle them (dependencies stay external).
// Inside the repository, so that the bundle resolves the dependencies from node_modules.
const out = join(ROOT, 'tmp', `fidelity-bench-${process.pid}`);
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.ts');
const fidelity = join(ROOT, 'backend/src/modules/personalize/fidelity');
writeFileSync(
  entry,
  `export * from ${JSON.stringify(join(fidelity, 'index.ts'))};\nexport * from ${JSON.stringify(join(fidelity, 'corpus/corpus.ts'))};\n`,
);
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: join(out, 'fidelity.mjs'),
  absWorkingDir: ROOT,
  logLevel: 'warning',
});
const { corpus, checkFidelity, normaliseRewrite } = await import(join(out, 'fidelity.mjs'));
rmSync(out, { recursive: true, force: true });

function lessonFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? lessonFiles(join(dir, e.name)) : /\.mdx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}
const contentRoot = join(ROOT, 'content');
const lessons = lessonFiles(contentRoot).map((path) => ({ path: relative(contentRoot, path), text: readFileSync(path, 'utf8') }));

// Identical cases (a deterministic transform repeated over variants) are measured once.
const seen = new Set();
const cases = corpus(lessons, variants).filter((c) => {
  const key = `${c.kind}|${c.language}|${c.name}|${c.lesson}|${c.rewrite}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});

const started = performance.now();
const rows = new Map();
const examples = [];
for (const c of cases) {
  const cleaned = normaliseRewrite(c.rewrite, c.original);
  const result = checkFidelity(c.original, cleaned.text, { language: c.language });
  const right = c.kind === 'harmful' ? !result.passed : result.passed;
  const key = `${c.kind}\t${c.language}\t${c.name}`;
  const row = rows.get(key) ?? { n: 0, right: 0 };
  row.n++;
  if (right) row.right++;
  else if (examples.length < 12)
    examples.push(`${c.kind} ${c.language} ${c.name} ${c.lesson}: ${result.passed ? 'passed' : result.failures.join('; ')}`);
  rows.set(key, row);
  if (values.write) {
    const dir = join(values.write, c.kind, c.language, c.name.replace(/\W+/g, '-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${c.lesson.replace(/\//g, '__').replace(/\.mdx?$/, '')}.${c.variant}.md`), c.rewrite);
  }
}
const ms = performance.now() - started;

console.log(
  `Fidelity check on ${cases.length} cases from ${lessons.length} lessons (${variants} variant(s) per class), ${(ms / cases.length).toFixed(1)} ms a check\n`,
);
console.log('kind     lang  class                          cases  right');
for (const [key, row] of [...rows].sort()) {
  const [kind, language, name] = key.split('\t');
  console.log(
    `${kind.padEnd(8)} ${language.padEnd(5)} ${name.padEnd(30)} ${String(row.n).padStart(5)}  ${((row.right / row.n) * 100).toFixed(1).padStart(5)} %`,
  );
}
const total = (kind, language) =>
  [...rows]
    .filter(([key]) => key.startsWith(`${kind}\t`) && (language === undefined || key.split('\t')[1] === language))
    .reduce((sum, [, r]) => ({ n: sum.n + r.n, right: sum.right + r.right }), { n: 0, right: 0 });
console.log('');
for (const language of ['en', 'ur', undefined]) {
  const harmful = total('harmful', language);
  const honest = total('honest', language);
  console.log(
    `${(language ?? 'all').padEnd(3)}  caught ${((harmful.right / harmful.n) * 100).toFixed(1)} % of ${harmful.n} harmful · falsely rejected ${(((honest.n - honest.right) / honest.n) * 100).toFixed(1)} % of ${honest.n} honest`,
  );
}
if (examples.length > 0) console.log(`\nMisjudged (first ${examples.length}):\n${examples.map((e) => `  ${e.slice(0, 240)}`).join('\n')}`);
const harmful = total('harmful');
const honest = total('honest');
const ok = harmful.right / harmful.n >= 0.95 && (honest.n - honest.right) / honest.n <= 0.05;
console.log(`\nTargets (≥ 95 % caught, ≤ 5 % falsely rejected): ${ok ? 'met' : 'MISSED'}`);
if (values.write) console.log(`Corpus written to ${values.write}`);
process.exit(ok ? 0 : 1);
