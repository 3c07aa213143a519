import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEvalFile, mean, rankedLessons, recallAt, reciprocalRank } from './metrics';

describe('evaluation metrics', () => {
  it('ranks distinct lessons in result order', () => {
    expect(rankedLessons([{ lessonSlug: 'a' }, { lessonSlug: 'b' }, { lessonSlug: 'a' }, { lessonSlug: 'c' }])).toEqual(['a', 'b', 'c']);
  });

  it.each([
    [['a', 'b', 'c'], ['c'], 5, 1, 1 / 3],
    [['a', 'b', 'c', 'd', 'e', 'f'], ['f'], 5, 0, 1 / 6],
    [['a', 'b'], ['b', 'z'], 5, 0.5, 1 / 2],
    [[], ['a'], 5, 0, 0],
  ])('%j against %j: recall@%d %d, RR %d', (ranked, expected, k, recall, rr) => {
    expect(recallAt(k, ranked, expected)).toBe(recall);
    expect(reciprocalRank(ranked, expected)).toBeCloseTo(rr);
  });

  it('averages', () => {
    expect(mean([])).toBe(0);
    expect(mean([1, 0, 0.5])).toBe(0.5);
  });

  it('the evaluation set has at least 30 well-formed queries, with paraphrases', () => {
    const file: unknown = JSON.parse(readFileSync(join(__dirname, 'queries.json'), 'utf8'));
    expect(checkEvalFile(file)).toEqual([]);
    const queries = (file as { queries: Array<{ kind: string; query: string }> }).queries;
    expect(queries.length).toBeGreaterThanOrEqual(30);
    expect(queries.filter((q) => q.kind === 'paraphrase').length).toBeGreaterThanOrEqual(10);
    expect(new Set(queries.map((q) => q.query)).size).toBe(queries.length);
  });

  it('reports malformed files', () => {
    expect(checkEvalFile({})).toEqual(['the file must be { "description", "queries": [...] }']);
    expect(checkEvalFile({ queries: [{ query: '', expect: [], kind: 'x' }] })).toHaveLength(3);
  });
});
