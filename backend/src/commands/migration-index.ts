import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = `import type { MixedList } from 'typeorm';`;
const DOC = `/**
 * Every migration, in order. Landed migrations are never edited: a change to
 * the schema is a new file here (\`npm run cli -- migration:generate Name\`).
 * This file is generated from the folder's files by that command.
 */`;

/**
 * migrations/index.ts, written whole from the migration files in \`dir\`
 * (\`<timestamp>-<name>.ts\`, each exporting one MigrationInterface class), in
 * timestamp order. The bundled processes need the static imports.
 */
export function migrationIndexSource(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => /^\d{13}-[a-z0-9-]+\.ts$/.test(f))
    .sort();
  const entries = files.map((file) => {
    const match = /export class (\w+) implements MigrationInterface/.exec(readFileSync(join(dir, file), 'utf8'));
    if (!match) throw new Error(`migrations/${file} exports no MigrationInterface class`);
    return { className: match[1], module: `./${file.replace(/\.ts$/, '')}` };
  });
  return [
    HEADER,
    ...entries.map((e) => `import { ${e.className} } from '${e.module}';`),
    '',
    DOC,
    '// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type',
    'export const migrations: MixedList<Function> = [',
    ...entries.map((e) => `  ${e.className},`),
    '];',
    '',
  ].join('\n');
}
