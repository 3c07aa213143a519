/** One evaluation query: what a learner might type, and the lesson(s) a good answer must include. */
export interface EvalQuery {
  query: string;
  expect: string[];
  /** `keyword`: shares words with the lesson; `paraphrase`: says it in other words (where vectors should help). */
  kind: 'keyword' | 'paraphrase';
}

export interface EvalFile {
  description: string;
  queries: EvalQuery[];
}

/** Distinct lessons in result order (a lesson may appear twice in a response). */
export function rankedLessons(results: ReadonlyArray<{ lessonSlug: string }>): string[] {
  return [...new Set(results.map((r) => r.lessonSlug))];
}

/** Share of the expected lessons among the first k lessons. */
export function recallAt(k: number, ranked: readonly string[], expected: readonly string[]): number {
  if (expected.length === 0) return 1;
  const top = new Set(ranked.slice(0, k));
  return expected.filter((slug) => top.has(slug)).length / expected.length;
}

/** 1 / rank of the first expected lesson (0 when none is found). */
export function reciprocalRank(ranked: readonly string[], expected: readonly string[]): number {
  const index = ranked.findIndex((slug) => expected.includes(slug));
  return index < 0 ? 0 : 1 / (index + 1);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Checks the file's shape; returns the problems (empty when fine). */
export function checkEvalFile(file: unknown): string[] {
  const problems: string[] = [];
  const queries = (file as Partial<EvalFile> | null)?.queries;
  if (!Array.isArray(queries)) return ['the file must be { "description", "queries": [...] }'];
  queries.forEach((q: Partial<EvalQuery>, i) => {
    if (typeof q.query !== 'string' || q.query.trim() === '') problems.push(`queries[${i}].query must be a non-empty string`);
    if (!Array.isArray(q.expect) || q.expect.length === 0 || q.expect.some((s) => typeof s !== 'string'))
      problems.push(`queries[${i}].expect must list at least one lesson slug`);
    if (q.kind !== 'keyword' && q.kind !== 'paraphrase') problems.push(`queries[${i}].kind must be "keyword" or "paraphrase"`);
  });
  return problems;
}
