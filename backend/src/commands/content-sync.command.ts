import { BookSourceError, ContentConfig, ContentSyncService, type SyncSummary } from '@lectern/content';
import { configSlice, exitWith, progressBar } from '@lectern/infra';
import { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliApp } from './cli-app';

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

/** `content sync [dir] [--json]`: imports a book folder here and now (the admin endpoint does the same as a job). */
export function contentSyncCommand(cli: CliApp): Command {
  return new Command('sync')
    .description("import a book folder: Lectern's book.yaml format or a Docusaurus docs tree")
    .argument('[dir]', 'the book folder (default: CONTENT_SOURCE_DIR, i.e. ./content)')
    .option('--json', 'print the summary (or the failure) as JSON')
    .action(async (dirArg: string | undefined, options: { json?: boolean }) => {
      const json = options.json === true;
      const dir = resolve(dirArg ?? configSlice(cli.config, ContentConfig).CONTENT_SOURCE_DIR);
      try {
        const summary = await cli.withApp((app) => app.get(ContentSyncService).sync(dir, json ? undefined : progressBar()));
        if (json) console.log(JSON.stringify({ ok: true, ...summary }));
        else printSummary(summary);
      } catch (error) {
        if (error instanceof BookSourceError) {
          if (json) console.log(JSON.stringify({ ok: false, dir, error: error.message, problems: error.problems }));
          else {
            console.error(`Cannot import ${dir}: ${error.message}`);
            for (const p of error.problems) console.error(`  ${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`);
          }
          return exitWith(1);
        }
        if (!json) throw error;
        console.log(JSON.stringify({ ok: false, dir, error: error instanceof Error ? error.message : String(error), problems: [] }));
        exitWith(1);
      }
    });
}
