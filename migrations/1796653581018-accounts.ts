import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1796653581018 implements MigrationInterface {
  name = 'Accounts1796653581018';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "password_resets" ("token_hash" character(64) NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_323290a9239ad3d397ad78018ec" PRIMARY KEY ("token_hash"))',
    );
    await queryRunner.query('CREATE INDEX "idx_password_resets_user" ON "password_resets"  ("user_id") ');
    await queryRunner.query(
      'CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character(64) NOT NULL, "user_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_sessions_token_hash" ON "sessions"  ("token_hash") ');
    await queryRunner.query('CREATE INDEX "idx_sessions_user" ON "sessions"  ("user_id") ');
    await queryRunner.query('ALTER TABLE "users" ADD "email" character varying(254)');
    await queryRunner.query('ALTER TABLE "users" ADD "name" character varying(100)');
    await queryRunner.query('ALTER TABLE "users" ADD "password_hash" character varying(255)');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") ');
    await queryRunner.query(
      'ALTER TABLE "password_resets" ADD CONSTRAINT "FK_f7a4c3bc48f24df007936d217be" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"');
    await queryRunner.query('ALTER TABLE "password_resets" DROP CONSTRAINT "FK_f7a4c3bc48f24df007936d217be"');
    await queryRunner.query('DROP INDEX "public"."uq_users_email"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "password_hash"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "name"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "email"');
    await queryRunner.query('DROP INDEX "public"."idx_sessions_user"');
    await queryRunner.query('DROP INDEX "public"."uq_sessions_token_hash"');
    await queryRunner.query('DROP TABLE "sessions"');
    await queryRunner.query('DROP INDEX "public"."idx_password_resets_user"');
    await queryRunner.query('DROP TABLE "password_resets"');
  }
}
