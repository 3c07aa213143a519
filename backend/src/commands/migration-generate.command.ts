import { exitWith, pendingSchemaChanges } from '@lectern/infra';
import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MigrationGenerateCommand } from 'typeorm/commands/MigrationGenerateCommand';
import type { CliApp } from './cli-app';
import { migrationIndexSource } from './migration-index';

const MIGRATIONS_DIR = 'migrations';

function pascalName(value: string): string {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(value)) throw new InvalidArgumentError('needs a PascalCase name, e.g. AddLessons');
  return value;
}

/**
 * `migration:generate <Name>`: TypeORM's own generator (`MigrationGenerateCommand`,
 * as `typeorm migration:generate` runs it) against the data source the app builds
 * (`dist/backend/data-source.js`: every entity, the migrations so far), writing
 * `migrations/<timestamp>-<name>.ts`; then migrations/index.ts is rewritten from
 * the folder's files.
 */
export function migrationGenerateCommand(cli: CliApp): Command {
  return new Command('migration:generate')
    .description('write migrations/<timestamp>-<name>.ts from the entity changes (TypeORM migration:generate)')
    .argument('<Name>', 'PascalCase name of the migration, e.g. AddLessons', pascalName)
    .action(async (name: string) => {
      const pending = await cli.withDataSource(pendingSchemaChanges);
      if (pending.length === 0) {
        console.log('No changes: the entities match the migrations.');
        return;
      }
      const kebab = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      // The data-source bundle sits beside this CLI's (dist/backend/).
      const dataSource = join(dirname(resolve(process.argv[1] ?? '.')), 'data-source.js');
      await new MigrationGenerateCommand().handler({
        $0: 'lectern',
        _: [],
        path: join(MIGRATIONS_DIR, kebab),
        dataSource,
        pretty: false,
        outputJs: false,
        esm: false,
        dryrun: false,
        check: false,
        exitProcess: false,
      } as unknown as Parameters<MigrationGenerateCommand['handler']>[0]);
      writeFileSync(join(MIGRATIONS_DIR, 'index.ts'), migrationIndexSource(MIGRATIONS_DIR));
      console.log(
        `Registered it in ${MIGRATIONS_DIR}/index.ts (${pending.length} statement(s)); run \`npm run format\` before committing.`,
      );
      exitWith(0);
    });
}
