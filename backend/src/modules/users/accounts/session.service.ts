import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, REDIS, redisOptions, SessionVerifier, TokenService, type SessionCheck } from '@lectern/infra';
import Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DataSource, EntityManager } from 'typeorm';
import { UsersConfig } from '../users.config';

export type SessionKind = 'anonymous' | 'account' | 'legacy';

/** Bearer tokens of server-side sessions: `ls1.` + 32 random bytes (base64url). Nothing in them but randomness. */
const SESSION_PREFIX = 'ls1.';
const LEGACY_PREFIX = 'lt1.';
/** A used session's expiry moves forward at most this often (one write per session per interval, not per request). */
const SLIDE_EVERY_MS = 60 * 60_000;

interface CachedSession {
  sessionId: string;
  userId: string;
  kind: SessionKind;
  expiresAt: Date;
  cachedAt: number;
}

interface SessionRow {
  id: string;
  user_id: string;
  kind: SessionKind;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date;
}

/** What a revocation tells the other api instances (through Redis pub/sub). */
interface Invalidation {
  sessionIds?: string[];
  userId?: string;
}

export interface IssuedSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const MESSAGES = {
  unknown: 'The token is not a Lectern session; sign in or create a new learner',
  ended: 'This session has ended; sign in again',
  expired: 'The token has expired; create a new learner or sign in',
  malformed: 'The token is not a Lectern token',
  bad_signature: 'The token signature is invalid',
} as const;

/**
 * Server-side sessions. A check is one indexed lookup (`token_hash`, unique),
 * remembered in-process for at most SESSION_CACHE_MS; revoking publishes on
 * Redis so every api instance drops its copy at once (the short cache bounds
 * it even when Redis is away). Pre-session signed tokens (`lt1.`) keep
 * working: on first use they are mapped to a session row keyed by their hash,
 * so they can be revoked like any other; only anonymous learners' legacy
 * tokens are mapped (an account is only entered by signing in).
 */
