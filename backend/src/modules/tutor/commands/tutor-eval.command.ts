import type { INestApplicationContext } from '@nestjs/common';
import { ContentService } from '@lectern/content';
import { type CliContext } from '@lectern/infra';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkTutorEvalFile, EVAL_PROFILE, scoreTutorEval, type QuestionResult, type TutorEvalFile } from '../eval/tutor-eval';
import { TutorAnswerer } from '../tutor-answerer.service';

const DEFAULT_EVAL_FILE = 'backend/src/modules/tutor/eval/questions.json';

/** `tutor eval [--json] [--file <questions.json>]`: citation precision and recall, "not covered" accuracy and latency to the first word. */
export function tutorEvalCommand(cli: CliContext): Command {
  return new Command('eval')
    .description(
      'citation precision and recall, "not covered" accuracy and mean latency to the first word of the tutor over the evaluation questions (needs the book synced and an LLM)',
    )
    .option('--json', 'print the report as JSON')
    .option('--file <questions.json>', 'the evaluation questions', DEFAULT_EVAL_FILE)
    .action((options: { json?: boolean; file: string }) =>
      cli.withApp((app) => evaluate(app, resolve(options.file), options.json === true)),
    );
}

async function evaluate(app: INestApplicationContext, file: string, json: boolean): Promise<void> {
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
    return;
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
}
