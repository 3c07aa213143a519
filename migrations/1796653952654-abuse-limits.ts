import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AbuseLimits1796653952654 implements MigrationInterface {
  name = 'AbuseLimits1796653952654';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."uq_personalized_key"');
    await queryRunner.query(
      'CREATE TABLE "lesson_image_origins" ("lesson_slug" character varying(160) NOT NULL, "origin" character varying(300) NOT NULL, CONSTRAINT "PK_f478108c56fad5057b6749ac600" PRIMARY KEY ("lesson_slug", "origin"))',
    );
    await queryRunner.query(
      'CREATE TABLE "personalize_variants" ("user_id" uuid NOT NULL, "lesson_slug" character varying(160) NOT NULL, "variant" character varying(32) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4069374f5e948869029a969ea8d" PRIMARY KEY ("user_id", "lesson_slug"))',
    );
    await queryRunner.query('ALTER TABLE "personalized_lessons" ADD "variant" character varying(32) NOT NULL DEFAULT \'\'');
    await queryRunner.query('ALTER TABLE "lesson_progress" ADD "heartbeat_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_personalized_key_variant" ON "personalized_lessons"  ("lesson_slug", "content_hash", "preferences_hash", "prompt_version", "model", "variant") ',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_image_origins" ADD CONSTRAINT "FK_45152568029479c2134f2e66eed" FOREIGN KEY ("lesson_slug") REFERENCES "lessons"("slug") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "personalize_variants" ADD CONSTRAINT "FK_bc737e46621757a31ffaea54517" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "personalize_variants" DROP CONSTRAINT "FK_bc737e46621757a31ffaea54517"');
    await queryRunner.query('ALTER TABLE "lesson_image_origins" DROP CONSTRAINT "FK_45152568029479c2134f2e66eed"');
    await queryRunner.query('DROP INDEX "public"."uq_personalized_key_variant"');
    await queryRunner.query('ALTER TABLE "lesson_progress" DROP COLUMN "heartbeat_at"');
    await queryRunner.query('ALTER TABLE "personalized_lessons" DROP COLUMN "variant"');
    await queryRunner.query('DROP TABLE "personalize_variants"');
    await queryRunner.query('DROP TABLE "lesson_image_origins"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_personalized_key" ON "personalized_lessons" USING btree ("lesson_slug", "content_hash", "preferences_hash", "prompt_version", "model") ',
    );
  }
}
