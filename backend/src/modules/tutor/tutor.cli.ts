import type { INestApplicationContext } from '@nestjs/common';
import type { OnboardingAnswers } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TutorAnswerer } from './tutor-answerer.service';

export const TUTOR_USAGE = `  tutor eval [--json] [--file <questions.json>]
                               citation precision and recall, "not covered" accuracy and mean latency to the
                               first word of the tutor over the evaluation questions (default
                               backend/src/modules/tutor/eval/questions.json; needs the book synced and an LLM)
`;

const DEFAULT_EVAL_FILE = 'backend/src/modules/tutor/eval/questions.json';

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

/** `tutor …` commands of the CLI (backend/src/cli.ts). Returns the exit code. */
export async function runTutorCommand(app: INestApplicationContext, args: string[]): Promise<number> {
  if (args[0] !== 'eval') throw new Error(`Unknown tutor command: ${args[0] ?? '(none)'}; try: tutor eval`);
  const i = args.indexOf('--file');
  const file = resolve(i >= 0 && args[i + 1] ? args[i + 1] : DEFAULT_EVAL_FILE);
  const json = args.includes('--json');
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const problems = checkTutorEvalFile(parsed);
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  const evalFile = parsed as TutorEvalFile;
  const { lessons } = await app.get(ContentService).snapshot();
  const unknown = [...new Set(evalFile.covered.flatMap((q) => q.expect))].filter((slug) => !lessons.has(slug));
  if (unknown.length > 0) throw new Error(`${file} expects lessons the book does not have: ${unknown.join(', ')}`);

  const answerer = app.get(TutorAnswerer);
  const ask = async (question: string, expect: string[]): Promise<QuestionResult> => {
    const started = performance.now();
    let firstWordMs: number | null = null;
    const answer = await answerer.answer(
      { profile: EVAL_PROFILE, question, query: question, action: 'ask' },
      {
        onText: (text) => {
          if (firstWordMs === null && /\S/.test(text)) firstWordMs = performance.now() - started;
        },
      },
    );
    return {
      question,
      expect,
      covered: answer.covered,
      citedLessons: [...new Set(answer.citations.map((c) => c.lessonSlug))],
      firstWordMs,
    };
  };
  const covered: QuestionResult[] = [];
  for (const q of evalFile.covered) covered.push(await ask(q.question, q.expect));
  const notCovered: QuestionResult[] = [];
  for (const q of evalFile.notCovered) notCovered.push(await ask(q, []));
  const score = scoreTutorEval(covered, notCovered);
  if (json) {
    console.log(JSON.stringify({ file, ...score, results: [...covered, ...notCovered] }));
    return 0;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(`Tutor evaluation: ${evalFile.covered.length} covered + ${evalFile.notCovered.length} not-covered questions (${file})`);
  console.log(`  citation precision   ${pct(score.citationPrecision)}   (cited lessons that a good answer must cite)`);
  console.log(`  citation recall      ${pct(score.citationRecall)}   (lessons a good answer must cite that were cited)`);
  console.log(
    `  "not covered" accuracy ${pct(score.notCoveredAccuracy)} on uncovered questions; wrongly "not covered": ${pct(score.falseNotCovered)} of covered ones`,
  );
  console.log(`  mean latency to first word ${score.meanFirstWordMs.toFixed(0)} ms`);
  for (const r of covered.filter((r) => !r.expect.every((e) => r.citedLessons.includes(e)))) {
    console.log(
      `  miss: "${r.question}" expected ${r.expect.join(', ')}; cited ${r.citedLessons.join(', ') || (r.covered ? 'nothing' : '(not covered)')}`,
    );
  }
  for (const r of notCovered.filter((r) => r.covered))
    console.log(`  answered though not covered: "${r.question}" citing ${r.citedLessons.join(', ')}`);
  return 0;
}
