import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, LlmCallError, LlmService, QueueService } from '@lectern/infra';
import { UnrecoverableError, type Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { batchByTokens } from '../batching';
import { embeddingInput } from '../chunker/chunker';
import { estimateTokens, truncateToTokens } from '../chunker/tokens';
import { sameSpace, spaceTag, type EmbeddingSpace } from '../embedding-space';
import { vectorLiteral } from '../search.sql';
import { INDEX_QUEUE } from '../search.jobs';
import { SearchConfig } from '../search.config';

/** The provider's limit for one input is 8,191 tokens; the estimate runs high, so this keeps a margin. */
const MAX_INPUT_TOKENS = 8_000;
/** Chunks read per round while embedding (the batches within a round follow the token budget). */
const EMBED_ROUND = 2_000;

export interface EmbedProgress {
  embedded: number;
  requests: number;
  /** Chunks still lacking a vector when the round started. */
  remaining: number;
}

/** How many chunks each embedding space covers. */
export interface Coverage {
  chunks: number;
  spaces: Array<EmbeddingSpace & { covered: number }>;
}

interface MissingChunk {
  chunk_hash: string;
  lesson_title: string;
  heading_path: string[];
  text: string;
}

/**
 * The embedding backfill: which chunks lack a vector in the configured
 * embedding space, embedding them in batches within the provider's limits
 * (chunk_embeddings, keyed by chunk hash, so an unchanged passage keeps its
 * vector), the `index` queue's jobs that do it in the worker, and how much of
 * the index each space covers.
 */
@Injectable()
export class EmbeddingBackfillService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly llm: LlmService,
    private readonly queues: QueueService,
    private readonly config: AppConfig,
    private readonly settings: SearchConfig,
  ) {}

  /** The space new vectors are written in: the configured model at the configured size. */
  get currentSpace(): EmbeddingSpace {
    return { model: this.config.OPENAI_EMBEDDING_MODEL, dimensions: this.config.EMBEDDING_DIMENSIONS };
  }

  get embeddingsEnabled(): boolean {
    return this.llm.configured;
  }

  isCurrent(space: EmbeddingSpace): boolean {
    return sameSpace(space, this.currentSpace);
  }

  /** Chunks (of one lesson, or of the book) with no vector in the current space. */
  async countMissing(filter: { lessonSlug?: string } = {}): Promise<number> {
    const { model, dimensions } = this.currentSpace;
    const [{ n }] = await this.dataSource.query(
      `SELECT count(DISTINCT c.chunk_hash)::int AS n FROM lesson_chunks c
       WHERE ($3::varchar IS NULL OR c.lesson_slug = $3)
         AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_hash = c.chunk_hash AND e.model = $1 AND e.dimensions = $2)`,
      [model, dimensions, filter.lessonSlug ?? null],
    );
    return n as number;
  }

  /**
   * Embeds the chunks (of one lesson, or of the book) lacking a vector in the
   * current space: batched by EMBEDDING_BATCH_TOKENS / EMBEDDING_BATCH_INPUTS,
   * each batch upserted as soon as it is back, so a retry resumes where a
   * failure stopped. Provider errors that retrying cannot fix are unrecoverable.
   */
  async embedMissing(
    options: { lessonSlug?: string; jobId?: string; onProgress?: (progress: EmbedProgress) => void | Promise<void> } = {},
  ): Promise<EmbedProgress> {
    const space = this.currentSpace;
    const progress: EmbedProgress = { embedded: 0, requests: 0, remaining: 0 };
    for (;;) {
      const missing: MissingChunk[] = await this.dataSource.query(
        `SELECT DISTINCT ON (c.chunk_hash) c.chunk_hash, c.lesson_title, c.heading_path, c."text"
         FROM lesson_chunks c
         WHERE ($3::varchar IS NULL OR c.lesson_slug = $3)
           AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_hash = c.chunk_hash AND e.model = $1 AND e.dimensions = $2)
         ORDER BY c.chunk_hash
         LIMIT ${EMBED_ROUND}`,
        [space.model, space.dimensions, options.lessonSlug ?? null],
      );
      if (missing.length === 0) return { ...progress, remaining: 0 };
      progress.remaining = missing.length < EMBED_ROUND ? missing.length : await this.countMissing(options);
      const inputs = missing.map((m) => ({
        hash: m.chunk_hash,
        input: truncateToTokens(embeddingInput(m.lesson_title, m.heading_path, m.text), MAX_INPUT_TOKENS),
      }));
      const batches = batchByTokens(inputs, (i) => estimateTokens(i.input), {
        maxTokens: this.settings.EMBEDDING_BATCH_TOKENS,
        maxInputs: this.settings.EMBEDDING_BATCH_INPUTS,
      });
      for (const batch of batches) {
        let vectors: number[][];
        try {
          ({ vectors } = await this.llm.embed(
            batch.map((b) => b.input),
            { purpose: 'search-index', jobId: options.jobId, model: space.model, dimensions: space.dimensions },
          ));
        } catch (error) {
          if (error instanceof LlmCallError && !error.retryable) throw new UnrecoverableError(error.message);
          throw error;
        }
        await this.dataSource.query(
          `INSERT INTO chunk_embeddings (chunk_hash, model, dimensions, embedding)
           SELECT x.hash, $3, $4, x.vector::vector FROM unnest($1::text[], $2::text[]) AS x(hash, vector)
           ON CONFLICT DO NOTHING`,
          [batch.map((b) => b.hash), vectors.map((v) => vectorLiteral(v)), space.model, space.dimensions],
        );
        progress.embedded += batch.length;
        progress.requests += 1;
        await options.onProgress?.({ ...progress, remaining: Math.max(0, progress.remaining - progress.embedded) });
      }
    }
  }

  /** How many of the current chunks each embedding space has vectors for. */
  async coverage(): Promise<Coverage> {
    const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM lesson_chunks');
    const rows: Array<{ model: string; dimensions: number; covered: number }> = await this.dataSource.query(
      `SELECT e.model, e.dimensions, count(*)::int AS covered
       FROM lesson_chunks c JOIN chunk_embeddings e ON e.chunk_hash = c.chunk_hash
       GROUP BY e.model, e.dimensions ORDER BY covered DESC`,
    );
    return { chunks: n as number, spaces: rows };
  }

  /** Enqueues embedding of a lesson's new chunks; joins a job already waiting for the same text and model. */
  async enqueueLesson(lessonSlug: string, contentHash: string): Promise<Job> {
    const id = `embed-${lessonSlug}-${contentHash.slice(0, 12)}-${spaceTag(this.currentSpace)}`;
    return this.queues.enqueueUnique(INDEX_QUEUE, 'embed-lesson', { lessonSlug, contentHash }, id);
  }

  /** Enqueues embedding of everything missing in the current space (one job per space, however many ask). */
  async enqueueAll(): Promise<Job> {
    return this.queues.enqueueUnique(INDEX_QUEUE, 'reembed-all', {}, `reembed-all-${spaceTag(this.currentSpace)}`);
  }
}
