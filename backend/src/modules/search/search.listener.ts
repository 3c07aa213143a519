import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LESSON_CHANGED, LESSON_REMOVED, type LessonChangedEvent, type LessonRemovedEvent } from '@lectern/content';
import { ChunkIndexService } from './indexing/chunk-index.service';
import { EmbeddingBackfillService } from './indexing/embedding-backfill.service';

/**
 * Keeps the index in step with content syncs, in whatever process ran the
 * sync (CLI, worker, api, tests): the lesson is re-chunked at once, so
 * full-text search sees the new text as soon as the sync returns, and the
 * chunks lacking a vector are queued for embedding when a provider is
 * configured. Failures are logged, never thrown into the sync: the index is
 * derived data (`npm run cli -- search reindex` rebuilds it).
 */
@Injectable()
export class SearchContentListener {
  private readonly logger = new Logger(SearchContentListener.name);

  constructor(
    private readonly chunks: ChunkIndexService,
    private readonly embeddings: EmbeddingBackfillService,
  ) {}

  @OnEvent(LESSON_CHANGED, { async: true, promisify: true })
  async lessonChanged(event: LessonChangedEvent): Promise<void> {
    try {
      const result = await this.chunks.indexLesson(event.slug);
      if (result.missingVectors > 0 && this.embeddings.embeddingsEnabled) await this.embeddings.enqueueLesson(event.slug, event.contentHash);
    } catch (error) {
      this.logger.warn(`Could not index ${event.slug} for search (run \`search reindex\` to catch up): ${String(error)}`);
    }
  }

  @OnEvent(LESSON_REMOVED, { async: true, promisify: true })
  async lessonRemoved(event: LessonRemovedEvent): Promise<void> {
    try {
      await this.chunks.removeLesson(event.slug);
    } catch (error) {
      this.logger.warn(`Could not drop ${event.slug} from the search index: ${String(error)}`);
    }
  }
}
