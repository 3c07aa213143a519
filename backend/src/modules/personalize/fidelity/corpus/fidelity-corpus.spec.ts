import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkFidelity, normaliseRewrite } from '../index';
import { HARMFUL_CLASSES, HONEST_CLASSES, harmfulCases, honestCases, type CorpusCase, type CorpusLanguage } from './corpus';

/**
 * Table-driven: every harmful mutation class must be caught and every honest
 * rewrite class accepted, on every lesson of the sample book, in English and
 * in Urdu (bench/fidelity.bench.mjs measures the same corpus with more
 * variants and prints the rates).
 */
// Each row checks every lesson of the book (a few seconds on a busy machine).
jest.setTimeout(60_000);

const CONTENT_ROOT = join(__dirname, '../../../../../../content');

function lessonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return lessonFiles(path);
    return /\.mdx?$/.test(entry.name) ? [path] : [];
  });
}

const LESSONS = lessonFiles(CONTENT_ROOT).map((path) => ({ path: relative(CONTENT_ROOT, path), text: readFileSync(path, 'utf8') }));

function verdict(c: CorpusCase): boolean {
  return checkFidelity(c.original, normaliseRewrite(c.rewrite, c.original).text, { language: c.language }).passed;
}

/**
 * Classes the check catches only in part, with the share it must still catch
 * (measured: see the README's figures). A paragraph without numbers, code or
 * links deleted from an Urdu rewrite shows only in its section's length.
 */
const PARTLY_CAUGHT: Record<string, number> = { 'en deleted paragraph': 0.9, 'ur deleted paragraph': 0.6 };

const LANGUAGES: CorpusLanguage[] = ['en', 'ur'];

describe('the fidelity corpus: harmful mutations are caught', () => {
  const table = LANGUAGES.flatMap((language) =>
    HARMFUL_CLASSES.filter((name) => language === 'ur' || name !== 'English left in Urdu').map((name) => [language, name] as const),
  );
  it.each(table)('%s: %s', (language, name) => {
    const cases = LESSONS.flatMap((lesson) => harmfulCases(lesson, language)).filter((c) => c.name === name);
    expect(cases.length).toBeGreaterThan(10);
    const missed = cases.filter(verdict).map((c) => c.lesson);
    const required = PARTLY_CAUGHT[`${language} ${name}`];
    if (required === undefined) expect(missed).toEqual([]);
    else expect(1 - missed.length / cases.length).toBeGreaterThanOrEqual(required);
  });
});

describe('the fidelity corpus: honest rewrites are accepted', () => {
  const table = LANGUAGES.flatMap((language) => HONEST_CLASSES.map((name) => [language, name] as const));
  it.each(table)('%s: %s', (language, name) => {
    const cases = LESSONS.flatMap((lesson) => honestCases(lesson, language)).filter((c) => c.name === name);
    expect(cases.length).toBeGreaterThan(10);
    const rejected = cases
      .map((c) => ({
        lesson: c.lesson,
        failures: checkFidelity(c.original, normaliseRewrite(c.rewrite, c.original).text, { language }).failures,
      }))
      .filter((r) => r.failures.length > 0);
    expect(rejected).toEqual([]);
  });
});
