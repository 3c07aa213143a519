import { Injectable, OnModuleInit } from '@nestjs/common';
import { UserDataRegistry, type UserDataProvider } from '@lectern/users';
import type { EntityManager } from 'typeorm';
import { HeartbeatBuffer } from './heartbeat-buffer';

/**
 * A learner's reading progress in the account lifecycle. Merging an anonymous
 * learner into an account keeps, per lesson, the furthest state (completed
 * beats in progress), the earliest start and completion, the larger time
 * spent (not the sum, so merging twice changes nothing) and the section of
 * whichever side read it last.
 */
@Injectable()
export class ProgressUserData implements UserDataProvider, OnModuleInit {
  readonly name = 'progress';

  constructor(
    private readonly registry: UserDataRegistry,
    private readonly buffer: HeartbeatBuffer,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(userId: string, manager: EntityManager): Promise<unknown> {
    // Heartbeats still buffered in Redis are part of what the learner has.
    await this.buffer.applyFor(userId, manager);
    const rows = (await manager.query(
      `SELECT lesson_slug, status, started_at, completed_at, time_spent_seconds, last_section, updated_at
       FROM lesson_progress WHERE user_id = $1 ORDER BY updated_at DESC`,
      [userId],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      lessonSlug: r['lesson_slug'],
      status: r['status'],
      startedAt: r['started_at'],
      completedAt: r['completed_at'],
      timeSpentSeconds: Number(r['time_spent_seconds']),
      lastSection: r['last_section'],
      updatedAt: r['updated_at'],
    }));
  }

  async merge(fromUserId: string, intoUserId: string, manager: EntityManager): Promise<void> {
    // Both learners' buffered heartbeats into their rows first (in this transaction; applying them again later adds nothing).
    await this.buffer.applyFor(fromUserId, manager);
    await this.buffer.applyFor(intoUserId, manager);
    await manager.query(
      `INSERT INTO lesson_progress (user_id, lesson_slug, status, started_at, completed_at, time_spent_seconds, last_section, updated_at)
       SELECT $2, lesson_slug, status, started_at, completed_at, time_spent_seconds, last_section, updated_at
       FROM lesson_progress WHERE user_id = $1
       ON CONFLICT (user_id, lesson_slug) DO UPDATE SET
         status = CASE WHEN lesson_progress.status = 'completed' OR EXCLUDED.status = 'completed' THEN 'completed' ELSE lesson_progress.status END,
         started_at = LEAST(lesson_progress.started_at, EXCLUDED.started_at),
         completed_at = LEAST(lesson_progress.completed_at, EXCLUDED.completed_at),
         time_spent_seconds = GREATEST(lesson_progress.time_spent_seconds, EXCLUDED.time_spent_seconds),
         last_section = CASE WHEN EXCLUDED.updated_at > lesson_progress.updated_at
           THEN COALESCE(EXCLUDED.last_section, lesson_progress.last_section)
           ELSE COALESCE(lesson_progress.last_section, EXCLUDED.last_section) END,
         updated_at = GREATEST(lesson_progress.updated_at, EXCLUDED.updated_at)`,
      [fromUserId, intoUserId],
    );
  }

  async delete(userId: string, manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM lesson_progress WHERE user_id = $1', [userId]);
    await this.buffer.drop(userId);
  }
}
