import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TutorThreads1796653655936 implements MigrationInterface {
  name = 'TutorThreads1796653655936';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "tutor_threads" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "title" character varying(200) NOT NULL, "lesson_slug" character varying(160), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_09f12b0d3e9f91d888bd964a9b1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_tutor_threads_user_updated" ON "tutor_threads"  ("user_id", "updated_at") ');
    await queryRunner.query(
      'CREATE TABLE "tutor_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "thread_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "content" text NOT NULL, "status" character varying(16) NOT NULL, "action" character varying(16), "selection" jsonb, "citations" jsonb NOT NULL DEFAULT \'[]\', "covered" boolean, "prompt_version" integer, "model" character varying(200), "prompt_tokens" integer NOT NULL DEFAULT \'0\', "completion_tokens" integer NOT NULL DEFAULT \'0\', "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_d11cc9c877b4a817f38ed54f65d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_tutor_messages_thread_created" ON "tutor_messages"  ("thread_id", "created_at") ');
    await queryRunner.query(
      'ALTER TABLE "tutor_threads" ADD CONSTRAINT "FK_f0d0509b9c61a8ce53788e42924" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "tutor_threads" ADD CONSTRAINT "FK_f61f723b6212584e425c407f68b" FOREIGN KEY ("lesson_slug") REFERENCES "lessons"("slug") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "tutor_messages" ADD CONSTRAINT "FK_de09670192845f801a9f75ccc20" FOREIGN KEY ("thread_id") REFERENCES "tutor_threads"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "tutor_messages" DROP CONSTRAINT "FK_de09670192845f801a9f75ccc20"');
    await queryRunner.query('ALTER TABLE "tutor_threads" DROP CONSTRAINT "FK_f61f723b6212584e425c407f68b"');
    await queryRunner.query('ALTER TABLE "tutor_threads" DROP CONSTRAINT "FK_f0d0509b9c61a8ce53788e42924"');
    await queryRunner.query('DROP INDEX "public"."idx_tutor_messages_thread_created"');
    await queryRunner.query('DROP TABLE "tutor_messages"');
    await queryRunner.query('DROP INDEX "public"."idx_tutor_threads_user_updated"');
    await queryRunner.query('DROP TABLE "tutor_threads"');
  }
}
