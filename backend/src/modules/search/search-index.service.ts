import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ContentService } from '@lectern/content';
import { AppConfig, LlmCallError, LlmService, NotFoundError, QueueService } from '@lectern/infra';
import { UnrecoverableError, type Job } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import { batchByTokens } from './batching';
import { chunkLesson, embeddingInput, type LessonChunk } from './chunker/chunker';
import { estimateTokens, truncateToTokens } from './chunker/tokens';
import { sameSpace, spaceTag, type EmbeddingSpace } from './embedding-space';
import { CHUNK_INSERT_SQL, vectorLiteral } from './search.sql';

/** The provider's limit for one input is 8,191 tokens; the estimate runs high, so this keeps a margin. */
const MAX_INPUT_TOKENS = 8_000;
/** Chunks read per round while embedding (the batches within a round follow the token budget). */
const EMBED_ROUND = 2_000;

export interface IndexLessonResult {
  slug: string;
  chunks: number;
  /** False when the stored chunks already matched (nothing written). */
  changed: boolean;
  /** Chunks of the lesson with no vector for the current model. */
  missingVectors: number;
}

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

interface StoredChunk {
  position: number;
  chunk_hash: string;
  lesson_title: string;
  layer: string;
  part_slug: string;
}

interface MissingChunk {
  chunk_hash: string;
  lesson_title: string;
  heading_path: string[];
  text: string;
}

/**
 * Keeps the search index in step with the book: re-chunks a lesson into
 * lesson_chunks (full-text works at once, no LLM needed) and embeds chunks
 * that lack a vector for the configured model, in batches within the
 * provider's limits. A chunk whose hash is unchanged keeps its vector.
 */
@Injectable()
export class SearchIndexService {
  private readonly logger = new Logger(SearchIndexService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly content: ContentService,
    private readonly llm: LlmService,
    private readonly queues: QueueService,
    private readonly config: AppConfig,
  ) {}

  /** The space new vectors are written in: the configured model at the configured size. */
  get currentSpace(): EmbeddingSpace {
    return { model: this.config.OPENAI_EMBEDDING_MODEL, dimensions: this.config.EMBEDDING_DIMENSIONS };
  }

  get embeddingsEnabled(): boolean {
    return this.llm.configured;
  }

