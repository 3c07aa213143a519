import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A book's images and files move to the content store (under their SHA-256,
 * beside the lesson text); `content_assets` keeps only what serving needs
 * (extension, content type, size). The bytes are not copied here (a migration
 * has no content store): the next `content sync`, which `npm start` and
 * `backend:serve` run at start-up, stores every asset of the book again.
 *
 * "No layer" becomes NULL instead of '' (a book without layer metadata).
 */
export class AssetsInContentStoreNullableLayers1796665837654 implements MigrationInterface {
  name = 'AssetsInContentStoreNullableLayers1796665837654';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "content_assets" DROP COLUMN "data"');
    await queryRunner.query('ALTER TABLE "parts" ALTER COLUMN "layer" DROP NOT NULL');
    await queryRunner.query('ALTER TABLE "lessons" ALTER COLUMN "layer" DROP NOT NULL');
    await queryRunner.query('UPDATE "parts" SET "layer" = NULL WHERE "layer" = \'\'');
    await queryRunner.query('UPDATE "lessons" SET "layer" = NULL WHERE "layer" = \'\'');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE "lessons" SET "layer" = \'\' WHERE "layer" IS NULL');
    await queryRunner.query('UPDATE "parts" SET "layer" = \'\' WHERE "layer" IS NULL');
    await queryRunner.query('ALTER TABLE "lessons" ALTER COLUMN "layer" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "parts" ALTER COLUMN "layer" SET NOT NULL');
    // The bytes stay in the content store; rows without them are emptied (the next sync of an older version stores them again).
    await queryRunner.query('DELETE FROM "content_assets"');
    await queryRunner.query('ALTER TABLE "content_assets" ADD "data" bytea NOT NULL');
  }
}
