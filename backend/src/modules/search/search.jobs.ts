import { DEFAULT_RETENTION, defineQueue, type AnyJobPayload } from '@lectern/infra';

/** Embeds the search chunks of one lesson that have no vector for the current embedding model. */
export interface EmbedLessonPayload {
  lessonSlug: string;
  /** The lesson text the chunks were cut from (part of the job id). */
  contentHash: string;
}

/** The `index` queue: embeddings of the book's sections. */
export const INDEX_QUEUE = defineQueue<{
  'embed-lesson': EmbedLessonPayload;
  /** Embeds every chunk lacking a vector for the current model (after a model change or `search reindex`), then prunes vectors nothing uses. */
  'reembed-all': Record<string, never>;
}>('index', {
  attempts: 5,
  backoffMs: 5_000,
  // A re-embedding of the whole book runs for minutes; the lock is renewed while the worker lives.
  lockDurationMs: 60_000,
  concurrency: 2,
  maxStalledCount: 2,
  callsLlm: true,
  ...DEFAULT_RETENTION,
});

export type IndexJobPayload = AnyJobPayload<typeof INDEX_QUEUE>;
