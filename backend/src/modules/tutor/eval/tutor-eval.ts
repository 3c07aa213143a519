import type { OnboardingAnswers } from '@lectern/api-types';

/** The learner the evaluation asks as (a middle-of-the-road profile, English). */
export const EVAL_PROFILE: OnboardingAnswers = {
  educationLevel: 'undergraduate',
  programmingExperience: 'beginner',
  roboticsBackground: false,
  aiMlExperience: 'basic',
  learningGoals: ['building_projects'],
  preferredLanguage: 'en',
};

export interface TutorEvalFile {
  covered: Array<{ question: string; expect: string[] }>;
  notCovered: string[];
}

export function checkTutorEvalFile(value: unknown): string[] {
  const problems: string[] = [];
  const file = value as Partial<TutorEvalFile> | null;
  if (!file || !Array.isArray(file.covered) || !Array.isArray(file.notCovered)) return ['needs "covered" and "notCovered" lists'];
  file.covered.forEach((q, i) => {
    if (typeof q?.question !== 'string' || !q.question.trim()) problems.push(`covered[${i}].question must be text`);
    if (!Array.isArray(q?.expect) || q.expect.length === 0) problems.push(`covered[${i}].expect must list lessons`);
  });
  file.notCovered.forEach((q, i) => {
    if (typeof q !== 'string' || !q.trim()) problems.push(`notCovered[${i}] must be text`);
  });
  return problems;
}

export interface QuestionResult {
  question: string;
  expect: string[];
  covered: boolean;
  citedLessons: string[];
  firstWordMs: number | null;
}

/** Citation precision (cited lessons that were expected), recall (expected lessons cited) and the "not covered" rates. */
export function scoreTutorEval(covered: QuestionResult[], notCovered: QuestionResult[]) {
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const cited = covered.flatMap((r) => r.citedLessons.map((slug) => r.expect.includes(slug)));
  const latencies = [...covered, ...notCovered].map((r) => r.firstWordMs).filter((ms): ms is number => ms !== null);
  return {
    questions: covered.length + notCovered.length,
    citationPrecision: cited.length === 0 ? 0 : cited.filter(Boolean).length / cited.length,
    citationRecall: mean(
      covered.map((r) => (r.expect.length === 0 ? 1 : r.expect.filter((e) => r.citedLessons.includes(e)).length / r.expect.length)),
    ),
    notCoveredAccuracy: mean(notCovered.map((r) => (r.covered ? 0 : 1))),
    falseNotCovered: mean(covered.map((r) => (r.covered ? 0 : 1))),
    meanFirstWordMs: mean(latencies),
  };
}
