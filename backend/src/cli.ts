import './compile-cache';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { BookSourceError, ContentConfig, ContentSyncService, type SyncSummary } from '@lectern/content';
import { PersonalizeWarmupService } from '@lectern/personalize';
import { runSearchCommand, SEARCH_USAGE } from '@lectern/search';
import { runTutorCommand, TUTOR_USAGE } from '@lectern/tutor';
import { ConfigError, configSlice, createLogger, InfraModule, pendingSchemaChanges, QueueModule, type AppConfig } from '@lectern/infra';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { DOMAIN_MODULES } from './app.module';
import { loadAppConfig } from './config-slices';

/** The CLI boots the api's modules without HTTP: same entities, services and event listeners. */
@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [InfraModule.forRoot(config), QueueModule.forRoot(), ...DOMAIN_MODULES] };
  }
}

const USAGE = `Lectern CLI

Usage: npm run cli -- <command> [args]   (or: node dist/backend/cli.js <command>)

Commands:
  migrate                      apply pending database migrations
  migrate:revert               revert the most recent migration
  db:check                     fail if the entities and the migrations disagree (schema drift)
  migration:generate <Name>    write migrations/<timestamp>-<name>.ts from the entity changes
  personalize warm [--lesson <slug>] [--profiles <n>] [--yes]
                               pre-generate rewrites of a lesson (or the whole book) for the n most
                               common learner profiles (default 3); prints the cost estimate and
                               waits for --yes; a worker must be running (npm start runs one)
  content sync [dir] [--json]  import a book folder (default: CONTENT_SOURCE_DIR, i.e. ./content);
                               Lectern's book.yaml format or a Docusaurus docs tree; --json prints the summary as JSON
${SEARCH_USAGE}${TUTOR_USAGE}  help                         this text
`;

/** Serialises migrations across processes (api, worker and cli may start together). */
const MIGRATION_LOCK = 72_716_001;

async function withApp<T>(config: AppConfig, run: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: createLogger({ ...config, LOG_LEVEL: 'warn' }, 'CLI'),
  });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

function withDataSource<T>(config: AppConfig, run: (dataSource: DataSource) => Promise<T>): Promise<T> {
  return withApp(config, (app) => run(app.get<DataSource>(getDataSourceToken())));
}

/** A one-line progress bar on a terminal; phase lines otherwise. */
function progressBar(): (done: number, total: number, phase: string) => void {
  const tty = process.stderr.isTTY;
  let lastPhase = '';
  return (done, total, phase) => {
    if (tty) {
      const width = 30;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      process.stderr.write(`\r  ${phase.padEnd(8)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}   `);
      if (phase === 'writing') process.stderr.write('\n');
    } else if (phase !== lastPhase) {
      process.stderr.write(`  ${phase}…\n`);
    }
    lastPhase = phase;
  };
}

function printSummary(s: SyncSummary): void {
  console.log(`Synced "${s.bookSlug}" (${s.format} format) in ${s.durationMs} ms:`);
  console.log(
    `  added ${s.added.length} · changed ${s.changed.length} · unchanged ${s.unchanged.length} · removed ${s.removed.length} · writes ${s.writes}`,
  );
  for (const [label, slugs] of [
    ['added', s.added],
    ['changed', s.changed],
    ['removed', s.removed],
  ] as const) {
    if (slugs.length > 0 && slugs.length <= 20) console.log(`  ${label}: ${slugs.join(', ')}`);
  }
  for (const line of s.structure) console.log(`  structure: ${line}`);
  for (const p of s.problems) console.log(`  problem: ${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`);
}

