import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ContentService, type LessonText } from '@lectern/content';
import type { DataSource } from 'typeorm';
import { chunkLesson, type LessonChunk } from '../chunker/chunker';
import { CHUNK_INSERT_SQL } from '../search.sql';
import { EmbeddingBackfillService } from './embedding-backfill.service';
import { VectorPruningService } from './vector-pruning.service';

/** Lessons read from content per round of a full re-index (one look-up of the book each). */
export const REINDEX_BATCH = 16;

export interface IndexLessonResult {
  slug: string;
  chunks: number;
  /** False when the stored chunks already matched (nothing written). */
  changed: boolean;
  /** Chunks of the lesson with no vector for the current model. */
  missingVectors: number;
}

interface StoredChunk {
  position: number;
  chunk_hash: string;
  lesson_title: string;
  layer: string;
  part_slug: string;
}

/**
 * The chunk side of the search index: re-chunks lessons, read through the
 * content service, into lesson_chunks (full-text search works at once, no LLM
 * needed). A lesson's chunks are replaced only when they changed; vectors no
 * chunk uses any more go with them.
 */
@Injectable()
export class ChunkIndexService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly content: ContentService,
    private readonly embeddings: EmbeddingBackfillService,
    private readonly pruning: VectorPruningService,
  ) {}

  /**
   * Re-chunks one lesson from its current text and metadata. Writes nothing
   * when the stored chunks already match; otherwise replaces them in one
   * transaction. A lesson that no longer exists loses its chunks.
   */
  async indexLesson(slug: string): Promise<IndexLessonResult> {
    const [lesson] = await this.content.lessonTexts([slug]);
    if (!lesson) {
      await this.removeLesson(slug);
      return { slug, chunks: 0, changed: true, missingVectors: 0 };
    }
    const { chunks, changed } = await this.write(lesson);
    const missingVectors = this.embeddings.embeddingsEnabled ? await this.embeddings.countMissing({ lessonSlug: slug }) : 0;
    return { slug, chunks, changed, missingVectors };
  }

  /** Drops a lesson's chunks (the foreign key already does when the lesson row goes) and the vectors nothing uses any more. */
  async removeLesson(slug: string): Promise<void> {
    await this.drop([slug]);
    await this.pruning.pruneOrphans();
  }

  /**
   * Re-chunks every lesson of the book, reading the lessons from content a
   * batch at a time, and drops the chunks of lessons the book no longer has.
   */
  async reindexAll(
    onProgress: (done: number, total: number) => void = () => undefined,
  ): Promise<{ lessons: number; changed: number; chunks: number }> {
    const slugs = (await this.content.snapshot()).order.map((l) => l.slug);
    let done = 0;
    let changed = 0;
    let chunks = 0;
    for (let start = 0; start < slugs.length; start += REINDEX_BATCH) {
      const batch = slugs.slice(start, start + REINDEX_BATCH);
      const lessons = await this.content.lessonTexts(batch);
      const gone = batch.filter((slug) => !lessons.some((l) => l.slug === slug));
      if (gone.length > 0) await this.drop(gone);
      for (const lesson of lessons) {
        const result = await this.write(lesson);
        if (result.changed) changed += 1;
        chunks += result.chunks;
        onProgress(++done, slugs.length);
      }
      for (let i = 0; i < gone.length; i++) onProgress(++done, slugs.length);
    }
    await this.dropStrays(slugs);
    await this.pruning.pruneOrphans();
    return { lessons: slugs.length, changed, chunks };
  }

  /** Writes a lesson's chunks unless the stored ones already match. */
  private async write(lesson: LessonText): Promise<{ chunks: number; changed: boolean }> {
    const { slug, title, partSlug } = lesson;
    // The chunk table's copy of the layer is NOT NULL: '' there for a book without layers.
    const layer = lesson.layer ?? '';
    const chunks = chunkLesson(lesson.markdown, title);
    const changed = await this.dataSource.transaction(async (manager) => {
      // One writer per lesson at a time (two processes may sync at once).
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lectern-search:${slug}`]);
      const stored: StoredChunk[] = await manager.query(
        'SELECT position, chunk_hash, lesson_title, layer, part_slug FROM lesson_chunks WHERE lesson_slug = $1 ORDER BY position',
        [slug],
      );
      const same =
        stored.length === chunks.length &&
        stored.every(
          (row, i) =>
            row.position === chunks[i].position &&
            row.chunk_hash === chunks[i].hash &&
            row.lesson_title === title &&
            row.layer === layer &&
            row.part_slug === partSlug,
        );
      if (same) return false;
      await manager.query('DELETE FROM lesson_chunks WHERE lesson_slug = $1', [slug]);
      if (chunks.length > 0) {
        await manager.query(CHUNK_INSERT_SQL, [JSON.stringify(chunks.map((c) => chunkRow(lesson, c)))]);
      }
      const kept = new Set(chunks.map((c) => c.hash));
      await this.pruning.dropUnused(
        manager,
        [...new Set(stored.map((r) => r.chunk_hash))].filter((h) => !kept.has(h)),
      );
      return true;
    });
    return { chunks: chunks.length, changed };
  }

  /** Deletes the chunks of these lessons, and the vectors no chunk uses any more, in one transaction. */
  private async drop(slugs: readonly string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // TypeORM answers a DELETE with [rows, affected].
      const [gone] = (await manager.query('DELETE FROM lesson_chunks WHERE lesson_slug = ANY($1::text[]) RETURNING chunk_hash', [
        slugs,
      ])) as [Array<{ chunk_hash: string }>, number];
      await this.pruning.dropUnused(manager, [...new Set(gone.map((r) => r.chunk_hash))]);
    });
  }

  /**
   * Chunks of lessons outside the book (`bookSlugs`, read at the start of a
   * re-index). Content is asked again before they go: a sync that committed
   * meanwhile may have added them (its own events index them).
   */
  private async dropStrays(bookSlugs: readonly string[]): Promise<void> {
    const rows: Array<{ lesson_slug: string }> = await this.dataSource.query(
      'SELECT DISTINCT lesson_slug FROM lesson_chunks WHERE NOT (lesson_slug = ANY($1::text[]))',
      [bookSlugs],
    );
    if (rows.length === 0) return;
    const strays = rows.map((r) => r.lesson_slug);
    const added = await this.content.lessonsBySlug(strays);
    const gone = strays.filter((slug) => !added.has(slug));
    if (gone.length > 0) await this.drop(gone);
  }
}

function chunkRow(lesson: LessonText, chunk: LessonChunk): Record<string, unknown> {
  return {
    lesson_slug: lesson.slug,
    position: chunk.position,
    heading_path: chunk.headingPath,
    heading: chunk.heading,
    anchor: chunk.anchor,
    text: chunk.text,
    chunk_hash: chunk.hash,
    token_count: chunk.tokenCount,
    lesson_title: lesson.title,
    layer: lesson.layer ?? '',
    part_slug: lesson.partSlug,
  };
}
