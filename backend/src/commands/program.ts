import { searchEvalCommand, searchReindexCommand } from '@lectern/search';
import { tutorEvalCommand } from '@lectern/tutor';
import { Command } from 'commander';
import { CliApp } from './cli-app';
import { contentSyncCommand } from './content-sync.command';
import { dbCheckCommand } from './db-check.command';
import { migrateRevertCommand } from './migrate-revert.command';
import { migrateCommand } from './migrate.command';
import { migrationGenerateCommand } from './migration-generate.command';
import { openApiCommand } from './openapi.command';
import { personalizeWarmCommand } from './personalize-warm.command';

/**
 * The Lectern CLI: one command per file (here, and a domain's own in its
 * `commands/` folder), assembled with `commander`. Run it as
 * `npm run cli -- <command>` or `node dist/backend/cli.js <command>`.
 */
export function buildProgram(cli: CliApp = new CliApp()): Command {
  const program = new Command('lectern')
    .description('Lectern CLI (against DATABASE_URL; `npm run cli -- <command>` or node dist/backend/cli.js <command>)')
    .showHelpAfterError()
    .addCommand(migrateCommand(cli))
    .addCommand(migrateRevertCommand(cli))
    .addCommand(dbCheckCommand(cli))
    .addCommand(migrationGenerateCommand(cli))
    .addCommand(openApiCommand());
  program.command('content').description('the book').addCommand(contentSyncCommand(cli));
  program.command('personalize').description('personalized rewrites').addCommand(personalizeWarmCommand(cli));
  program.command('search').description('the search index').addCommand(searchReindexCommand(cli)).addCommand(searchEvalCommand(cli));
  program.command('tutor').description('the tutor').addCommand(tutorEvalCommand(cli));
  return program;
}
