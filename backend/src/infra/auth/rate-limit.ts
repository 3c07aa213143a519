import { CanActivate, ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { REDIS } from '../redis/redis.module';

export class RateLimitedError extends DomainError {
  constructor(what: string, retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many ${what}; try again in ${retryAfterSeconds} s`);
  }
}

export type RateLimitKind = 'create-user' | 'learner-write';
const RATE_LIMIT = 'lectern:rate-limit';

/** Marks a route as limited: per client IP for learner creation, per learner for writes. */
export const RateLimit = (kind: RateLimitKind): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT, kind);

/**
 * Fixed-window counters in Redis, so limits hold across api instances. When
 * Redis cannot answer, requests are let through (these limits protect the
 * service; they must not take it down with Redis).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<RateLimitKind | undefined>(RATE_LIMIT, [context.getHandler(), context.getClass()]);
    if (!kind) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { learner?: { userId: string } }>();
    const [who, limit, windowSeconds, what] =
      kind === 'create-user'
        ? [request.ip, this.config.USER_CREATE_PER_IP_PER_HOUR, 3_600, 'new learners from this address']
        : [request.learner?.userId ?? request.ip, this.config.WRITES_PER_LEARNER_PER_MINUTE, 60, 'changes'];
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const key = `${this.config.QUEUE_PREFIX}:rl:${kind}:${who}:${window}`;
    let count: number;
    try {
      const results =
        (await this.redis
          .multi()
          .incr(key)
          .expire(key, windowSeconds * 2)
          .exec()) ?? [];
      count = Number(results[0]?.[1] ?? 0);
    } catch (error) {
      this.logger.warn(`Rate limit not applied (Redis: ${error instanceof Error ? error.message : String(error)})`);
      return true;
    }
    if (count > limit) throw new RateLimitedError(what, windowSeconds - (Math.floor(Date.now() / 1000) % windowSeconds));
    return true;
  }
}
