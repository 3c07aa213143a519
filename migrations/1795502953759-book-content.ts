import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BookContent1795502953759 implements MigrationInterface {
  name = 'BookContent1795502953759';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "job_runs" ("queue" character varying(64) NOT NULL, "job_id" character varying(200) NOT NULL, "name" character varying(64) NOT NULL, "state" character varying(16) NOT NULL, "progress" smallint NOT NULL DEFAULT \'0\', "attempts_made" integer NOT NULL DEFAULT \'0\', "failed_reason" text, "result" jsonb, "enqueued_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_8123de1853125aa24634ea63a3f" PRIMARY KEY ("queue", "job_id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_job_runs_queue_state" ON "job_runs"  ("queue", "state") ');
    await queryRunner.query(
      'CREATE TABLE "books" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(120) NOT NULL, "title" character varying(300) NOT NULL, "description" text NOT NULL DEFAULT \'\', "version" character varying(40) NOT NULL, "layers" jsonb NOT NULL, "source_format" character varying(16) NOT NULL, "content_version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_4dc5a40933419641440fbd95e8e" UNIQUE ("slug"), CONSTRAINT "PK_f3f2f25a099d24e12545b70b022" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "parts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "book_id" uuid NOT NULL, "number" integer NOT NULL, "slug" character varying(120) NOT NULL, "title" character varying(300) NOT NULL, "layer" character varying(16) NOT NULL, "weeks" character varying(32), "transition_check" text, CONSTRAINT "PK_daa5595bb8933f49ac00c9ebc79" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_parts_book_number" ON "parts"  ("book_id", "number") ');
    await queryRunner.query(
      'CREATE TABLE "chapters" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "book_id" uuid NOT NULL, "part_id" uuid NOT NULL, "number" integer NOT NULL, "local_number" integer NOT NULL, "slug" character varying(120) NOT NULL, "title" character varying(300) NOT NULL, "prerequisites" integer array NOT NULL DEFAULT \'{}\', CONSTRAINT "PK_a2bbdbb4bdc786fe0cb0fcfc4a0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_chapters_book_number" ON "chapters"  ("book_id", "number") ');
    await queryRunner.query(
      'CREATE TABLE "lessons" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(160) NOT NULL, "book_id" uuid NOT NULL, "chapter_id" uuid NOT NULL, "title" character varying(300) NOT NULL, "position" integer NOT NULL, "type" character varying(16) NOT NULL, "layer" character varying(8) NOT NULL, "estimated_minutes" integer NOT NULL, "prerequisites" character varying(160) array NOT NULL DEFAULT \'{}\', "goals" character varying(32) array NOT NULL DEFAULT \'{}\', "content_hash" character(64) NOT NULL, "storage_key" character varying(200) NOT NULL, "word_count" integer NOT NULL DEFAULT \'0\', "headings" jsonb NOT NULL DEFAULT \'[]\', "source_path" character varying(500) NOT NULL DEFAULT \'\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_ca2edfa23c965f9c435572a7de3" UNIQUE ("slug"), CONSTRAINT "PK_9b9a8d455cac672d262d7275730" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_lessons_book_position" ON "lessons"  ("book_id", "position") ');
    await queryRunner.query('CREATE INDEX "idx_lessons_chapter" ON "lessons"  ("chapter_id") ');
    await queryRunner.query(
      'ALTER TABLE "parts" ADD CONSTRAINT "FK_611b495e1103f24fe11234df4cc" FOREIGN KEY ("book_id") REFERENCES "books"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "chapters" ADD CONSTRAINT "FK_23af8ea9e68fef63d07b189e8d1" FOREIGN KEY ("book_id") REFERENCES "books"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "chapters" ADD CONSTRAINT "FK_0d815889ae37c1261865379ae0c" FOREIGN KEY ("part_id") REFERENCES "parts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lessons" ADD CONSTRAINT "FK_9defe960a618fac10f4f2e9cd2b" FOREIGN KEY ("book_id") REFERENCES "books"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lessons" ADD CONSTRAINT "FK_424ea916afdf352278a064dabbd" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "lessons" DROP CONSTRAINT "FK_424ea916afdf352278a064dabbd"');
    await queryRunner.query('ALTER TABLE "lessons" DROP CONSTRAINT "FK_9defe960a618fac10f4f2e9cd2b"');
    await queryRunner.query('ALTER TABLE "chapters" DROP CONSTRAINT "FK_0d815889ae37c1261865379ae0c"');
    await queryRunner.query('ALTER TABLE "chapters" DROP CONSTRAINT "FK_23af8ea9e68fef63d07b189e8d1"');
    await queryRunner.query('ALTER TABLE "parts" DROP CONSTRAINT "FK_611b495e1103f24fe11234df4cc"');
    await queryRunner.query('DROP INDEX "public"."idx_lessons_chapter"');
    await queryRunner.query('DROP INDEX "public"."idx_lessons_book_position"');
    await queryRunner.query('DROP TABLE "lessons"');
    await queryRunner.query('DROP INDEX "public"."uq_chapters_book_number"');
    await queryRunner.query('DROP TABLE "chapters"');
    await queryRunner.query('DROP INDEX "public"."uq_parts_book_number"');
    await queryRunner.query('DROP TABLE "parts"');
    await queryRunner.query('DROP TABLE "books"');
    await queryRunner.query('DROP INDEX "public"."idx_job_runs_queue_state"');
    await queryRunner.query('DROP TABLE "job_runs"');
  }
}
