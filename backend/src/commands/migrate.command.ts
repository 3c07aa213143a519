import { Command } from 'commander';
import type { DataSource } from 'typeorm';
import type { CliApp } from './cli-app';

/** Serialises migrations across processes (api, worker and cli may start together). */
const MIGRATION_LOCK = 72_716_001;

/** Applies pending migrations under an advisory lock. */
export async function migrate(dataSource: DataSource): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(
      applied.length === 0 ? 'Database is up to date.' : `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`,
    );
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

/** `migrate`: apply pending database migrations. */
export function migrateCommand(cli: CliApp): Command {
  return new Command('migrate').description('apply pending database migrations').action(() => cli.withDataSource(migrate));
}
