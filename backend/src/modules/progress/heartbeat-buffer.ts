import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { StoredLessonStatus } from '@lectern/api-types';
import { AppConfig, REDIS, RedisScript } from '@lectern/infra';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { DataSource, EntityManager } from 'typeorm';

/** How often each process moves buffered heartbeats into PostgreSQL. */
export const HEARTBEAT_FLUSH_MS = 1_000;
/** Learners whose heartbeats one flush moves (one statement for all their rows). */
export const HEARTBEAT_FLUSH_BATCH = 200;
/** A learner's buffer, once everything in it is in PostgreSQL, is kept this long after their last heartbeat (for the watermark). */
export const HEARTBEAT_IDLE_SECONDS = 1_800;
const INT_MAX = 2_147_483_647;

/**
 * One lesson's heartbeats in Redis (a field of the learner's hash, JSON):
 * `epoch` names this buffer (a new one each time it is created from the
 * row), `credit` is every second credited through it (only ever grows),
 * `wm` the watermark in ms (as heartbeat_at), `at` the last heartbeat (ms),
 * `section` the last section sent; `base` is the row as it was when the
 * buffer was created (what a heartbeat answers with, plus `credit`).
 */
export interface BufferedLesson {
  epoch: string;
  credit: number;
  wm: number;
  at: number;
  section: string | null;
  base: { status: StoredLessonStatus; startedAt: number; completedAt: number | null; time: number; lastSection: string | null };
}

/**
 * A heartbeat, atomically in Redis: the same crediting rule as the SQL one
 * (only the part of the claimed seconds after the watermark, plus the
 * allowance), on Redis's clock. KEYS: 1 the learner's hash, 2 the dirty set.
 * ARGV: 1 lesson slug, 2 seconds, 3 allowance (s), 4 section or '', 5 the
 * learner id. Answers nil when the lesson has no buffer yet (the caller
 * creates it from the row), else the updated entry.
 */
const BEAT_SCRIPT = new RedisScript<string | null>(
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return nil end
local e = cjson.decode(raw)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seconds = tonumber(ARGV[2])
local from = math.max(e.wm, now - seconds * 1000)
local credit = math.floor(math.min(seconds, math.max(0, (now + tonumber(ARGV[3]) * 1000 - from) / 1000)))
e.wm = from + credit * 1000
e.credit = e.credit + credit
e.at = now
if ARGV[4] ~= '' then e.section = ARGV[4] end
local encoded = cjson.encode(e)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
redis.call('HINCRBY', KEYS[1], '_v', 1)
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], 'NX', now, ARGV[5])
return encoded
`,
  2,
);

/**
 * Creates a lesson's buffer from its row, or — when a concurrent heartbeat
 * created it first — only moves its watermark forward. A learner with nothing
 * to flush gets the idle expiry (a dirty one never expires). KEYS: 1 the
 * learner's hash, 2 the dirty set. ARGV: 1 slug, 2 the entry (JSON), 3 the
 * learner id, 4 idle seconds. Answers the entry now stored.
 */
const SEED_SCRIPT = new RedisScript<string | null>(
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local seed = cjson.decode(ARGV[2])
if not raw then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HSETNX', KEYS[1], '_v', 0)
  if not redis.call('ZSCORE', KEYS[2], ARGV[3]) then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4])) end
  return ARGV[2]
end
local e = cjson.decode(raw)
if seed.wm > e.wm then e.wm = seed.wm end
local encoded = cjson.encode(e)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
return encoded
`,
  2,
);

/** Updates the row fields a buffer answers with (after start or complete wrote the row). KEYS: 1 hash. ARGV: 1 slug, 2 base (JSON). */
const REBASE_SCRIPT = new RedisScript<string | null>(
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local e = cjson.decode(raw)
local b = cjson.decode(ARGV[2])
e.base.status = b.status
e.base.startedAt = b.startedAt
e.base.completedAt = b.completedAt
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(e))
return 1
`,
  1,
);

/**
 * After a flush: the learner leaves the dirty set only if no heartbeat came
 * since the flush read their hash (same `_v`); their hash then expires after
 * the idle time. KEYS: 1 hash, 2 dirty set. ARGV: 1 learner id, 2 `_v` read,
 * 3 idle seconds.
 */
const ACK_SCRIPT = new RedisScript<string | null>(
  `
if redis.call('HGET', KEYS[1], '_v') == ARGV[2] then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
  return 1
