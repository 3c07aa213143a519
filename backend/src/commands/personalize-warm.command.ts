import { exitWith, progressBar } from '@lectern/infra';
import { PersonalizeWarmupService } from '@lectern/personalize';
import { Command, InvalidArgumentError } from 'commander';
import type { CliApp } from './cli-app';

function profileCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('takes a whole number from 1 to 1000');
  return n;
}

/** `personalize warm`: pre-generates rewrites for the most common learner profiles (a worker writes them). */
export function personalizeWarmCommand(cli: CliApp): Command {
  return new Command('warm')
    .description(
      'pre-generate rewrites of a lesson (or the whole book) for the n most common learner profiles; prints the cost estimate and waits for --yes; a worker must be running (npm start runs one)',
    )
    .option('--lesson <slug>', 'one lesson (default: every lesson)')
    .option('--profiles <n>', 'how many of the most common profiles', profileCount, 3)
    .option('--yes', 'write them (otherwise only the estimate is printed)')
    .action((options: { lesson?: string; profiles: number; yes?: boolean }) =>
      cli.withApp(async (app) => {
        const warmup = app.get(PersonalizeWarmupService);
        const plan = await warmup.plan({ lessonSlug: options.lesson, profiles: options.profiles });
        console.log(
          `Warm-up: ${plan.lessons} lesson(s) × ${plan.profiles.length} most common profile(s) (${plan.profiles.map((p) => `${p.learners} learner(s)`).join(', ') || 'no learners yet'})`,
        );
        console.log(`  ${plan.alreadyCached} already cached, ${plan.missing.length} to write with ${plan.model}`);
        console.log(
          `  estimate: ~${plan.estimatedPromptTokens.toLocaleString('en')} prompt + ~${plan.estimatedCompletionTokens.toLocaleString('en')} completion tokens ≈ $${plan.estimatedCostUsd.toFixed(4)}`,
        );
        if (plan.missing.length === 0) return;
        if (!options.yes) {
          console.log('Run again with --yes to write them.');
          return;
        }
        const bar = progressBar();
        const { completed, failed } = await warmup.run(plan, (done, total) => bar(done, total, done === total ? 'writing' : 'waiting'));
        console.log(`Warm-up done: ${completed} written, ${failed} failed${failed ? ' (see /admin/queues)' : ''}.`);
        exitWith(failed ? 1 : 0);
      }),
    );
}
