import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * The SQL statements run through TypeORM while `run` runs whose text matches
 * `pattern` (other traffic on the pool is left out by the pattern): a test
 * asserts how many queries a batch look-up costs. Restores the query runner
 * afterwards, whatever `run` does.
 */
export async function queriesDuring(pattern: RegExp, run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = function (this: PostgresQueryRunner, ...args: Parameters<PostgresQueryRunner['query']>) {
    if (pattern.test(args[0])) seen.push(args[0]);
    return original.apply(this, args);
  } as PostgresQueryRunner['query'];
  try {
    await run();
  } finally {
    PostgresQueryRunner.prototype.query = original;
  }
  return seen;
}

/** Matches the statements that read or write the content domain's tables. */
export const CONTENT_TABLES = /"(books|parts|chapters|lessons)"|\b(FROM|JOIN|INTO|UPDATE)\s+"?(books|parts|chapters|lessons)\b/;
