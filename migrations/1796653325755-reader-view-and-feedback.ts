import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReaderViewAndFeedback1796653325755 implements MigrationInterface {
  name = 'ReaderViewAndFeedback1796653325755';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "personalize_feedback" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "lesson_slug" character varying(160) NOT NULL, "content_hash" character(64) NOT NULL, "preferences_hash" character(64) NOT NULL, "prompt_version" integer NOT NULL, "model" character varying(200) NOT NULL, "rating" character varying(8) NOT NULL, "reason" character varying(32), "comment" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1ac4e2de1940e0dee21bf80c993" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_personalize_feedback_lesson" ON "personalize_feedback"  ("lesson_slug", "prompt_version") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_personalize_feedback" ON "personalize_feedback"  ("user_id", "lesson_slug", "content_hash", "preferences_hash", "prompt_version", "model") ',
    );
    await queryRunner.query(
      'CREATE TABLE "learner_reader_view" ("user_id" uuid NOT NULL, "view" character varying(16) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e94c5519c9c6d377e8f8d68d139" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "personalize_feedback" ADD CONSTRAINT "FK_dade68ae0c558dd6cf5ca2340ac" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "learner_reader_view" ADD CONSTRAINT "FK_e94c5519c9c6d377e8f8d68d139" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "learner_reader_view" DROP CONSTRAINT "FK_e94c5519c9c6d377e8f8d68d139"');
    await queryRunner.query('ALTER TABLE "personalize_feedback" DROP CONSTRAINT "FK_dade68ae0c558dd6cf5ca2340ac"');
    await queryRunner.query('DROP TABLE "learner_reader_view"');
    await queryRunner.query('DROP INDEX "public"."uq_personalize_feedback"');
    await queryRunner.query('DROP INDEX "public"."idx_personalize_feedback_lesson"');
    await queryRunner.query('DROP TABLE "personalize_feedback"');
  }
}
