import type { INestApplicationContext } from '@nestjs/common';
import { type CliContext } from '@lectern/infra';
import { Command } from 'commander';
import { describeSpace } from '../embedding-space';
import { ChunkIndexService } from '../indexing/chunk-index.service';
import { EmbeddingBackfillService } from '../indexing/embedding-backfill.service';
import { VectorPruningService } from '../indexing/vector-pruning.service';

/** `search reindex [--inline]`: re-chunks every lesson, then embeds what lacks a vector (in the worker, or here). */
export function searchReindexCommand(cli: CliContext): Command {
  return new Command('reindex')
    .description(
      're-chunk every lesson for search, then embed chunks lacking a vector for OPENAI_EMBEDDING_MODEL: queued for the worker, or here and now with --inline',
    )
    .option('--inline', 'embed here and now instead of in the worker')
    .action((options: { inline?: boolean }) => cli.withApp((app) => reindex(app, options.inline === true)));
}

async function reindex(app: INestApplicationContext, inline: boolean): Promise<void> {
  const index = app.get(EmbeddingBackfillService);
  const pruning = app.get(VectorPruningService);
  const chunked = await app.get(ChunkIndexService).reindexAll();
  console.log(`Re-chunked ${chunked.lessons} lesson(s): ${chunked.changed} changed, ${chunked.chunks} chunk(s) in all.`);
  if (!index.embeddingsEnabled) {
    console.log('No embedding provider is configured (OPENAI_API_KEY or OPENAI_BASE_URL): search is full-text only.');
    return;
  }
  const space = describeSpace(index.currentSpace);
  const missing = await index.countMissing();
  if (missing === 0) {
    const pruned = await pruning.prune();
    console.log(
      `Every chunk has a ${space} vector${pruned.otherSpaces ? `; dropped ${pruned.otherSpaces} vector(s) of other models` : ''}.`,
    );
    return;
  }
  if (!inline) {
    const job = await index.enqueueAll();
    console.log(`${missing} chunk(s) lack a ${space} vector: queued job ${String(job.id)} (a worker embeds them; npm start runs one).`);
    return;
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
}
