import type { MigrationInterface, QueryRunner } from 'typeorm';

/** lesson_progress remembers which Redis heartbeat buffer it took credit from, and how much (exactly-once flushes). */
export class HeartbeatBuffer1796665000000 implements MigrationInterface {
  name = 'HeartbeatBuffer1796665000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "lesson_progress" ADD "beats_epoch" uuid');
    await queryRunner.query('ALTER TABLE "lesson_progress" ADD "beats_applied" integer NOT NULL DEFAULT 0');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "lesson_progress" DROP COLUMN "beats_applied"');
    await queryRunner.query('ALTER TABLE "lesson_progress" DROP COLUMN "beats_epoch"');
  }
}
