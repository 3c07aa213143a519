import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { EmbeddingBackfillService } from './embedding-backfill.service';

/**
 * Pruning of chunk_embeddings: vectors no chunk uses any more (a passage
 * edited or removed), and, once the current embedding space covers every
 * chunk, the vectors of previous models (they served searches during the
 * switch).
 */
@Injectable()
export class VectorPruningService {
  private readonly logger = new Logger(VectorPruningService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly embeddings: EmbeddingBackfillService,
  ) {}

  /** Drops other spaces' vectors once the current space covers every chunk, and orphaned vectors in any case. */
  async prune(): Promise<{ otherSpaces: number; orphans: number }> {
    const orphans = await this.pruneOrphans();
    if ((await this.embeddings.countMissing()) > 0) return { otherSpaces: 0, orphans };
    const { model, dimensions } = this.embeddings.currentSpace;
    const [, dropped] = (await this.dataSource.query('DELETE FROM chunk_embeddings WHERE NOT (model = $1 AND dimensions = $2)', [
      model,
      dimensions,
    ])) as [unknown[], number];
    if (dropped > 0) this.logger.log(`Dropped ${dropped} vector(s) of previous embedding models`);
    return { otherSpaces: dropped, orphans };
  }

  /** Vectors of any space whose chunk is gone; returns how many were dropped. */
  async pruneOrphans(): Promise<number> {
    const [, dropped] = (await this.dataSource.query(
      'DELETE FROM chunk_embeddings e WHERE NOT EXISTS (SELECT 1 FROM lesson_chunks c WHERE c.chunk_hash = e.chunk_hash)',
    )) as [unknown[], number];
    return dropped;
  }

  /** Within the caller's transaction: drops the vectors of these hashes that no chunk uses any more. */
  async dropUnused(manager: EntityManager, hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    await manager.query(
      `DELETE FROM chunk_embeddings e WHERE e.chunk_hash = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM lesson_chunks c WHERE c.chunk_hash = e.chunk_hash)`,
      [hashes],
    );
  }
}
