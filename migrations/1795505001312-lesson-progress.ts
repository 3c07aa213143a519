import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LessonProgress1795505001312 implements MigrationInterface {
  name = 'LessonProgress1795505001312';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "lesson_progress" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "lesson_slug" character varying(160) NOT NULL, "status" character varying(16) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, "time_spent_seconds" integer NOT NULL DEFAULT \'0\', "last_section" character varying(200), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e6223ebbc5f8f5fce40e0193de1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_lesson_progress_lesson" ON "lesson_progress"  ("lesson_slug") ');
    // updated_at DESC by hand (TypeORM's @Index cannot say so; the drift check compares columns only).
    await queryRunner.query('CREATE INDEX "idx_lesson_progress_user_updated" ON "lesson_progress"  ("user_id", "updated_at" DESC) ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_lesson_progress_user_lesson" ON "lesson_progress"  ("user_id", "lesson_slug") ');
    await queryRunner.query(
      'ALTER TABLE "lesson_progress" ADD CONSTRAINT "FK_0d9292b3eb40707950eeeba9617" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_progress" ADD CONSTRAINT "FK_e56b51ac245e55c34704e0eb4fc" FOREIGN KEY ("lesson_slug") REFERENCES "lessons"("slug") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "lesson_progress" DROP CONSTRAINT "FK_e56b51ac245e55c34704e0eb4fc"');
    await queryRunner.query('ALTER TABLE "lesson_progress" DROP CONSTRAINT "FK_0d9292b3eb40707950eeeba9617"');
    await queryRunner.query('DROP INDEX "public"."uq_lesson_progress_user_lesson"');
    await queryRunner.query('DROP INDEX "public"."idx_lesson_progress_user_updated"');
    await queryRunner.query('DROP INDEX "public"."idx_lesson_progress_lesson"');
    await queryRunner.query('DROP TABLE "lesson_progress"');
  }
}
