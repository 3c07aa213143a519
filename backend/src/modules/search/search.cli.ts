import type { INestApplicationContext } from '@nestjs/common';
import type { SearchMode } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeSpace } from './embedding-space';
import { checkEvalFile, mean, rankedLessons, recallAt, reciprocalRank, type EvalFile, type EvalQuery } from './eval/metrics';
import { ChunkIndexService } from './indexing/chunk-index.service';
import { EmbeddingBackfillService } from './indexing/embedding-backfill.service';
import { VectorPruningService } from './indexing/vector-pruning.service';
import { SearchService } from './search.service';

export const SEARCH_USAGE = `  search reindex [--inline]    re-chunk every lesson for search, then embed chunks lacking a vector for
                               OPENAI_EMBEDDING_MODEL: queued for the worker, or here and now with --inline
  search eval [--json] [--file <queries.json>]
                               recall@5 and MRR of full-text and hybrid search over the evaluation queries
                               (default backend/src/modules/search/eval/queries.json; needs the book synced)
`;

const DEFAULT_EVAL_FILE = 'backend/src/modules/search/eval/queries.json';

/** `search …` commands of the CLI (backend/src/cli.ts). Returns the exit code. */
export async function runSearchCommand(app: INestApplicationContext, args: string[]): Promise<number> {
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  switch (args[0]) {
    case 'reindex':
      return reindex(app, args.includes('--inline'));
    case 'eval':
      return evaluate(app, resolve(option('--file') ?? DEFAULT_EVAL_FILE), args.includes('--json'));
    default:
      throw new Error(`Unknown search command: ${args[0] ?? '(none)'}; try: search reindex, search eval`);
  }
}

async function reindex(app: INestApplicationContext, inline: boolean): Promise<number> {
  const index = app.get(EmbeddingBackfillService);
  const pruning = app.get(VectorPruningService);
  const chunked = await app.get(ChunkIndexService).reindexAll();
  console.log(`Re-chunked ${chunked.lessons} lesson(s): ${chunked.changed} changed, ${chunked.chunks} chunk(s) in all.`);
  if (!index.embeddingsEnabled) {
    console.log('No embedding provider is configured (OPENAI_API_KEY or OPENAI_BASE_URL): search is full-text only.');
    return 0;
  }
  const space = describeSpace(index.currentSpace);
  const missing = await index.countMissing();
  if (missing === 0) {
    const pruned = await pruning.prune();
    console.log(
      `Every chunk has a ${space} vector${pruned.otherSpaces ? `; dropped ${pruned.otherSpaces} vector(s) of other models` : ''}.`,
    );
    return 0;
  }
  if (!inline) {
    const job = await index.enqueueAll();
    console.log(`${missing} chunk(s) lack a ${space} vector: queued job ${String(job.id)} (a worker embeds them; npm start runs one).`);
    return 0;
  }
  const tty = process.stderr.isTTY;
  const done = await index.embedMissing({
    onProgress: (p) => {
      if (tty) process.stderr.write(`\r  embedding: ${p.embedded} done, ${p.remaining} left, ${p.requests} request(s)   `);
    },
  });
  if (tty) process.stderr.write('\n');
  const pruned = await pruning.prune();
  console.log(
    `Embedded ${done.embedded} chunk(s) with ${space} in ${done.requests} request(s); pruned ${pruned.orphans + pruned.otherSpaces} unused vector(s).`,
  );
  return 0;
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

async function evaluate(app: INestApplicationContext, file: string, json: boolean): Promise<number> {
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
    return 0;
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
  return 0;
}
