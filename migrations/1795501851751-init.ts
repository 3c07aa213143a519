import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795501851751 implements MigrationInterface {
  name = 'Init1795501851751';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "onboarded_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "learner_preferences" ("user_id" uuid NOT NULL, "education_level" character varying(32) NOT NULL, "programming_experience" character varying(32) NOT NULL, "robotics_background" boolean NOT NULL, "ai_ml_experience" character varying(32) NOT NULL, "learning_goals" character varying(32) array NOT NULL, "preferred_language" character varying(8) NOT NULL, "questionnaire_version" integer NOT NULL, "preferences_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5b9bc3524092434e6b6cc9c1dc8" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_learner_preferences_hash" ON "learner_preferences"  ("preferences_hash") ');
    await queryRunner.query(
      'ALTER TABLE "learner_preferences" ADD CONSTRAINT "FK_5b9bc3524092434e6b6cc9c1dc8" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "learner_preferences" DROP CONSTRAINT "FK_5b9bc3524092434e6b6cc9c1dc8"');
    await queryRunner.query('DROP INDEX "public"."idx_learner_preferences_hash"');
    await queryRunner.query('DROP TABLE "learner_preferences"');
    await queryRunner.query('DROP TABLE "users"');
  }
}
