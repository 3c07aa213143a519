import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PersonalizedLessons1795503484995 implements MigrationInterface {
  name = 'PersonalizedLessons1795503484995';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "llm_calls" ("id" BIGSERIAL NOT NULL, "purpose" character varying(32) NOT NULL, "model" character varying(200) NOT NULL, "job_id" character varying(200), "outcome" character varying(16) NOT NULL, "prompt_tokens" integer NOT NULL DEFAULT \'0\', "completion_tokens" integer NOT NULL DEFAULT \'0\', "cost_usd" numeric(12,6) NOT NULL DEFAULT \'0\', "duration_ms" integer NOT NULL DEFAULT \'0\', "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_927dd9d5a428274e38a05706af8" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_llm_calls_created" ON "llm_calls"  ("created_at") ');
    await queryRunner.query(
      'CREATE TABLE "personalized_lessons" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "lesson_slug" character varying(160) NOT NULL, "content_hash" character(64) NOT NULL, "preferences_hash" character(64) NOT NULL, "prompt_version" integer NOT NULL, "model" character varying(200) NOT NULL, "content" text NOT NULL, "fidelity" jsonb NOT NULL, "prompt_tokens" integer NOT NULL DEFAULT \'0\', "completion_tokens" integer NOT NULL DEFAULT \'0\', "cost_usd" numeric(12,6) NOT NULL DEFAULT \'0\', "generated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "stale_since" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_560f2211171c38c66e11b3366cb" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_personalized_stale" ON "personalized_lessons"  ("stale_since") ');
    await queryRunner.query('CREATE INDEX "idx_personalized_preferences" ON "personalized_lessons"  ("preferences_hash") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_personalized_key" ON "personalized_lessons"  ("lesson_slug", "content_hash", "preferences_hash", "prompt_version", "model") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."uq_personalized_key"');
    await queryRunner.query('DROP INDEX "public"."idx_personalized_preferences"');
    await queryRunner.query('DROP INDEX "public"."idx_personalized_stale"');
    await queryRunner.query('DROP TABLE "personalized_lessons"');
    await queryRunner.query('DROP INDEX "public"."idx_llm_calls_created"');
    await queryRunner.query('DROP TABLE "llm_calls"');
  }
}
