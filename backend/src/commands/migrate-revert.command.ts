import { Command } from 'commander';
import type { CliApp } from './cli-app';

/** `migrate:revert`: revert the most recent migration. */
export function migrateRevertCommand(cli: CliApp): Command {
  return new Command('migrate:revert').description('revert the most recent migration').action(async () => {
    await cli.withDataSource((ds) => ds.undoLastMigration({ transaction: 'each' }));
    console.log('Reverted the most recent migration.');
  });
}
