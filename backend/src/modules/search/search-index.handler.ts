import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { JobHandler } from '@lectern/infra';
import { UnrecoverableError, type Job } from 'bullmq';
import { describeSpace } from './embedding-space';
import type { EmbedLessonPayload, IndexJobPayload } from './search.jobs';
import { EmbeddingBackfillService, type EmbedProgress } from './indexing/embedding-backfill.service';
import { VectorPruningService } from './indexing/vector-pruning.service';

/**
 * The `index` queue's jobs, in the worker: embeds chunks lacking a vector for
 * the configured model (one lesson, or all of them), batched within the
 * provider's limits; upserts, so a retried or repeated job only does what is
 * left. At start-up a worker queues `reembed-all` when the configured model
 * does not cover every chunk (a new model, or embeddings never made):
 * changing the model re-embeds in the background while searches keep using
 * the previous model's vectors.
 */
@Injectable()
export class SearchIndexHandler implements JobHandler<IndexJobPayload>, OnApplicationBootstrap {
  private readonly logger = new Logger(SearchIndexHandler.name);

  constructor(
    private readonly embeddings: EmbeddingBackfillService,
    private readonly pruning: VectorPruningService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.embeddings.embeddingsEnabled) return;
    try {
      const missing = await this.embeddings.countMissing();
      if (missing === 0) return;
      await this.embeddings.enqueueAll();
      this.logger.log(
        `${missing} search chunk(s) have no ${describeSpace(this.embeddings.currentSpace)} vector: re-embedding in the background`,
      );
    } catch (error) {
      this.logger.warn(`Could not check the search embeddings: ${String(error)}`);
    }
  }

  async handle(job: Job): Promise<unknown> {
    if (!this.embeddings.embeddingsEnabled) {
      throw new UnrecoverableError('No embedding provider is configured (OPENAI_API_KEY or OPENAI_BASE_URL): search stays full-text');
    }
    const report = (p: EmbedProgress) =>
      job.updateProgress(Math.min(99, Math.round((p.embedded / Math.max(1, p.embedded + p.remaining)) * 100)));
    switch (job.name) {
      case 'embed-lesson': {
        const { lessonSlug } = job.data as EmbedLessonPayload;
        return this.embeddings.embedMissing({ lessonSlug, jobId: String(job.id), onProgress: report });
      }
      case 'reembed-all': {
        const done = await this.embeddings.embedMissing({ jobId: String(job.id), onProgress: report });
        const pruned = await this.pruning.prune();
        this.logger.log(`Embedded ${done.embedded} chunk(s) in ${done.requests} request(s) with ${describeSpace(this.embeddings.currentSpace)}`);
        return { ...done, pruned };
      }
      default:
        throw new UnrecoverableError(`The index queue has no job named ${job.name}`);
    }
  }
}
