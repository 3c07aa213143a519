import { CanActivate, ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { REDIS } from '../redis/redis.module';
import { RedisScript } from '../redis/redis-script';

export class RateLimitedError extends DomainError {
  constructor(what: string, retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many ${what}; try again in ${retryAfterSeconds} s`);
  }
}

export type RateLimitKind = 'create-user' | 'learner-write';
const RATE_LIMIT = 'lectern:rate-limit';

/**
 * One hit in one round trip and one command: counts the event in this
 * window's key (its expiry set when the key is created), and reads the
 * previous window's count. Atomic, as the MULTI it replaces was, but a
 * MULTI/INCR/EXPIRE/GET/EXEC of five commands cost the api a fifth of a
 * reading heartbeat's CPU in the load bench.
 */
const HIT_SCRIPT = new RedisScript<[number, string | null]>(
  `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('GET', KEYS[2])}
`,
  2,
);

/**
 * Sliding-window counters in Redis, shared by every api instance: `hit`
 * counts one more event for `who` and answers how many happened in the last
 * `windowSeconds`, estimated from two fixed windows (this one, plus the
 * previous one weighted by how much of it the sliding window still covers).
 * A fixed window alone would let twice the limit through around its boundary
 * (a burst at :59 and another at :00); this costs two small keys per client,
 * whatever the request rate. It throws when Redis cannot answer; the caller
 * decides whether that lets the request through or refuses it.
 */
@Injectable()
export class RateCounter {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async hit(kind: string, who: string, windowSeconds: number): Promise<{ count: number; retryAfterSeconds: number }> {
    const w = this.window(kind, who, windowSeconds);
    const [count, previous] = await HIT_SCRIPT.run(this.redis, w.key, w.previousKey, windowSeconds * 2);
    return { count: Number(count) + Number(previous ?? 0) * w.previousWeight, retryAfterSeconds: w.retryAfterSeconds };
  }

  /** The sliding window's count for `who` without counting anything (e.g. failures so far). */
  async peek(kind: string, who: string, windowSeconds: number): Promise<{ count: number; retryAfterSeconds: number }> {
    const w = this.window(kind, who, windowSeconds);
    const [count, previous] = await this.redis.mget(w.key, w.previousKey);
    return { count: Number(count ?? 0) + Number(previous ?? 0) * w.previousWeight, retryAfterSeconds: w.retryAfterSeconds };
  }

  private window(
    kind: string,
    who: string,
    windowSeconds: number,
  ): { key: string; previousKey: string; previousWeight: number; retryAfterSeconds: number } {
    const windowMs = windowSeconds * 1000;
    const nowMs = Date.now();
    const index = Math.floor(nowMs / windowMs);
    const elapsedMs = nowMs - index * windowMs;
    const base = `${this.config.QUEUE_PREFIX}:rl:${kind}:${who}`;
    return {
      key: `${base}:${index}`,
      previousKey: `${base}:${index - 1}`,
      previousWeight: 1 - elapsedMs / windowMs,
      retryAfterSeconds: Math.max(1, Math.ceil((windowMs - elapsedMs) / 1000)),
    };
  }
}

/** Marks a route as limited: per client IP for learner creation, per learner for writes. */
export const RateLimit = (kind: RateLimitKind): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT, kind);

/**
 * Applies @RateLimit routes' limits with the RateCounter. When Redis cannot
 * answer, requests are let through (these limits protect the service; they
 * must not take it down with Redis).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly counter: RateCounter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<RateLimitKind | undefined>(RATE_LIMIT, [context.getHandler(), context.getClass()]);
    if (!kind) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { learner?: { userId: string } }>();
    const [who, limit, windowSeconds, what] =
      kind === 'create-user'
        ? [request.ip, this.config.USER_CREATE_PER_IP_PER_HOUR, 3_600, 'new learners from this address']
        : [request.learner?.userId ?? request.ip, this.config.WRITES_PER_LEARNER_PER_MINUTE, 60, 'changes'];
    let hit: { count: number; retryAfterSeconds: number };
    try {
      hit = await this.counter.hit(kind, who, windowSeconds);
    } catch (error) {
      this.logger.warn(`Rate limit not applied (Redis: ${error instanceof Error ? error.message : String(error)})`);
      return true;
    }
    if (hit.count > limit) throw new RateLimitedError(what, hit.retryAfterSeconds);
    return true;
  }
}
