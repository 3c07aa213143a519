import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search: lesson_chunks (full-text, GIN on a tsvector the inserting SQL
 * computes) and chunk_embeddings (pgvector, HNSW with cosine distance), keyed
 * by chunk hash and model so unchanged chunks keep their vectors. Generated
 * from the entities, then hand-edited: the extension first, and the HNSW index
 * (TypeORM cannot describe it; the entity declares it `synchronize: false`).
 * The vector column is fixed at 1536 dimensions; smaller models are zero-padded.
 */
export class SearchIndex1795504696597 implements MigrationInterface {
  name = 'SearchIndex1795504696597';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS vector');
    await queryRunner.query(
      'CREATE TABLE "chunk_embeddings" ("chunk_hash" character(64) NOT NULL, "model" character varying(200) NOT NULL, "dimensions" integer NOT NULL, "embedding" vector(1536) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c6ea9dab9ac30f854b582f7a988" PRIMARY KEY ("chunk_hash", "model", "dimensions"))',
    );
    await queryRunner.query('CREATE INDEX "idx_chunk_embeddings_hnsw" ON "chunk_embeddings" USING hnsw ("embedding" vector_cosine_ops)');
    await queryRunner.query(
      'CREATE TABLE "lesson_chunks" ("id" BIGSERIAL NOT NULL, "lesson_slug" character varying(160) NOT NULL, "position" integer NOT NULL, "heading_path" text array NOT NULL, "heading" text NOT NULL, "anchor" text NOT NULL, "text" text NOT NULL, "chunk_hash" character(64) NOT NULL, "token_count" integer NOT NULL, "lesson_title" character varying(300) NOT NULL, "layer" character varying(8) NOT NULL, "part_slug" character varying(120) NOT NULL, "tsv" tsvector NOT NULL, CONSTRAINT "PK_eb3b7b0d2d81b315954a75df2d7" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_lesson_chunks_tsv" ON "lesson_chunks" USING gin ("tsv") ');
    await queryRunner.query('CREATE INDEX "idx_lesson_chunks_hash" ON "lesson_chunks"  ("chunk_hash") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_lesson_chunks_position" ON "lesson_chunks"  ("lesson_slug", "position") ');
    await queryRunner.query(
      'ALTER TABLE "lesson_chunks" ADD CONSTRAINT "FK_c120fb6b6efc59ee20e4454c747" FOREIGN KEY ("lesson_slug") REFERENCES "lessons"("slug") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "lesson_chunks" DROP CONSTRAINT "FK_c120fb6b6efc59ee20e4454c747"');
    await queryRunner.query('DROP INDEX "public"."uq_lesson_chunks_position"');
    await queryRunner.query('DROP INDEX "public"."idx_lesson_chunks_hash"');
    await queryRunner.query('DROP INDEX "public"."idx_lesson_chunks_tsv"');
    await queryRunner.query('DROP TABLE "lesson_chunks"');
    await queryRunner.query('DROP INDEX "public"."idx_chunk_embeddings_hnsw"');
    await queryRunner.query('DROP TABLE "chunk_embeddings"');
    // The vector extension stays: dropping it is a database administrator's decision.
  }
}
