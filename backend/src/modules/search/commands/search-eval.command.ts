import type { INestApplicationContext } from '@nestjs/common';
import type { SearchMode } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import { type CliContext } from '@lectern/infra';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkEvalFile, mean, rankedLessons, recallAt, reciprocalRank, type EvalFile, type EvalQuery } from '../eval/metrics';
import { SearchService } from '../search.service';

const DEFAULT_EVAL_FILE = 'backend/src/modules/search/eval/queries.json';

/** `search eval [--json] [--file <queries.json>]`: recall@5 and MRR of full-text and hybrid search (needs the book synced). */
export function searchEvalCommand(cli: CliContext): Command {
  return new Command('eval')
    .description('recall@5 and MRR of full-text and hybrid search over the evaluation queries (needs the book synced)')
    .option('--json', 'print the report as JSON')
    .option('--file <queries.json>', 'the evaluation queries', DEFAULT_EVAL_FILE)
    .action((options: { json?: boolean; file: string }) =>
      cli.withApp((app) => evaluate(app, resolve(options.file), options.json === true)),
    );
}

interface ModeReport {
  mode: SearchMode;
  queries: number;
  recallAt5: number;
  mrr: number;
  /** How the queries were actually answered (hybrid falls back to full-text without vectors). */
  answeredAs: Record<SearchMode, number>;
  byKind: Record<EvalQuery['kind'], { queries: number; recallAt5: number; mrr: number }>;
  misses: string[];
}

async function evaluate(app: INestApplicationContext, file: string, json: boolean): Promise<void> {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const problems = checkEvalFile(parsed);
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  const { queries } = parsed as EvalFile;
  const { lessons } = await app.get(ContentService).snapshot();
  const unknown = [...new Set(queries.flatMap((q) => q.expect))].filter((slug) => !lessons.has(slug));
  if (unknown.length > 0) throw new Error(`${file} expects lessons the book does not have: ${unknown.join(', ')}`);

  const search = app.get(SearchService);
  const reports: ModeReport[] = [];
  for (const mode of ['fulltext', 'hybrid'] as const) {
    const rows: Array<{ q: EvalQuery; recall: number; rr: number; answered: SearchMode }> = [];
    for (const q of queries) {
      const response = await search.search({ query: q.query, limit: 20 }, { mode });
      const ranked = rankedLessons(response.results);
      rows.push({ q, recall: recallAt(5, ranked, q.expect), rr: reciprocalRank(ranked, q.expect), answered: response.mode });
    }
    const kinds = (kind: EvalQuery['kind']) => {
      const of = rows.filter((r) => r.q.kind === kind);
      return { queries: of.length, recallAt5: mean(of.map((r) => r.recall)), mrr: mean(of.map((r) => r.rr)) };
    };
    reports.push({
      mode,
      queries: rows.length,
      recallAt5: mean(rows.map((r) => r.recall)),
      mrr: mean(rows.map((r) => r.rr)),
      answeredAs: {
        hybrid: rows.filter((r) => r.answered === 'hybrid').length,
        fulltext: rows.filter((r) => r.answered === 'fulltext').length,
      },
      byKind: { keyword: kinds('keyword'), paraphrase: kinds('paraphrase') },
      misses: rows.filter((r) => r.recall < 1).map((r) => r.q.query),
    });
  }
  if (json) {
    console.log(JSON.stringify({ file, queries: queries.length, reports }));
    return;
  }
  const pct = (n: number) => n.toFixed(3);
  console.log(`Search evaluation: ${queries.length} queries from ${file}`);
  console.log('  mode       recall@5   MRR     keyword r@5/MRR   paraphrase r@5/MRR   answered as');
  for (const r of reports) {
    console.log(
      `  ${r.mode.padEnd(9)}  ${pct(r.recallAt5).padEnd(9)}  ${pct(r.mrr).padEnd(6)}  ${`${pct(r.byKind.keyword.recallAt5)} / ${pct(r.byKind.keyword.mrr)}`.padEnd(16)}  ${`${pct(r.byKind.paraphrase.recallAt5)} / ${pct(r.byKind.paraphrase.mrr)}`.padEnd(19)}  ${r.answeredAs.hybrid} hybrid, ${r.answeredAs.fulltext} full-text`,
    );
  }
  const hybrid = reports.find((r) => r.mode === 'hybrid');
  if (hybrid && hybrid.answeredAs.hybrid === 0) {
    console.log('  (no query could use vectors: configure an embedding provider and run `search reindex --inline` first)');
  }
}
