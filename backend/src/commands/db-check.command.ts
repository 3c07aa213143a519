import { exitWith, pendingSchemaChanges } from '@lectern/infra';
import { Command } from 'commander';
import type { CliApp } from './cli-app';

/** `db:check`: fails (exit 1) when the entities need a change no migration makes. */
export function dbCheckCommand(cli: CliApp): Command {
  return new Command('db:check').description('fail if the entities and the migrations disagree (schema drift)').action(async () => {
    const pending = await cli.withDataSource(pendingSchemaChanges);
    if (pending.length === 0) {
      console.log('Schema check passed: entities and migrations agree.');
      return;
    }
    console.error(
      `Schema drift: the entities need ${pending.length} change(s) no migration makes:\n${pending.map((q) => `  ${q}`).join('\n')}`,
    );
    console.error('Run `npm run cli -- migration:generate <Name>` and commit the new migration.');
    exitWith(1);
  });
}