async function migrate(dataSource: DataSource): Promise<void> {
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

async function generate(dataSource: DataSource, name: string): Promise<void> {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error('migration:generate needs a PascalCase name, e.g. AddLessons');
  const builder = await dataSource.driver.createSchemaBuilder().log();
  if (builder.upQueries.length === 0) {
    console.log('No changes: the entities match the migrations.');
    return;
  }
  const timestamp = Date.now();
  const sql = (q: { query: string; parameters?: unknown[] }): string =>
    `    await queryRunner.query(${JSON.stringify(q.query)}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
  const className = `${name}${timestamp}`;
  const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${builder.upQueries.map(sql).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...builder.downQueries].reverse().map(sql).join('\n')}
  }
}
`;
  const dir = join(process.cwd(), 'migrations');
  mkdirSync(dir, { recursive: true });
  const file = `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
  writeFileSync(join(dir, `${file}.ts`), body);
  const indexPath = join(dir, 'index.ts');
  const source = readFileSync(indexPath, 'utf8');
  const lines = source.split('\n');
  const lastImport = lines.reduce((last, line, i) => (line.startsWith('import ') ? i : last), -1);
  lines.splice(lastImport + 1, 0, `import { ${className} } from './${file}';`);
  const index = lines
    .join('\n')
    .replace(
      /(export const migrations[^=]*= \[)([^\]]*)\]/,
      (_m, head: string, list: string) => `${head}${list.trim() ? `${list.trimEnd()}, ` : ''}${className}]`,
    );
  writeFileSync(indexPath, index);
  console.log(`Wrote migrations/${file}.ts (${builder.upQueries.length} statement(s)) and registered it in migrations/index.ts`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const config = loadAppConfig();
  switch (command) {
    case 'migrate':
      await withDataSource(config, migrate);
      return 0;
    case 'migrate:revert':
      await withDataSource(config, (ds) => ds.undoLastMigration({ transaction: 'each' }));
      console.log('Reverted the most recent migration.');
      return 0;
    case 'db:check': {
      const pending = await withDataSource(config, pendingSchemaChanges);
      if (pending.length === 0) {
        console.log('Schema check passed: entities and migrations agree.');
        return 0;
      }
      console.error(
        `Schema drift: the entities need ${pending.length} change(s) no migration makes:\n${pending.map((q) => `  ${q}`).join('\n')}`,
      );
      console.error('Run `npm run cli -- migration:generate <Name>` and commit the new migration.');
      return 1;
    }
    case 'content': {
      if (args[0] !== 'sync') throw new Error(`Unknown content command: ${args[0] ?? '(none)'}; try: content sync [dir]`);
      const json = args.includes('--json');
      const dir = resolve(args.slice(1).find((a) => !a.startsWith('--')) ?? configSlice(config, ContentConfig).CONTENT_SOURCE_DIR);
      try {
        const summary = await withApp(config, (app) => app.get(ContentSyncService).sync(dir, json ? undefined : progressBar()));
        if (json) console.log(JSON.stringify({ ok: true, ...summary }));
        else printSummary(summary);
        return 0;
      } catch (error) {
        if (error instanceof BookSourceError) {
          if (json) {
            console.log(JSON.stringify({ ok: false, dir, error: error.message, problems: error.problems }));
            return 1;
          }
          console.error(`Cannot import ${dir}: ${error.message}`);
          for (const p of error.problems) console.error(`  ${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`);
          return 1;
        }
        if (json) {
          console.log(JSON.stringify({ ok: false, dir, error: error instanceof Error ? error.message : String(error), problems: [] }));
          return 1;
        }
        throw error;
      }
    }
    case 'personalize': {
      if (args[0] !== 'warm') throw new Error(`Unknown personalize command: ${args[0] ?? '(none)'}; try: personalize warm --yes`);
      const option = (name: string): string | undefined => {
        const i = args.indexOf(name);
        return i >= 0 ? args[i + 1] : undefined;
      };
      const profiles = Number(option('--profiles') ?? 3);
      if (!Number.isInteger(profiles) || profiles < 1 || profiles > 1000) throw new Error('--profiles takes a whole number from 1 to 1000');
      return withApp(config, async (app) => {
        const warmup = app.get(PersonalizeWarmupService);
        const plan = await warmup.plan({ lessonSlug: option('--lesson'), profiles });
        console.log(
          `Warm-up: ${plan.lessons} lesson(s) × ${plan.profiles.length} most common profile(s) (${plan.profiles.map((p) => `${p.learners} learner(s)`).join(', ') || 'no learners yet'})`,
        );
        console.log(`  ${plan.alreadyCached} already cached, ${plan.missing.length} to write with ${plan.model}`);
        console.log(
          `  estimate: ~${plan.estimatedPromptTokens.toLocaleString('en')} prompt + ~${plan.estimatedCompletionTokens.toLocaleString('en')} completion tokens ≈ $${plan.estimatedCostUsd.toFixed(4)}`,
        );
        if (plan.missing.length === 0) return 0;
        if (!args.includes('--yes')) {
          console.log('Run again with --yes to write them.');
          return 0;
        }
        const bar = progressBar();
        const { completed, failed } = await warmup.run(plan, (done, total) => bar(done, total, done === total ? 'writing' : 'waiting'));
        console.log(`Warm-up done: ${completed} written, ${failed} failed${failed ? ' (see /admin/queues)' : ''}.`);
        return failed ? 1 : 0;
      });
    }
    case 'search':
      return withApp(config, (app) => runSearchCommand(app, args));
    case 'tutor':
      return withApp(config, (app) => runTutorCommand(app, args));
    case 'migration:generate':
      if (!args[0]) throw new Error('migration:generate needs a name, e.g. migration:generate AddLessons');
      await withDataSource(config, (ds) => generate(ds, args[0]));
      return 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError ? `${error.message}\n` : `${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
