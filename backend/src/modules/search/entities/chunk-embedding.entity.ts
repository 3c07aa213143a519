import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The vector of a chunk's text for one embedding model. Keyed by the chunk's
 * hash, not its row: re-chunking a lesson keeps the vectors of passages that
 * did not change, and a new model writes rows of its own while the previous
 * model's keep serving. Read and written with raw SQL (search.sql.ts).
 *
 * The column is vector(1536) (fixed in the migration, with the HNSW index,
 * which TypeORM cannot describe); vectors of smaller models are zero-padded.
 */
@Entity({ name: 'chunk_embeddings' })
@Index('idx_chunk_embeddings_hnsw', { synchronize: false })
export class ChunkEmbeddingEntity {
  @PrimaryColumn({ name: 'chunk_hash', type: 'char', length: 64 })
  chunkHash!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  model!: string;

  /** The model's own vector size (before padding). */
  @PrimaryColumn({ type: 'integer' })
  dimensions!: number;

  @Column({ type: 'vector', length: 1536, select: false })
  embedding!: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
