import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { LessonProgressDto, ProgressSummaryDto, StoredLessonStatus } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import { NotFoundError } from '@lectern/infra';
import { QueryFailedError, Repository } from 'typeorm';
import { LessonProgressEntity } from './entities/lesson-progress.entity';
import { HeartbeatBuffer, pendingCredit, type BufferedLesson } from './heartbeat-buffer';
import { lessonProgressOf, summarize, type ProgressRow } from './progress-summary';

const COLUMNS = 'lesson_slug, status, started_at, completed_at, time_spent_seconds, last_section, updated_at, heartbeat_at, beats_epoch, beats_applied';
const RETURNING = `RETURNING ${COLUMNS}`;
const INT_MAX = 2_147_483_647;

/**
 * Every write is one `INSERT … ON CONFLICT (user_id, lesson_slug) DO UPDATE`
 * statement, so concurrent requests for the same lesson never lose or double
 * an update and need no transaction or lock:
 * - start keeps the first started_at (and a completed lesson stays completed);
 * - a heartbeat adds its seconds, bounded by the time since the previous one (starting the lesson if needed);
 * - complete sets completed_at only once; completing a lesson never started
 *   starts it at the same instant (started_at = completed_at).
 * Each of them also moves updated_at (what "continue where you left off"
 * follows), except completing an already completed lesson, which changes nothing.
 */
const START_SQL = `
  INSERT INTO lesson_progress (user_id, lesson_slug, status, started_at, last_section, updated_at)
  VALUES ($1, $2, 'in_progress', now(), $3, now())
  ON CONFLICT (user_id, lesson_slug) DO UPDATE SET
    last_section = COALESCE(EXCLUDED.last_section, lesson_progress.last_section),
    updated_at = EXCLUDED.updated_at
  ${RETURNING}`;

/**
 * Seconds of slack a heartbeat may claim beyond the wall-clock time since the
 * previous one (timers drift, requests take time). Bounded once, not per
 * heartbeat: the watermark it credits up to may run this far ahead of now.
 */
export const HEARTBEAT_ALLOWANCE_SECONDS = 5;

/*
 * A heartbeat claims the `seconds` ($3) just before it. Only the part of that
 * interval after the watermark (heartbeat_at, else started_at) is credited,
 * plus the allowance, and the watermark moves to the end of what was credited
 * (whole seconds; the rest stays creditable). Concurrent heartbeats serialize
 * on the row and each sees the watermark the previous one left, so a burst or
 * a replay adds nothing beyond the time that passed. clock_timestamp(), not
 * now(): the time when the row is written, after any wait for its lock.
 */
const HB_WATERMARK = 'COALESCE(lesson_progress.heartbeat_at, lesson_progress.started_at)';
const HB_FROM = `GREATEST(${HB_WATERMARK}, clock_timestamp() - make_interval(secs => $3::double precision))`;
const HB_CREDIT = `FLOOR(LEAST($3::double precision, GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() + make_interval(secs => ${HEARTBEAT_ALLOWANCE_SECONDS}) - ${HB_FROM})))))::int`;

const HEARTBEAT_SQL = `
  INSERT INTO lesson_progress (user_id, lesson_slug, status, started_at, time_spent_seconds, heartbeat_at, last_section, updated_at)
  VALUES ($1, $2, 'in_progress', now(), LEAST($3::int, ${HEARTBEAT_ALLOWANCE_SECONDS}),
          clock_timestamp() + make_interval(secs => LEAST($3::int, ${HEARTBEAT_ALLOWANCE_SECONDS})), $4, now())
  ON CONFLICT (user_id, lesson_slug) DO UPDATE SET
    time_spent_seconds = LEAST(lesson_progress.time_spent_seconds::bigint + ${HB_CREDIT}, ${INT_MAX}),
    heartbeat_at = ${HB_FROM} + make_interval(secs => ${HB_CREDIT}),
    last_section = COALESCE(EXCLUDED.last_section, lesson_progress.last_section),
    updated_at = EXCLUDED.updated_at
  ${RETURNING}`;

