import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Real books (issue 10): a part or chapter's own overview page, parts that are
 * not in the source (`implicit`), nested groups deeper than a chapter (each
 * lesson's group labels, outermost first), the book's glossary, and the
 * book's images and files, content-addressed by SHA-256.
 */
export class BookStructureAssets1795506000000 implements MigrationInterface {
  name = 'BookStructureAssets1795506000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "books" ADD "glossary" jsonb NOT NULL DEFAULT \'[]\'');
    await queryRunner.query('ALTER TABLE "parts" ADD "implicit" boolean NOT NULL DEFAULT false');
    await queryRunner.query('ALTER TABLE "parts" ADD "overview" character varying(160)');
    await queryRunner.query('ALTER TABLE "chapters" ADD "overview" character varying(160)');
    await queryRunner.query('ALTER TABLE "lessons" ADD "groups" jsonb NOT NULL DEFAULT \'[]\'');
    await queryRunner.query(
      'CREATE TABLE "content_assets" ("sha256" character(64) NOT NULL, "ext" character varying(16) NOT NULL, "content_type" character varying(100) NOT NULL, "size" integer NOT NULL, "data" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_content_assets_sha256" PRIMARY KEY ("sha256"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "content_assets"');
    await queryRunner.query('ALTER TABLE "lessons" DROP COLUMN "groups"');
    await queryRunner.query('ALTER TABLE "chapters" DROP COLUMN "overview"');
    await queryRunner.query('ALTER TABLE "parts" DROP COLUMN "overview"');
    await queryRunner.query('ALTER TABLE "parts" DROP COLUMN "implicit"');
    await queryRunner.query('ALTER TABLE "books" DROP COLUMN "glossary"');
  }
}