  /**
   * Re-chunks one lesson from its current text and metadata. Writes nothing
   * when the stored chunks already match; otherwise replaces them in one
   * transaction and drops vectors no chunk uses any more. A lesson that no
   * longer exists loses its chunks.
   */
  async indexLesson(slug: string): Promise<IndexLessonResult> {
    let lesson;
    try {
      lesson = await this.content.lesson(slug);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      await this.removeLesson(slug);
      return { slug, chunks: 0, changed: true, missingVectors: 0 };
    }
    const { tree } = await this.content.snapshot();
    const partSlug = tree.parts.find((p) => p.number === lesson.partNumber)?.slug ?? '';
    const { markdown } = await this.content.lessonMarkdown(slug);
    const chunks = chunkLesson(markdown, lesson.title);

    const changed = await this.dataSource.transaction(async (manager) => {
      // One writer per lesson at a time (two processes may sync at once).
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lectern-search:${slug}`]);
      const stored: StoredChunk[] = await manager.query(
        'SELECT position, chunk_hash, lesson_title, layer, part_slug FROM lesson_chunks WHERE lesson_slug = $1 ORDER BY position',
        [slug],
      );
      // The chunk table's copy of the layer is NOT NULL: '' there for a book without layers.
      const layer = lesson.layer ?? '';
      const same =
        stored.length === chunks.length &&
        stored.every(
          (row, i) =>
            row.position === chunks[i].position &&
            row.chunk_hash === chunks[i].hash &&
            row.lesson_title === lesson.title &&
            row.layer === layer &&
            row.part_slug === partSlug,
        );
      if (same) return false;
      await manager.query('DELETE FROM lesson_chunks WHERE lesson_slug = $1', [slug]);
      if (chunks.length > 0) {
        await manager.query(CHUNK_INSERT_SQL, [JSON.stringify(chunks.map((c) => chunkRow(slug, lesson.title, layer, partSlug, c)))]);
      }
      const kept = new Set(chunks.map((c) => c.hash));
      await this.dropUnusedVectors(
        manager,
        [...new Set(stored.map((r) => r.chunk_hash))].filter((h) => !kept.has(h)),
      );
      return true;
    });
    const missingVectors = this.embeddingsEnabled ? await this.countMissing({ lessonSlug: slug }) : 0;
    return { slug, chunks: chunks.length, changed, missingVectors };
  }

  /** Drops a lesson's chunks (the foreign key already does when the lesson row goes) and the vectors nothing uses any more. */
  async removeLesson(slug: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // TypeORM answers a DELETE with [rows, affected].
      const [gone] = (await manager.query('DELETE FROM lesson_chunks WHERE lesson_slug = $1 RETURNING chunk_hash', [slug])) as [
        Array<{ chunk_hash: string }>,
        number,
      ];
      await this.dropUnusedVectors(
        manager,
        gone.map((r) => r.chunk_hash),
      );
    });
    await this.pruneOrphanVectors();
  }

  /** Re-chunks every lesson of the book (and drops chunks of lessons that are gone). */
  async reindexAll(
    onProgress: (done: number, total: number) => void = () => undefined,
  ): Promise<{ lessons: number; changed: number; chunks: number }> {
    const { order } = await this.content.snapshot();
    let changed = 0;
    let chunks = 0;
    for (const [i, lesson] of order.entries()) {
      const result = await this.indexLesson(lesson.slug);
      if (result.changed) changed += 1;
      chunks += result.chunks;
      onProgress(i + 1, order.length);
    }
    await this.dataSource.query('DELETE FROM lesson_chunks c WHERE NOT EXISTS (SELECT 1 FROM lessons l WHERE l.slug = c.lesson_slug)');
    await this.pruneOrphanVectors();
    return { lessons: order.length, changed, chunks };
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
        maxTokens: this.config.EMBEDDING_BATCH_TOKENS,
        maxInputs: this.config.EMBEDDING_BATCH_INPUTS,
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

  /**
   * Once the current space covers every chunk, vectors of other models are
   * dropped (they served searches during the switch); vectors of chunks that
   * are gone are dropped in any case.
   */
  async prune(): Promise<{ otherSpaces: number; orphans: number }> {
    const orphans = await this.pruneOrphanVectors();
    if ((await this.countMissing()) > 0) return { otherSpaces: 0, orphans };
    const { model, dimensions } = this.currentSpace;
    const [, dropped] = (await this.dataSource.query('DELETE FROM chunk_embeddings WHERE NOT (model = $1 AND dimensions = $2)', [
      model,
      dimensions,
    ])) as [unknown[], number];
    if (dropped > 0) this.logger.log(`Dropped ${dropped} vector(s) of previous embedding models`);
    return { otherSpaces: dropped, orphans };
  }

  /** Enqueues embedding of a lesson's new chunks; joins a job already waiting for the same text and model. */
  async enqueueLesson(lessonSlug: string, contentHash: string): Promise<Job> {
    const id = `embed-${lessonSlug}-${contentHash.slice(0, 12)}-${spaceTag(this.currentSpace)}`;
    return this.queues.enqueueUnique('index', 'embed-lesson', { lessonSlug, contentHash }, id);
  }

  /** Enqueues embedding of everything missing in the current space (one job per space, however many ask). */
  async enqueueAll(): Promise<Job> {
    return this.queues.enqueueUnique('index', 'reembed-all', {}, `reembed-all-${spaceTag(this.currentSpace)}`);
  }

  isCurrent(space: EmbeddingSpace): boolean {
    return sameSpace(space, this.currentSpace);
  }

  private async dropUnusedVectors(manager: EntityManager, hashes: string[]): Promise<void> {
    if (hashes.length === 0) return;
    await manager.query(
      `DELETE FROM chunk_embeddings e WHERE e.chunk_hash = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM lesson_chunks c WHERE c.chunk_hash = e.chunk_hash)`,
      [hashes],
    );
  }

  private async pruneOrphanVectors(): Promise<number> {
    const [, dropped] = (await this.dataSource.query(
      'DELETE FROM chunk_embeddings e WHERE NOT EXISTS (SELECT 1 FROM lesson_chunks c WHERE c.chunk_hash = e.chunk_hash)',
    )) as [unknown[], number];
    return dropped;
  }
}

function chunkRow(slug: string, title: string, layer: string, partSlug: string, chunk: LessonChunk): Record<string, unknown> {
  return {
    lesson_slug: slug,
    position: chunk.position,
    heading_path: chunk.headingPath,
    heading: chunk.heading,
    anchor: chunk.anchor,
    text: chunk.text,
    chunk_hash: chunk.hash,
    token_count: chunk.tokenCount,
    lesson_title: title,
    layer,
    part_slug: partSlug,
  };
}