const COMPLETE_SQL = `
  INSERT INTO lesson_progress (user_id, lesson_slug, status, started_at, completed_at, updated_at)
  VALUES ($1, $2, 'completed', now(), now(), now())
  ON CONFLICT (user_id, lesson_slug) DO UPDATE SET
    status = 'completed',
    completed_at = COALESCE(lesson_progress.completed_at, EXCLUDED.completed_at),
    updated_at = CASE WHEN lesson_progress.completed_at IS NULL THEN EXCLUDED.updated_at ELSE lesson_progress.updated_at END
  ${RETURNING}`;

interface RawRow {
  lesson_slug: string;
  status: StoredLessonStatus;
  started_at: Date;
  completed_at: Date | null;
  time_spent_seconds: number;
  last_section: string | null;
  updated_at: Date;
  heartbeat_at: Date | null;
  beats_epoch: string | null;
  beats_applied: number;
}

/** The row as the API sees it: with whatever credit is still buffered in Redis for it. */
function fromRaw(r: RawRow, buffered?: BufferedLesson): ProgressRow {
  const row: ProgressRow = {
    lessonSlug: r.lesson_slug,
    status: r.status,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    timeSpentSeconds: Number(r.time_spent_seconds),
    lastSection: r.last_section,
    updatedAt: r.updated_at,
  };
  if (!buffered) return row;
  const pending = Math.max(0, pendingCredit(buffered, { beatsEpoch: r.beats_epoch, beatsApplied: Number(r.beats_applied) }));
  row.timeSpentSeconds = Math.min(row.timeSpentSeconds + pending, INT_MAX);
  if (buffered.at > row.updatedAt.getTime()) {
    row.updatedAt = new Date(buffered.at);
    row.lastSection = buffered.section ?? row.lastSection;
  }
  return row;
}

/** A heartbeat's answer from its buffer alone (no read of the row). */
function fromBuffer(lessonSlug: string, e: BufferedLesson): LessonProgressDto {
  return {
    lessonSlug,
    status: e.base.status,
    startedAt: new Date(e.base.startedAt).toISOString(),
    completedAt: e.base.completedAt === null ? null : new Date(e.base.completedAt).toISOString(),
    timeSpentSeconds: Math.min(e.base.time + e.credit, INT_MAX),
    lastSection: e.section ?? e.base.lastSection,
  };
}

/** Lessons whose row took heartbeats while Redis was away: their buffer's watermark is moved up first (bounded). */
const DIVERGED_MAX = 10_000;

/** A learner's reading progress. Every method acts on the given learner only (the token's, from the controller). */
@Injectable()
export class ProgressService {
  private readonly diverged = new Map<string, RawRow>();

  constructor(
    @InjectRepository(LessonProgressEntity) private readonly progress: Repository<LessonProgressEntity>,
    private readonly content: ContentService,
    private readonly buffer: HeartbeatBuffer,
  ) {}

  /** GET /api/progress: the whole book's completion, per part and chapter, time spent and where to resume. */
  async summary(userId: string): Promise<ProgressSummaryDto> {
    const { tree } = await this.content.snapshot();
    return summarize(tree, await this.rows(userId));
  }

  /** One lesson's progress (`not_started` without a row); 404 for a lesson not in the book. */
  async lesson(userId: string, lessonSlug: string): Promise<LessonProgressDto> {
    await this.content.lesson(lessonSlug);
    const [raw, buffered] = await Promise.all([
      this.progress.query(`SELECT ${COLUMNS} FROM lesson_progress WHERE user_id = $1 AND lesson_slug = $2`, [userId, lessonSlug]) as Promise<RawRow[]>,
      this.buffer.pending(userId),
    ]);
    return lessonProgressOf(lessonSlug, raw[0] ? fromRaw(raw[0], buffered.get(lessonSlug)) : null);
  }

  /** Opening a lesson starts it; starting again keeps the first start (and records the section, if given). */
  async start(userId: string, lessonSlug: string, section?: string): Promise<LessonProgressDto> {
    return this.writeAndRebase(START_SQL, userId, lessonSlug, [section ?? null]);
  }

