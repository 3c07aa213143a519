import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { RedisScript } from '../redis/redis-script';

const WINDOW_MS = 60_000;

/**
 * KEYS: 1 the window's sorted set. ARGV: 1 now (ms), 2 window (ms), 3 max, 4 member.
 * Answers 0 when a slot was taken, else the milliseconds until one frees up.
 */
const ACQUIRE_SCRIPT = new RedisScript(
  `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`,
  1,
);

/** No provider slot free within the time the caller can wait. */
export class ProviderBusyError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`The LLM provider rate limit (LLM_REQUESTS_PER_MINUTE) is reached; a slot frees in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'ProviderBusyError';
  }
}

/**
 * The provider rate limit, LLM_REQUESTS_PER_MINUTE over a sliding minute,
 * shared by every process through Redis: worker jobs and the api's search
 * query embeddings take slots from the same window.
 */
@Injectable()
export class ProviderRateLimiter {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private get key(): string {
    return `${this.config.QUEUE_PREFIX}:llm-rpm`;
  }

  /** Takes a slot now, or answers how long until one frees up. */
  async tryAcquire(): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    const wait = Number(
      await ACQUIRE_SCRIPT.run(
        this.redis,
        this.key,
        String(Date.now()),
        String(WINDOW_MS),
        String(this.config.LLM_REQUESTS_PER_MINUTE),
        randomUUID(),
      ),
    );
    return wait === 0 ? { ok: true } : { ok: false, retryAfterMs: wait };
  }

  /** Takes a slot, waiting up to `maxWaitMs` for one (0: do not wait); throws ProviderBusyError otherwise. */
  async acquire(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const slot = await this.tryAcquire();
      if (slot.ok) return;
      if (Date.now() + slot.retryAfterMs > deadline || signal?.aborted) throw new ProviderBusyError(slot.retryAfterMs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(slot.retryAfterMs, 1_000)));
    }
  }
}