end
return 0
`,
  2,
);

/**
 * Applies buffered credit to the rows, exactly once however often it runs:
 * each row remembers which buffer (`beats_epoch`) it took credit from and how
 * much (`beats_applied`), and only the difference is added. $1: JSON rows
 * { user_id, lesson_slug, epoch, credit, wm, at, section } (times in ms).
 */
export const FLUSH_SQL = `
  UPDATE lesson_progress p SET
    time_spent_seconds = LEAST(p.time_spent_seconds::bigint + x.credit
                               - CASE WHEN p.beats_epoch = x.epoch THEN p.beats_applied ELSE 0 END, ${INT_MAX}),
    beats_epoch = x.epoch,
    beats_applied = x.credit,
    heartbeat_at = GREATEST(p.heartbeat_at, to_timestamp(x.wm / 1000.0)),
    last_section = CASE WHEN to_timestamp(x.at / 1000.0) > p.updated_at THEN COALESCE(x.section, p.last_section) ELSE p.last_section END,
    updated_at = GREATEST(p.updated_at, to_timestamp(x.at / 1000.0))
  FROM jsonb_to_recordset($1::jsonb) AS x(user_id uuid, lesson_slug text, epoch uuid, credit int, wm double precision, at double precision, section text)
  WHERE p.user_id = x.user_id AND p.lesson_slug = x.lesson_slug
    AND (p.beats_epoch IS DISTINCT FROM x.epoch OR p.beats_applied < x.credit)`;

/** Credit in a buffer not yet in its row (per the row's beats_epoch/beats_applied). */
export function pendingCredit(
  entry: Pick<BufferedLesson, 'epoch' | 'credit'>,
  row: { beatsEpoch: string | null; beatsApplied: number },
): number {
  return entry.credit - (row.beatsEpoch === entry.epoch ? row.beatsApplied : 0);
}

/**
 * Reading heartbeats absorbed in Redis and moved into PostgreSQL in batches,
 * so a heartbeat takes no row lock. A heartbeat is answered once Redis has it
 * (Redis keeps it across api and worker restarts: every process flushes the
 * dirty set, and a flush that stopped half-way is simply done again — the rows
 * take each buffer's credit exactly once). Reads add what is still in Redis.
 * The first heartbeat of a lesson (or after HEARTBEAT_IDLE_SECONDS without
 * one) goes to the row as before and creates the buffer from it.
 *
 * Emits `flushed` (the number of rows written) after each flush that wrote.
 */
@Injectable()
export class HeartbeatBuffer extends EventEmitter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatBuffer.name);
  private readonly prefix: string;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<number>;
  private stopped = false;

  constructor(
    config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super();
    this.prefix = `${config.QUEUE_PREFIX}:progress:beats`;
  }

  onModuleInit(): void {
    this.start();
  }

  /** Flushes every HEARTBEAT_FLUSH_MS from now on. */
  start(): void {
    this.stopped = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.flush().catch((error: unknown) => this.warn(error)), HEARTBEAT_FLUSH_MS);
    this.timer.unref();
  }

  /** One last flush on the way out (what it misses stays in Redis for the next process). */
  async onApplicationShutdown(): Promise<void> {
    this.stop();
    await this.flushing?.catch(() => undefined);
    await this.flushOnce().catch((error: unknown) => this.warn(error));
  }

  /** Stops the periodic flush (a process going away; tests use it to leave work for another process). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  keyOf(userId: string): string {
    return `${this.prefix}:${userId}`;
  }

  get dirtyKey(): string {
    return `${this.prefix}:dirty`;
  }

  /** A heartbeat into the lesson's buffer; null when it has none yet. Throws when Redis cannot answer. */
  async beat(userId: string, slug: string, seconds: number, allowance: number, section: string | null): Promise<BufferedLesson | null> {
    const raw = (await BEAT_SCRIPT.run(
      this.redis,
      this.keyOf(userId),
      this.dirtyKey,
      slug,
      String(seconds),
      String(allowance),
      section ?? '',
      userId,
    )) as string | null;
    return raw === null ? null : (JSON.parse(raw) as BufferedLesson);
  }

  /** Creates the lesson's buffer from its row as just written (or moves an existing one's watermark forward). */
  async seed(
    userId: string,
    slug: string,
    row: {
      status: StoredLessonStatus;
      startedAt: Date;
      completedAt: Date | null;
      time: number;
      lastSection: string | null;
      heartbeatAt: Date;
    },
  ): Promise<BufferedLesson> {
    const entry: BufferedLesson = {
      epoch: randomUUID(),
      credit: 0,
      wm: row.heartbeatAt.getTime(),
      at: Date.now(),
      section: null,
      base: {
        status: row.status,
        startedAt: row.startedAt.getTime(),
        completedAt: row.completedAt?.getTime() ?? null,
        time: row.time,
        lastSection: row.lastSection,
      },
    };
    const raw = (await SEED_SCRIPT.run(
      this.redis,
      this.keyOf(userId),
      this.dirtyKey,
      slug,
      JSON.stringify(entry),
      userId,
      String(HEARTBEAT_IDLE_SECONDS),
    )) as string;
    return JSON.parse(raw) as BufferedLesson;
  }

  /** After start or complete wrote the row: heartbeats answer with its new status. Best effort. */
  async rebase(
    userId: string,
    slug: string,
    row: { status: StoredLessonStatus; startedAt: Date; completedAt: Date | null },
  ): Promise<void> {
    const base = { status: row.status, startedAt: row.startedAt.getTime(), completedAt: row.completedAt?.getTime() ?? null };
    await REBASE_SCRIPT.run(this.redis, this.keyOf(userId), slug, JSON.stringify(base)).catch(() => undefined);
  }

  /** The learner's buffered lessons (empty when Redis cannot answer: reads then show what PostgreSQL has). */
  async pending(userId: string): Promise<Map<string, BufferedLesson>> {
    const all = await this.redis.hgetall(this.keyOf(userId)).catch((error: unknown) => {
      this.warn(error);
      return {} as Record<string, string>;
    });
    return new Map(
      Object.entries(all)
        .filter(([field]) => field !== '_v')
        .map(([slug, raw]) => [slug, JSON.parse(raw) as BufferedLesson]),
    );
  }

  /**
   * Moves a learner's buffered credit into their rows inside the caller's
   * transaction (before an account merge reads the rows). The buffer stays
   * dirty: the regular flush finds it applied already.
   */
  async applyFor(userId: string, manager: EntityManager): Promise<void> {
    const pending = await this.pending(userId);
    if (pending.size > 0) await manager.query(FLUSH_SQL, [JSON.stringify(rowsOf(userId, pending))]);
  }

  /** Forgets a learner's buffer (their rows are being deleted). */
  async drop(userId: string): Promise<void> {
    await this.redis.multi().del(this.keyOf(userId)).zrem(this.dirtyKey, userId).exec();
  }

  /**
   * For tests and tools: moves the lesson's watermark `seconds` into the past,
   * as if that much reading time had passed (the row's heartbeat_at is the
   * caller's to move).
   */
  async backdate(userId: string, slug: string, seconds: number): Promise<void> {
    const raw = await this.redis.hget(this.keyOf(userId), slug);
    if (!raw) return;
    const entry = JSON.parse(raw) as BufferedLesson;
    entry.wm -= seconds * 1000;
    await this.redis.hset(this.keyOf(userId), slug, JSON.stringify(entry));
  }

  /** Flushes until nothing is dirty (one round at a time); answers the rows written. */
  async flush(): Promise<number> {
    if (this.stopped) return 0;
    this.flushing ??= this.flushAll().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushAll(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 100; round += 1) {
      const { written, more } = await this.flushRound();
      total += written;
      if (!more) break;
    }
    return total;
  }

  /** One batch: the oldest dirty learners' buffers, one statement, then each learner acknowledged if nothing came meanwhile. */
  async flushOnce(): Promise<number> {
    return (await this.flushRound()).written;
  }

  private async flushRound(): Promise<{ written: number; more: boolean }> {
    const users = await this.redis.zrange(this.dirtyKey, 0, HEARTBEAT_FLUSH_BATCH - 1);
    if (users.length === 0) return { written: 0, more: false };
    const read = await Promise.all(
      users.map(async (userId) => {
        const all = await this.redis.hgetall(this.keyOf(userId));
        const lessons = new Map(
          Object.entries(all)
            .filter(([field]) => field !== '_v')
            .map(([slug, raw]) => [slug, JSON.parse(raw) as BufferedLesson]),
        );
        return { userId, version: all['_v'] ?? '0', lessons };
      }),
    );
    const rows = read.flatMap(({ userId, lessons }) => rowsOf(userId, lessons));
    const written = rows.length > 0 ? ((await this.dataSource.query(FLUSH_SQL, [JSON.stringify(rows)])) as [unknown[], number])[1] : 0;
    for (const { userId, version } of read) {
      await ACK_SCRIPT.run(this.redis, this.keyOf(userId), this.dirtyKey, userId, version, String(HEARTBEAT_IDLE_SECONDS));
    }
    if (written > 0) this.emit('flushed', written);
    return { written, more: users.length === HEARTBEAT_FLUSH_BATCH };
  }

  private warnedAt = 0;
  private warn(error: unknown): void {
    if (Date.now() - this.warnedAt < 60_000) return;
    this.warnedAt = Date.now();
    this.logger.warn(`Heartbeat buffer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function rowsOf(userId: string, lessons: Map<string, BufferedLesson>): Array<Record<string, unknown>> {
  return [...lessons].map(([slug, e]) => ({
    user_id: userId,
    lesson_slug: slug,
    epoch: e.epoch,
    credit: e.credit,
    wm: e.wm,
    at: e.at,
    section: e.section,
  }));
}