@Injectable()
export class SessionService extends SessionVerifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionService.name);
  private readonly cache = new Map<string, CachedSession>();
  private subscriber?: Redis;
  private readonly channel: string;
  /** Emits `invalidated` (an Invalidation) when this instance drops cached sessions and `slid` (a session id) when one was extended; tests wait on them. */
  readonly events = new EventEmitter();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly settings: UsersConfig,
    private readonly tokens: TokenService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    super();
    this.channel = `${config.QUEUE_PREFIX}:sessions:invalidate`;
  }

  async onModuleInit(): Promise<void> {
    // Subscribing needs a connection of its own; it queues commands until connected and resubscribes after a reconnect.
    const subscriber = new Redis(this.config.REDIS_URL, { ...redisOptions(), enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the request-path connection already reports Redis trouble
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        this.dropCached(JSON.parse(message) as Invalidation);
      } catch {
        this.logger.warn('Ignored a malformed session invalidation message');
      }
    });
    const subscribed = subscriber.subscribe(this.channel);
    const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 2_000).unref());
    const outcome = await Promise.race([subscribed.then(() => 'ok' as const), timeout]).catch(() => 'failed' as const);
    if (outcome !== 'ok')
      this.logger.warn('Not yet subscribed to session revocations; cached sessions expire within SESSION_CACHE_MS anyway');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  async verify(token: string): Promise<SessionCheck> {
    if (token.startsWith(LEGACY_PREFIX)) return this.verifyLegacy(token);
    if (!token.startsWith(SESSION_PREFIX) || token.length > 100) return { ok: false, message: MESSAGES.malformed };
    return this.check(sha256Hex(token));
  }

  /** Starts a session for a learner; the token is shown once, only its hash is kept. */
  async create(userId: string, kind: SessionKind, manager: EntityManager = this.dataSource.manager): Promise<IssuedSession> {
    const token = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
    const days = kind === 'account' ? this.settings.SESSION_TTL_DAYS : this.config.TOKEN_TTL_DAYS;
    const [row] = (await manager.query(
      `INSERT INTO sessions (token_hash, user_id, kind, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))
       RETURNING id, expires_at`,
      [sha256Hex(token), userId, kind, days],
    )) as Array<{ id: string; expires_at: Date }>;
    return { token, sessionId: row.id, expiresAt: row.expires_at };
  }

  /** The session behind a token, or null when it is unknown, revoked or expired (no error: callers treat it as "no token"). */
  async resolve(token: string | undefined): Promise<{ userId: string; sessionId: string } | null> {
    if (!token) return null;
    const check = await this.verify(token);
    return check.ok ? { userId: check.userId, sessionId: check.sessionId } : null;
  }

  async expiresAt(sessionId: string): Promise<Date | null> {
    const [row] = (await this.dataSource.query('SELECT expires_at FROM sessions WHERE id = $1', [sessionId])) as Array<{
      expires_at: Date;
    }>;
    return row?.expires_at ?? null;
  }

  /** Ends one session (sign-out). */
  async revoke(sessionId: string): Promise<void> {
    await this.dataSource.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
    await this.announce({ sessionIds: [sessionId] });
  }

  /** Ends every session of a learner except `keepSessionId` (sign-up, password reset). */
  async revokeAllOf(userId: string, keepSessionId?: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = (await manager.query(
      `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid) RETURNING id`,
      [userId, keepSessionId ?? null],
    )) as [Array<{ id: string }>, number];
    return rows[0].map((r) => r.id);
  }

  /**
   * Tells every api instance (this one included) to forget cached sessions:
   * by id, or all of a learner's. Call after the revoking transaction committed.
   */
  async announce(invalidation: Invalidation): Promise<void> {
    this.dropCached(invalidation);
    try {
      await this.redis.publish(this.channel, JSON.stringify(invalidation));
    } catch (error) {
      this.logger.warn(
        `Session revocation not broadcast (Redis: ${error instanceof Error ? error.message : String(error)}); other instances drop it within ${this.settings.SESSION_CACHE_MS} ms`,
      );
    }
  }

  private async check(tokenHash: string): Promise<SessionCheck> {
    const now = Date.now();
    const cached = this.cache.get(tokenHash);
    if (cached && now - cached.cachedAt < this.settings.SESSION_CACHE_MS && cached.expiresAt.getTime() > now) {
      return { ok: true, userId: cached.userId, sessionId: cached.sessionId };
    }
    this.cache.delete(tokenHash);
    const [row] = (await this.dataSource.query(
      'SELECT id, user_id, kind, expires_at, revoked_at, last_used_at FROM sessions WHERE token_hash = $1',
      [tokenHash],
    )) as SessionRow[];
    if (!row) return { ok: false, message: MESSAGES.unknown };
    if (row.revoked_at) return { ok: false, message: MESSAGES.ended };
    if (row.expires_at.getTime() <= now) return { ok: false, message: MESSAGES.expired };

    if (row.kind !== 'legacy' && now - row.last_used_at.getTime() > SLIDE_EVERY_MS) this.slide(row);
    if (this.settings.SESSION_CACHE_MS > 0) {
      if (this.cache.size > 10_000) this.pruneCache(now);
      this.cache.set(tokenHash, { sessionId: row.id, userId: row.user_id, kind: row.kind, expiresAt: row.expires_at, cachedAt: now });
    }
    return { ok: true, userId: row.user_id, sessionId: row.id };
  }

  private async verifyLegacy(token: string): Promise<SessionCheck> {
    const result = this.tokens.verify(token);
    if (!result.ok) return { ok: false, message: MESSAGES[result.reason] };
    const tokenHash = sha256Hex(token);
    const found = await this.check(tokenHash);
    if (found.ok || found.message !== MESSAGES.unknown) return found;
    // First use since sessions arrived: map it to a session row, for an anonymous learner that still exists.
    await this.dataSource.query(
      `INSERT INTO sessions (token_hash, user_id, kind, expires_at)
       SELECT $1, u.id, 'legacy', to_timestamp($3) FROM users u WHERE u.id = $2 AND u.password_hash IS NULL
       ON CONFLICT (token_hash) DO NOTHING`,
      [tokenHash, result.claims.sub, result.claims.exp],
    );
    return this.check(tokenHash);
  }

  /** Sliding expiry: moves the session's end forward, off the request path (a failure only means it slides next time). */
  private slide(row: SessionRow): void {
    const days = row.kind === 'account' ? this.settings.SESSION_TTL_DAYS : this.config.TOKEN_TTL_DAYS;
    this.dataSource
      .query(
        `UPDATE sessions SET last_used_at = now(), expires_at = GREATEST(expires_at, now() + make_interval(days => $2))
         WHERE id = $1 AND revoked_at IS NULL`,
        [row.id, days],
      )
      .then(
        () => this.events.emit('slid', row.id),
        (error: unknown) => this.logger.warn(`Session expiry not extended: ${error instanceof Error ? error.message : String(error)}`),
      );
  }

  private dropCached(invalidation: Invalidation): void {
    const ids = new Set(invalidation.sessionIds ?? []);
    for (const [hash, entry] of this.cache) {
      if (ids.has(entry.sessionId) || entry.userId === invalidation.userId) this.cache.delete(hash);
    }
    this.events.emit('invalidated', invalidation);
  }

  private pruneCache(now: number): void {
    for (const [hash, entry] of this.cache) if (now - entry.cachedAt >= this.settings.SESSION_CACHE_MS) this.cache.delete(hash);
  }
}