  /**
   * A reading heartbeat: adds the seconds (1..3600 by the DTO), at most the
   * time since the previous heartbeat (plus a few seconds), and records the
   * section. Into the lesson's Redis buffer when it has one (no row lock; the
   * buffer is flushed in batches); else — the first heartbeat, or Redis away —
   * into the row, which then seeds the buffer.
   */
  async addTime(userId: string, lessonSlug: string, seconds: number, section?: string): Promise<LessonProgressDto> {
    await this.content.lesson(lessonSlug); // 404 for a lesson not in the book
    const key = `${userId}\n${lessonSlug}`;
    let redisUp = true;
    try {
      const diverged = this.diverged.get(key);
      if (diverged) {
        await this.seedFrom(userId, diverged);
        this.diverged.delete(key);
      }
      const buffered = await this.buffer.beat(userId, lessonSlug, seconds, HEARTBEAT_ALLOWANCE_SECONDS, section ?? null);
      if (buffered) return fromBuffer(lessonSlug, buffered);
    } catch {
      redisUp = false;
    }
    const row = await this.writeRaw(HEARTBEAT_SQL, userId, lessonSlug, [seconds, section ?? null]);
    if (redisUp) {
      await this.seedFrom(userId, row).catch(() => undefined);
    } else if (this.diverged.size < DIVERGED_MAX) {
      this.diverged.set(key, row);
    }
    return lessonProgressOf(lessonSlug, fromRaw(row));
  }

  /** Mark as complete; completing again is a no-op. */
  async complete(userId: string, lessonSlug: string): Promise<LessonProgressDto> {
    return this.writeAndRebase(COMPLETE_SQL, userId, lessonSlug, []);
  }

  /** Status of every lesson the learner opened (lessons not in the map are not started). */
  async statuses(userId: string): Promise<Map<string, StoredLessonStatus>> {
    const rows: Array<{ lesson_slug: string; status: StoredLessonStatus }> = await this.progress.query(
      'SELECT lesson_slug, status FROM lesson_progress WHERE user_id = $1',
      [userId],
    );
    return new Map(rows.map((r) => [r.lesson_slug, r.status]));
  }

  private async rows(userId: string): Promise<ProgressRow[]> {
    const [raw, buffered] = await Promise.all([
      this.progress.query(`SELECT ${COLUMNS} FROM lesson_progress WHERE user_id = $1`, [userId]) as Promise<RawRow[]>,
      this.buffer.pending(userId),
    ]);
    return raw.map((r) => fromRaw(r, buffered.get(r.lesson_slug)));
  }

  private async seedFrom(userId: string, row: RawRow): Promise<void> {
    await this.buffer.seed(userId, row.lesson_slug, {
      status: row.status,
      startedAt: row.started_at,
      completedAt: row.completed_at,
      time: Number(row.time_spent_seconds),
      lastSection: row.last_section,
      heartbeatAt: row.heartbeat_at ?? row.started_at,
    });
  }

  /** start / complete: the row, then the lesson's buffer answers heartbeats with the new status; the answer includes buffered time. */
  private async writeAndRebase(sql: string, userId: string, lessonSlug: string, params: unknown[]): Promise<LessonProgressDto> {
    await this.content.lesson(lessonSlug); // 404 for a lesson not in the book
    const row = await this.writeRaw(sql, userId, lessonSlug, params);
    await this.buffer.rebase(userId, lessonSlug, { status: row.status, startedAt: row.started_at, completedAt: row.completed_at });
    const buffered = await this.buffer.pending(userId);
    return lessonProgressOf(lessonSlug, fromRaw(row, buffered.get(lessonSlug)));
  }

  private async writeRaw(sql: string, userId: string, lessonSlug: string, params: unknown[]): Promise<RawRow> {
    try {
      const [row] = (await this.progress.query(sql, [userId, lessonSlug, ...params])) as RawRow[];
      return row;
    } catch (error) {
      // The lesson was removed by a sync between the check above and the write.
      if (isForeignKeyViolation(error, 'lesson_slug')) throw new NotFoundError('lesson_not_found', `No lesson "${lessonSlug}"`);
      throw error;
    }
  }
}

function isForeignKeyViolation(error: unknown, column: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; detail?: string };
  return driverError.code === '23503' && (driverError.detail ?? '').includes(`(${column})`);
}
